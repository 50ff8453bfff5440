from django.core.management.base import BaseCommand

from health.heartbeats import records_heartbeat
from transfer.services import purge_old_uploads


class Command(BaseCommand):
    help = (
        "Delete uploads not imported within 48 hours and trim done imports older than 30 days to their "
        "counts (the Celery beat job, for people who use cron)."
    )

    @records_heartbeat("purge-old-uploads")
    def handle(self, *args, **options):
        result = purge_old_uploads()
        self.stdout.write(f"{result['expired']} upload(s) deleted, {result['trimmed']} done import(s) trimmed.")
