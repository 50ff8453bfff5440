"""Each beat entry expires just under its period: runs queued while no worker was there are
dropped, so a worker coming back after an outage runs the sweep once, not once per missed period."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.utils import timezone

from followups.tasks import raise_reminders
from health.models import JobHeartbeat
from netcrm.schedule import BEAT_JOBS, beat_schedule

from .conftest import wait_for


def test_every_entry_expires_just_under_its_period(monkeypatch):
    monkeypatch.setenv("REMINDER_SWEEP_EVERY_MINUTES", "1")
    monkeypatch.setenv("DIGEST_SCHEDULER_EVERY_MINUTES", "1440")
    schedule = beat_schedule()
    assert set(schedule) == {job.name for job in BEAT_JOBS}
    for entry in schedule.values():
        period = entry["schedule"].total_seconds()
        assert 0.9 * period <= entry["options"]["expires"] < period
    assert schedule["raise-reminders"]["options"]["expires"] == 54
    assert schedule["schedule-digests"]["options"]["expires"] == 24 * 60 * 60 - 60


@pytest.mark.django_db(transaction=True)
def test_a_worker_back_from_an_outage_skips_the_runs_beat_queued_meanwhile(start_celery_worker):
    options = beat_schedule()["raise-reminders"]["options"]
    queue = f"test-{uuid.uuid4().hex[:8]}"
    missed = []
    for minutes_ago in (60, 45, 30, 15):  # beat kept sending every 15 minutes; no worker was running
        with time_machine.travel(timezone.now() - datetime.timedelta(minutes=minutes_ago)):
            missed.append(raise_reminders.apply_async(queue=queue, **options).id)
    current = raise_reminders.apply_async(queue=queue, **options).id  # the run due now

    _, worker = start_celery_worker(queue=queue)  # the worker is back
    wait_for(lambda: JobHeartbeat.objects.filter(job="raise-reminders").exists(), worker=worker)
    worker.terminate()
    log = worker.communicate(timeout=20)[0]

    succeeded = re.findall(r"Task followups\.tasks\.raise_reminders\[([0-9a-f-]+)\] succeeded", log)
    discarded = re.findall(r"Discarding revoked task: followups\.tasks\.raise_reminders\[([0-9a-f-]+)\]", log)
    assert succeeded == [current], log
    assert discarded == missed, log
