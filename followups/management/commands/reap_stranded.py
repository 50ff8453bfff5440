from django.core.management.base import BaseCommand

from followups.digest import jobs as digest_jobs
from followups.reaper import reap_stranded
from health.heartbeats import records_heartbeat


class Command(BaseCommand):
    help = (
        "Find digests and imports that were claimed and abandoned (a worker died, the broker was down): "
        "queue them again or mark them failed (the Celery beat job, for people who use cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--send-here",
            action="store_true",
            help="Send lost digests from this process instead of queueing them (no Celery worker).",
        )

    @records_heartbeat("reap-stranded")
    def handle(self, *args, send_here, **options):
        queue = None
        if send_here:

            def queue(log_id):
                digest_jobs.send_now(log_id)
                return True

        result = reap_stranded(queue=queue)
        self.stdout.write(
            f"{result.digests_requeued} digest(s) sent again, {result.digests_failed} marked failed, "
            f"{result.imports_failed} import(s) marked failed."
        )
