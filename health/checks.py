"""django-health-check plugins for netcrm: the broker, and one heartbeat check per periodic job.

Their names and messages are what an anonymous visitor of /health/ sees: job names, ages and
the broker's transport, never a host, a password or anyone's data (the details go to the log).
"""

from __future__ import annotations

import dataclasses
import datetime
import os

from asgiref.sync import sync_to_async
from django.conf import settings
from health_check import checks
from health_check.base import HealthCheck
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from redis.asyncio import Redis as RedisClient

from . import heartbeats

BROKER_SOCKET_TIMEOUT_SECONDS = 1


@dataclasses.dataclass
class Database(checks.Database):
    """The library's ``SELECT 1``, with a message that does not name the database's host."""

    def run(self):
        try:
            super().run()
        except ServiceUnavailable as error:
            raise ServiceUnavailable("The database cannot be reached or answered wrongly.") from error


@dataclasses.dataclass
class RedisBroker(Redis):
    """Ping the Celery broker (Redis) with a one-second connect and read budget, so /health/
    answers at once when Redis is down or unreachable."""

    url: str = dataclasses.field(default="", repr=False)
    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=2), repr=False)

    def __post_init__(self):
        self.client_factory = lambda: RedisClient.from_url(
            self.url,
            socket_connect_timeout=BROKER_SOCKET_TIMEOUT_SECONDS,
            socket_timeout=BROKER_SOCKET_TIMEOUT_SECONDS,
        )
        super().__post_init__()

    def __repr__(self):
        return "Broker(transport='redis')"

    @property
    def labels(self) -> dict[str, str]:
        return {"check": "Broker", "transport": "redis"}


@dataclasses.dataclass
class FilesystemBroker(HealthCheck):
    """The embedded default's broker is a set of folders: it works while they can be written."""

    folders: tuple[str, ...] = dataclasses.field(default=(), repr=False)

    def run(self):
        for folder in self.folders:
            if not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
                raise ServiceUnavailable("A folder of the filesystem broker is missing or cannot be written.")

    def __repr__(self):
        return "Broker(transport='filesystem')"

    @property
    def labels(self) -> dict[str, str]:
        return {"check": "Broker", "transport": "filesystem"}


def broker_check() -> HealthCheck:
    """The check for the broker this process sends tasks to (read at request time)."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem:"):
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        folders = tuple(options[key] for key in ("data_folder_in", "control_folder") if key in options)
        return FilesystemBroker(folders=folders)
    return RedisBroker(url=url)


@dataclasses.dataclass
class Heartbeat(HealthCheck):
    """A periodic job of netcrm.schedule.BEAT_JOBS finished within twice its period.

    ``HealthView`` reads every job's status first, in the request's own thread and database
    connection, and hands it over; on its own the check reads it."""

    job: str
    status: heartbeats.JobStatus | None = dataclasses.field(default=None, repr=False, compare=False)
    unreadable: bool = dataclasses.field(default=False, repr=False)

    async def run(self):
        if self.unreadable:
            raise ServiceUnavailable("The heartbeats cannot be read: the database is unavailable.")
        status = self.status or await sync_to_async(heartbeats.job_status)(self.job)
        if status is not None and status.late:
            raise ServiceUnavailable(status.describe())
