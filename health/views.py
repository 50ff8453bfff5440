"""/health/ for uptime monitors: 200 when everything works, 503 otherwise; no login needed."""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.generic import View
from health_check.checks import Cache
from health_check.views import HealthCheckView

from . import heartbeats
from .checks import Database, Heartbeat, broker_check

logger = logging.getLogger(__name__)


class HealthView(HealthCheckView):
    """django-health-check's view (HTML, ?format=json|text|openmetrics) with netcrm's checks:
    the database, the cache, the broker and the heartbeat of each periodic job beat runs.

    Served as a plain (sync) view: the heartbeats are read in the request's thread, then the
    library's checks run concurrently on an event loop of their own in a helper thread (the
    request's thread may already run a loop, where a second one is refused)."""

    def dispatch(self, request, *args, **kwargs):
        response = View.dispatch(self, request, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        add_never_cache_headers(response)
        return response

    def get(self, request, *args, **kwargs):
        try:
            self.statuses = {status.job.name: status for status in heartbeats.job_statuses()}
        except DatabaseError:
            logger.exception("/health/ could not read the heartbeats")
            self.statuses = None
        with ThreadPoolExecutor(max_workers=1) as helper:
            response = helper.submit(asyncio.run, super().get(request, *args, **kwargs)).result()
        if response.status_code == 500:  # the library says 500; monitors and proxies expect 503
            response.status_code = 503
        return response

    def get_checks(self):
        yield Database()
        yield Cache()
        yield broker_check()
        for watched in heartbeats.watched_jobs():
            name = watched.job.name
            if self.statuses is None:
                yield Heartbeat(job=name, unreadable=True)
            else:
                yield Heartbeat(job=name, status=self.statuses[name])


# The library's HTML page carries its own <style>; it shows no user data, so it alone may.
health = login_not_required(csp_replace({"style-src": [UNSAFE_INLINE], "script-src": [NONE]})(HealthView.as_view()))
