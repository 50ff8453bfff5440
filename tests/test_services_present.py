"""The suite runs on the real parts: PostgreSQL and Redis. A missing server fails, never skips.

For a quick local run on SQLite, set NETCRM_ALLOW_SQLITE=1 explicitly; CI never does.
"""

import os

import pytest
import redis
from django.db import connection


@pytest.mark.django_db
def test_the_suite_runs_on_postgresql():
    if os.environ.get("NETCRM_ALLOW_SQLITE") == "1" and not os.environ.get("NETCRM_REQUIRE_SERVICES"):
        assert connection.vendor in ("postgresql", "sqlite")
    else:
        assert connection.vendor == "postgresql", "run the suite with ./scripts/test.sh (it starts PostgreSQL)"


def test_redis_answers():
    url = os.environ.get("REDIS_URL")
    assert url, "REDIS_URL is not set; run the suite with ./scripts/test.sh (it starts Redis)"
    assert redis.Redis.from_url(url).ping() is True
