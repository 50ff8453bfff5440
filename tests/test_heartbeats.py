"""The periodic jobs leave a heartbeat (worker, beat and cron alike); when the sweep is late the
dashboard says so in plain words, and why, outside its cached body."""

import datetime
import io
import os
import subprocess
import sys

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse

from followups import services
from followups.tasks import raise_reminders, schedule_digests
from health.heartbeats import BEAT, record_heartbeat, records_heartbeat
from health.models import JobHeartbeat
from netcrm.schedule import beat_schedule

from .conftest import REPO, test_database_url, wait_for

HOME = reverse("home")
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
SWEEP = "raise-reminders"
BANNER = "Reminders are late"


def finished_at(job):
    row = JobHeartbeat.objects.filter(job=job).first()
    return row.finished_at if row else None


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
class TestTheJobsRecordWhenTheyFinished:
    def test_the_sweep_task_and_the_digest_scheduler_task(self, frozen):
        raise_reminders()
        schedule_digests()
        assert finished_at(SWEEP) == NOW
        assert finished_at("schedule-digests") == NOW

    def test_the_cron_commands(self, frozen):
        call_command("raise_reminders", stdout=io.StringIO())
        call_command("send_digests", stdout=io.StringIO())
        assert finished_at(SWEEP) == NOW
        assert finished_at("schedule-digests") == NOW

    def test_a_dry_run_or_a_run_for_one_user_is_not_the_periodic_job(self, owner, frozen):
        call_command("send_digests", "--dry-run", stdout=io.StringIO())
        call_command("send_digests", "--user", owner.username, stdout=io.StringIO())
        assert finished_at("schedule-digests") is None

    def test_a_job_that_raises_records_that_it_failed_and_the_error_goes_on(self, frozen):
        with pytest.raises(OperationalError), records_heartbeat(SWEEP):
            raise OperationalError("could not connect to server at 10.0.0.5 as user alice")
        row = JobHeartbeat.objects.get(job=SWEEP)
        assert (row.finished_at, row.failed_at, row.failure) == (None, NOW, "OperationalError")

    def test_a_misspelt_job_name_fails_where_it_is_written(self):
        with pytest.raises(LookupError, match="raise-reminder"):
            records_heartbeat("raise-reminder")

    def test_a_rerun_moves_the_same_row(self, frozen):
        raise_reminders()
        frozen.shift(datetime.timedelta(minutes=15))
        raise_reminders()
        assert list(JobHeartbeat.objects.values_list("job", "finished_at")) == [
            (SWEEP, NOW + datetime.timedelta(minutes=15))
        ]


@pytest.mark.django_db
class TestTheDashboardSaysWhenRemindersAreLate:
    def test_the_banner_shows_over_a_cached_dashboard_and_goes_after_a_sweep(self, owner_client, frozen):
        raise_reminders()
        record_heartbeat(BEAT)
        assert BANNER not in owner_client.get(HOME).content.decode()  # the body is now cached

        frozen.shift(datetime.timedelta(minutes=31))
        record_heartbeat(BEAT)  # beat keeps sending; nothing finishes the sweep
        html = owner_client.get(HOME).content.decode()
        assert BANNER in html
        assert "They were last raised 31\xa0minutes ago" in html
        assert "they should be raised every 15\xa0minutes" in html
        assert "Why: the background worker is not running." in html

        raise_reminders()  # the worker is back
        assert BANNER not in owner_client.get(HOME).content.decode()

    def test_within_twice_the_period_there_is_no_banner(self, owner_client, frozen):
        raise_reminders()
        frozen.shift(datetime.timedelta(minutes=29))
        assert BANNER not in owner_client.get(HOME).content.decode()

    def test_when_beat_sent_nothing_either_it_blames_the_scheduler(self, owner_client, frozen):
        raise_reminders()
        record_heartbeat(BEAT)
        frozen.shift(datetime.timedelta(hours=2))
        html = owner_client.get(HOME).content.decode()
        assert "Why: the scheduler is not running." in html
        assert "has sent nothing since 1 Dec, 09:00" in html
        assert "python manage.py raise_reminders" in html  # for people who use cron

    def test_when_the_sweep_fails_it_says_so_without_the_error_message(self, owner_client, frozen):
        raise_reminders()
        frozen.shift(datetime.timedelta(minutes=40))
        with pytest.raises(OperationalError), records_heartbeat(SWEEP):
            raise OperationalError("password authentication failed for user alice")
        html = owner_client.get(HOME).content.decode()
        assert "the sweep fails (OperationalError, 0\xa0minutes ago)" in html
        assert "alice" not in html

    def test_times_are_in_the_users_zone(self, owner, owner_client, frozen):
        preferences = services.preferences_for(owner)
        preferences.time_zone = "Europe/Berlin"
        services.save_preferences(preferences=preferences)
        raise_reminders()
        frozen.shift(datetime.timedelta(hours=3))
        assert "(1 Dec, 10:00)" in owner_client.get(HOME).content.decode()

    def test_no_banner_when_the_sweep_is_disabled(self, owner_client, settings, frozen):
        settings.CELERY_BEAT_SCHEDULE = {}
        frozen.shift(datetime.timedelta(days=3))
        assert BANNER not in owner_client.get(HOME).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_running_the_sweep_records_its_heartbeat(start_celery_worker):
    queue, worker = start_celery_worker()
    raise_reminders.apply_async(queue=queue)
    wait_for(lambda: finished_at(SWEEP) is not None, worker=worker)


@pytest.mark.django_db(transaction=True)
def test_real_beat_records_its_heartbeat_when_it_sends_work(tmp_path):
    """Beat is started with a schedule file in which the sweep last ran an hour ago, so it sends
    the sweep at once (to the default queue, which no test worker reads)."""
    from celery.beat import PersistentScheduler

    from netcrm.celery import app

    schedule_file = str(tmp_path / "celerybeat-schedule")
    scheduler = PersistentScheduler(app=app, schedule_filename=schedule_file)
    scheduler.merge_inplace(beat_schedule())  # the entries beat will read from the environment
    scheduler.schedule[SWEEP].last_run_at = app.now() - datetime.timedelta(hours=1)
    scheduler.close()

    env = {**os.environ, "DATABASE_URL": test_database_url()}
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "netcrm", "beat", "-s", schedule_file, "--pidfile=", "--loglevel=INFO"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        wait_for(lambda: finished_at(BEAT) is not None, worker=beat)
    finally:
        beat.terminate()
        beat.wait(timeout=20)
    assert finished_at(SWEEP) is None  # beat only sent it; recording that it ran is the worker's part
