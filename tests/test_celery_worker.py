"""A real Celery worker, fed through the throwaway Redis, raises reminders in PostgreSQL."""

import datetime
import time

import pytest
from django.utils import timezone

from contacts.cadence import refresh_cadence
from contacts.models import Contact
from followups.models import Reminder
from followups.tasks import raise_reminders
from netcrm.schedule import beat_schedule

from .factories import ClassificationFactory, ContactFactory


@pytest.fixture
def celery_worker_process(start_celery_worker):
    return start_celery_worker()


@pytest.mark.django_db(transaction=True)
def test_the_beat_task_sent_through_redis_raises_reminders(owner, celery_worker_process):
    queue, worker = celery_worker_process
    classification = ClassificationFactory(owner=owner, contact_every_days=7)
    lapsed = ContactFactory(owner=owner, classification=classification)
    fresh = ContactFactory(owner=owner, classification=classification)
    Contact.objects.filter(pk=lapsed.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))
    refresh_cadence(Contact.objects.filter(owner=owner))

    raise_reminders.apply_async(queue=queue)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not Reminder.objects.exists():
        assert worker.poll() is None, worker.stdout.read()
        time.sleep(0.25)
    reminder = Reminder.objects.get()
    assert (reminder.contact_id, reminder.kind, reminder.state) == (lapsed.pk, "cadence", "open")
    assert not Reminder.objects.filter(contact=fresh).exists()


def test_beat_runs_the_sweep_every_15_minutes_by_default_and_can_be_changed(monkeypatch):
    assert beat_schedule()["raise-reminders"]["schedule"] == datetime.timedelta(minutes=15)
    assert beat_schedule()["raise-reminders"]["task"] == raise_reminders.name
    monkeypatch.setenv("REMINDER_SWEEP_EVERY_MINUTES", "5")
    assert beat_schedule()["raise-reminders"]["schedule"] == datetime.timedelta(minutes=5)
    monkeypatch.setenv("REMINDER_SWEEP_EVERY_MINUTES", "0")
    assert "raise-reminders" not in beat_schedule()


def test_the_task_acknowledges_late_and_has_a_time_limit():
    assert raise_reminders.acks_late is True
    assert raise_reminders.time_limit and raise_reminders.time_limit > 0


def test_each_worker_process_hides_what_it_started_with_from_the_garbage_collector():
    import gc

    from celery.signals import worker_process_init

    assert gc.get_freeze_count() == 0
    try:
        worker_process_init.send(sender=None)  # what the prefork pool sends in each new process
        assert gc.get_freeze_count() > 10_000  # Django and the app's modules
    finally:
        gc.unfreeze()
