from django.core.management.base import BaseCommand

from followups.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo user with every part of netcrm filled (safe to run again) and print the login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", default="demo-network-2026")
        parser.add_argument("--contacts", type=int, default=200)

    def handle(self, *args, username, password, contacts, **options):
        seed_demo(username=username, password=password, contacts=contacts)
        self.stdout.write(self.style.SUCCESS(f"Demo login: username={username} password={password}"))
