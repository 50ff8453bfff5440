import contextlib

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from followups.digest import jobs as digest_jobs
from followups.digest.schedule import users_due
from followups.services import create_missing_preferences
from health.heartbeats import records_heartbeat


class Command(BaseCommand):
    help = (
        "Send this week's digest to every user whose weekly slot has passed (at most once per user "
        "and week). For cron users; Celery beat runs the same job every 15 minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list who would get a digest now.")
        parser.add_argument("--user", action="append", metavar="USERNAME", help="Only this user (repeatable).")

    def handle(self, *args, dry_run, user, **options):
        owner_ids = None
        if user:
            found = dict(get_user_model().objects.filter(username__in=user).values_list("username", "pk"))
            unknown = sorted(set(user) - set(found))
            if unknown:
                raise CommandError(f"No such user: {', '.join(unknown)}")
            owner_ids = list(found.values())
        if dry_run:
            create_missing_preferences()
            due = users_due(owner_ids=owner_ids)
            for owner in due:
                self.stdout.write(f"would send to {owner.get_username()} <{owner.email}>")
            self.stdout.write(f"{len(due)} digest(s) due; nothing sent (dry run).")
            return
        # Only a run for everyone is the periodic job whose heartbeat /health/ watches.
        with records_heartbeat("schedule-digests") if owner_ids is None else contextlib.nullcontext():
            results = digest_jobs.claim_and_send_now(owner_ids=owner_ids)
        for claim, outcome in results:
            self.stdout.write(f"user {claim.owner_id}, week of {claim.week_starting}: {outcome}")
        self.stdout.write(f"{sum(1 for _, outcome in results if outcome == 'sent')} digest(s) sent.")
