"""/health/ for uptime monitors: 200 when everything works, 503 otherwise; no login needed."""

from django.contrib.auth.decorators import login_not_required
from health_check.checks import Cache, Database
from health_check.views import HealthCheckView

from . import heartbeats
from .checks import Heartbeat, broker_check


class HealthView(HealthCheckView):
    """django-health-check's view (HTML, ?format=json|text|openmetrics) with netcrm's checks:
    the database, the cache, the broker and the heartbeat of each periodic job beat runs."""

    def get_checks(self):
        yield Database()
        yield Cache()
        yield broker_check()
        for watched in heartbeats.watched_jobs():
            yield Heartbeat(job=watched.job.name)

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:  # the library says 500; monitors and proxies expect 503
            response.status_code = 503
        return response


health = login_not_required(HealthView.as_view())
