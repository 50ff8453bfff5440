"""/health/ tells an uptime monitor whether netcrm works: database, cache, broker and the age of
each periodic job's last run. 200 when healthy, 503 otherwise; no login; no user data."""

import datetime
import json
import os
import socket
import subprocess
import sys
import time

import pytest
import time_machine
from django.urls import reverse

from health.heartbeats import BEAT, record_heartbeat
from netcrm.schedule import BEAT_JOBS

from .conftest import REPO, free_port
from .factories import ContactFactory, UserFactory

HEALTH = reverse("health")
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
SWEEP, DIGESTS = "raise-reminders", "schedule-digests"


def get_json(client):
    response = client.get(HEALTH, HTTP_ACCEPT="application/json")
    return response.status_code, response.json()


def every_job_just_finished():
    for job in [*(job.name for job in BEAT_JOBS), BEAT]:
        record_heartbeat(job)


@pytest.fixture
def redis_broker(settings):
    url = os.environ.get("REDIS_URL")
    assert url, "the health tests need the suite's Redis (REDIS_URL)"
    settings.CELERY_BROKER_URL = url
    return url


@pytest.mark.django_db
def test_everything_up_answers_200_with_each_part_listed(client, redis_broker):
    every_job_just_finished()
    status, body = get_json(client)
    assert status == 200, body
    assert body == {
        "Database(alias='default')": "OK",
        "Cache(alias='default')": "OK",
        "Broker(transport='redis')": "OK",
        **{f"Heartbeat(job='{job.name}')": "OK" for job in BEAT_JOBS},  # each periodic job, by construction
    }
    assert "Heartbeat(job='raise-reminders')" in body


@pytest.mark.django_db
def test_the_page_for_people_needs_no_login_and_shows_no_ones_data(client, redis_broker):
    user = UserFactory(username="margaret-h", email="margaret@private.example")
    ContactFactory(owner=user, first_name="Zebulon", last_name="Quartermaine")
    every_job_just_finished()
    for accept in ("text/html", "application/json", "text/plain"):
        response = client.get(HEALTH, HTTP_ACCEPT=accept)
        assert response.status_code == 200, accept
        page = response.content.decode()
        for private in ("margaret", "Zebulon", "Quartermaine", "private.example"):
            assert private not in page
    assert "Heartbeat(job=&#x27;raise-reminders&#x27;)" in client.get(HEALTH, HTTP_ACCEPT="text/html").content.decode()
    assert client.get(HEALTH)["Cache-Control"].startswith("max-age=0")  # monitors never see a cached answer


@pytest.mark.django_db
def test_a_broker_on_a_closed_port_answers_503_at_once(client, settings):
    every_job_just_finished()
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    started = time.monotonic()
    status, body = get_json(client)
    assert time.monotonic() - started < 3
    assert status == 503
    assert body["Broker(transport='redis')"].startswith("Unavailable")
    assert body["Database(alias='default')"] == "OK"


@pytest.mark.django_db
def test_a_broker_that_accepts_but_never_answers_is_given_up_on_within_seconds(client, settings):
    every_job_just_finished()
    with socket.socket() as silent:  # the kernel accepts the connection; nobody ever replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        started = time.monotonic()
        status, body = get_json(client)
        took = time.monotonic() - started
    assert status == 503
    assert body["Broker(transport='redis')"] == "Unavailable: Unable to connect to Redis: Timeout."
    assert took < 4


@pytest.mark.django_db
def test_a_sweep_older_than_twice_its_period_answers_503_and_says_how_old(client, redis_broker):
    with time_machine.travel(NOW, tick=False) as traveller:
        record_heartbeat(SWEEP)
        traveller.shift(datetime.timedelta(minutes=29))
        for job in [*(job.name for job in BEAT_JOBS if job.name != SWEEP), BEAT]:  # they keep running
            record_heartbeat(job)
        assert get_json(client)[0] == 200  # 29 minutes: within twice the 15-minute period

        traveller.shift(datetime.timedelta(minutes=2))
        status, body = get_json(client)
    assert status == 503
    assert body["Heartbeat(job='schedule-digests')"] == "OK"
    message = body["Heartbeat(job='raise-reminders')"]
    assert message.startswith("Unavailable: Reminder sweep last finished 31\xa0minutes ago (runs every 15\xa0minutes)")
    assert "no Celery worker finishes it" in message  # beat sent work 2 minutes ago


@pytest.mark.django_db
def test_a_job_that_never_ran_is_late_twice_its_period_after_netcrm_began_watching(client, redis_broker):
    with time_machine.travel(NOW, tick=False) as traveller:
        assert get_json(client)[0] == 200  # a fresh install is not alarming before its first run is due
        traveller.shift(datetime.timedelta(minutes=31))
        status, body = get_json(client)
    assert status == 503
    message = body["Heartbeat(job='raise-reminders')"]
    assert "has not finished in the 31\xa0minutes since netcrm began watching it" in message
    assert "Celery beat never sent work: beat is not running" in message


@pytest.mark.django_db
def test_a_disabled_job_is_not_watched(client, redis_broker, settings):
    schedule = dict(settings.CELERY_BEAT_SCHEDULE)
    del schedule[DIGESTS]
    settings.CELERY_BEAT_SCHEDULE = schedule
    every_job_just_finished()
    status, body = get_json(client)
    assert status == 200
    assert "Heartbeat(job='schedule-digests')" not in body


def health_in_a_new_process(env) -> tuple[int, dict]:
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/health/', HTTP_ACCEPT='application/json');"
        "print(json.dumps([r.status_code, r.json()]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_database_that_is_down_answers_503_without_naming_its_host(tmp_path):
    env = {**os.environ, "NETCRM_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "netcrm.settings"}
    env["DATABASE_URL"] = f"postgres://netcrm:secret-pw@127.0.0.1:{free_port()}/netcrm"
    status, body = health_in_a_new_process(env)
    assert status == 503
    assert body["Database(alias='default')"] == "Unavailable: The database cannot be reached or answered wrongly."
    assert body["Broker(transport='redis')"] == "OK"
    assert "127.0.0.1" not in json.dumps(body)
    assert "secret-pw" not in json.dumps(body)


def test_the_embedded_default_sqlite_and_filesystem_broker_answers_too(tmp_path):
    """No PostgreSQL, no Redis: the one-command setup of a new user."""
    script = (
        "import django, json; django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "from django.test import Client;"
        "from health.heartbeats import record_heartbeat; record_heartbeat('raise-reminders');"
        "r = Client().get('/health/', HTTP_ACCEPT='application/json');"
        "print(json.dumps([r.status_code, r.json()]))"
    )
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL"}}
    env.update(NETCRM_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="netcrm.settings")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    status, body = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 200, body
    assert body["Broker(transport='filesystem')"] == "OK"
    assert body["Database(alias='default')"] == "OK"
    assert (tmp_path / "db.sqlite3").exists()
