from django.core.management.base import BaseCommand

from followups.sweep import run_sweep


class Command(BaseCommand):
    help = "Raise every reminder that has come due (the Celery beat job, for people who use cron)."

    def handle(self, *args, **options):
        self.stdout.write(str(run_sweep()))
