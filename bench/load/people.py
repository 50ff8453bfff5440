"""The simulated people's accounts: each one a demo network of its own (contacts/demo.py)."""

from __future__ import annotations

import dataclasses
import datetime
from unittest import mock

PASSWORD = "load-bench-password-2026"


@dataclasses.dataclass
class Person:
    username: str
    password: str
    contact_ids: list[int]
    search_terms: list[str]


def generate(users: int, contacts: int) -> list[Person]:
    """``users`` accounts with ``contacts`` contacts, a year of history, reminders and a plan.

    contacts.demo.seed_demo_network is set-based (a few bulk_creates per account). The one
    password hash is computed once: hashing is what logging in costs, not what this measures.
    """
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from contacts.demo import seed_demo_network
    from contacts.models import Contact
    from followups.models import WeekPlanEntry
    from followups.services import create_missing_preferences
    from followups.sweep import run_sweep
    from strategy import services as strategy

    password_hash = make_password(PASSWORD)
    people = []
    with mock.patch("django.contrib.auth.base_user.make_password", return_value=password_hash):
        for n in range(users):
            user = seed_demo_network(username=f"load{n:02d}", password=PASSWORD, contacts=contacts, seed=100 + n)
            rows = list(Contact.objects.for_user(user).order_by("pk").values_list("pk", "last_name", "company"))
            # what people type in the search box: the start of a surname, or a company
            surnames, companies = {last[:4] for _, last, _ in rows}, {company.split()[0] for *_, company in rows}
            people.append(
                Person(
                    username=user.username,
                    password=PASSWORD,
                    contact_ids=[pk for pk, _, _ in rows],
                    search_terms=sorted(surnames | companies),
                )
            )
            plan = strategy.plan_for(owner=user)
            plan.who_to_invite, plan.how_to_maintain = "Founders I meet at meetups", "A coffee every quarter"
            strategy.save_plan(plan=plan)
            main, *_ = strategy.add_purposes(owner=user, names=["Customers", "Collaborators", "Find a co-founder"])
            main.contacts.add(*people[-1].contact_ids[:30])
            now = timezone.now()
            monday = now.date() - datetime.timedelta(days=now.weekday())
            WeekPlanEntry.objects.bulk_create(
                WeekPlanEntry(owner=user, contact_id=pk, week_starting=monday) for pk in people[-1].contact_ids[:5]
            )
    create_missing_preferences()
    run_sweep()
    return people
