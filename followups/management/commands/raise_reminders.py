from django.core.management.base import BaseCommand

from followups.sweep import run_sweep
from health.heartbeats import records_heartbeat


class Command(BaseCommand):
    help = "Raise every reminder that has come due (the Celery beat job, for people who use cron)."

    @records_heartbeat("raise-reminders")  # so /health/ and the dashboard see cron's sweeps too
    def handle(self, *args, **options):
        self.stdout.write(str(run_sweep()))
