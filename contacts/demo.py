"""The demo network: about 200 contacts and a year of history (followups.demo adds every other part)."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import services
from .cadence import refresh_cadence
from .models import Classification, Contact, ContactEmail, Interaction, InteractionKind, Tag

FIRST_NAMES = [
    "Ada",
    "Alan",
    "Amara",
    "Ana",
    "Ben",
    "Bianca",
    "Carlos",
    "Chen",
    "Chloe",
    "Dan",
    "Dara",
    "Elena",
    "Emeka",
    "Eva",
    "Farah",
    "Felix",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ivan",
    "Jade",
    "Jonas",
    "Kai",
    "Karin",
    "Leo",
    "Lina",
    "Luca",
    "Maya",
    "Mei",
    "Nadia",
    "Nils",
    "Omar",
    "Olga",
    "Pablo",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Sara",
    "Tariq",
    "Tess",
    "Uma",
    "Victor",
    "Wen",
    "Yara",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Adams",
    "Baker",
    "Costa",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmermann",
]
COMPANIES = [
    "Northwind Labs",
    "Blue Harbor Consulting",
    "Acme Analytics",
    "Greenleaf Foods",
    "Orbit Media",
    "Kestrel Capital",
    "Brightpath Schools",
    "Helix Health",
    "Summit Legal",
    "Tidewater Logistics",
    "Foxglove Design",
    "Quarry Software",
]
TITLES = [
    "Founder",
    "CTO",
    "Head of Sales",
    "Product Manager",
    "Designer",
    "Engineer",
    "Partner",
    "Director",
    "Consultant",
    "Teacher",
]
SUMMARIES = [
    ("Coffee catch-up about their new role", "Send the article on hiring we discussed"),
    ("Call about the Q3 project", "Follow up with a proposal by Friday"),
    ("Met at the meetup; talked about data tooling", "Introduce them to Sam"),
    ("Emailed congratulations on the launch", ""),
    ("Lunch; they are looking for a designer", "Share two designer profiles"),
    ("Quick message about the conference", "Ask if they are speaking next year"),
    ("Commented on their LinkedIn post", ""),
    ("Video call: advice on pricing", "Send the pricing template"),
]
TAGS = ["conference", "alumni", "investor", "speaker", "local", "mentor"]
# About one interaction in four carries help, in both directions. Introductions you make are
# recorded as such (followups.demo), so the random history gives none, only receives them.
CONTRIBUTIONS = [("", "")] * 18 + [
    ("given", "advice"),
    ("given", "resource"),
    ("given", "referral"),
    ("received", "advice"),
    ("received", "referral"),
    ("received", "introduction"),
]


@transaction.atomic
def seed_demo_network(*, username: str, password: str, contacts: int = 200, seed: int = 7):
    """Create (or reset) the demo user with a believable network. Returns the user."""
    rng = random.Random(seed)
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
    user.set_password(password)
    user.save()
    if Contact.objects.for_user(user).exists():
        return user
    services.create_starter_classifications(owner=user)
    classifications = list(Classification.objects.for_user(user))
    tags = [Tag.objects.get_or_create(owner=user, name=name)[0] for name in TAGS]
    weights = [1, 3, 3, 2, 2, 4][: len(classifications)]
    now = timezone.now()
    new_contacts = []
    for index in range(contacts):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        new_contacts.append(
            Contact(
                owner=user,
                first_name=first,
                last_name=last,
                company=rng.choice(COMPANIES),
                job_title=rng.choice(TITLES),
                location=rng.choice(["Berlin", "Lisbon", "London", "Toronto", "Austin", "Remote"]),
                classification=rng.choices(classifications, weights=weights)[0],
                how_we_met=rng.choice(["Conference", "Introduced by a friend", "Former colleague", "Meetup", ""]),
                linkedin_url=f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{index}",
                created_at=now - datetime.timedelta(days=rng.randint(200, 720)),
            )
        )
    Contact.objects.bulk_create(new_contacts)
    ContactEmail.objects.bulk_create(
        ContactEmail(contact=c, address=f"{c.first_name}.{c.last_name}{c.pk}@example.com".lower()) for c in new_contacts
    )
    tag_links = [
        Contact.tags.through(contact_id=c.pk, tag_id=tag.pk)
        for c in new_contacts
        for tag in rng.sample(tags, rng.choice([0, 0, 1, 1, 2]))
    ]
    Contact.tags.through.objects.bulk_create(tag_links)
    interactions = []
    every_days = {c.pk: c.contact_every_days or 120 for c in classifications}
    for contact in new_contacts:
        # The newest interaction falls somewhere in 0–1.4 cadences ago, so about a quarter of
        # the network is overdue, as in a real, reasonably kept network; older ones fill the year.
        cadence = every_days[contact.classification_id]
        ages = [rng.randint(0, int(cadence * 1.4))] + [rng.randint(0, 365) for _ in range(rng.choice([0, 1, 2, 4]))]
        for age_days in ages:
            summary, next_step = rng.choice(SUMMARIES)
            contribution = rng.choice(CONTRIBUTIONS)
            interactions.append(
                Interaction(
                    owner=user,
                    contact=contact,
                    occurred_at=now - datetime.timedelta(days=age_days, hours=rng.randint(0, 23)),
                    kind=rng.choice(InteractionKind.values),
                    summary=summary,
                    next_step=next_step,
                    contribution_direction=contribution[0],
                    contribution_kind=contribution[1],
                )
            )
    Interaction.objects.bulk_create(interactions)
    refresh_cadence(Contact.objects.for_user(user))
    return user


# Days from today of the demo's coming birthdays, and the (leap) years they were born in, so a
# birthday that falls on 29 February is still a real date.
BIRTHDAYS_IN_DAYS = (2, 6, 11)
BIRTHDAYS_LATER_IN_DAYS = (45, 120, 200, 300)
BIRTH_YEARS = (1984, 1988, 1992)
BIRTHDAY_HORIZON_DAYS = 14


def _born(today: datetime.date, days_ahead: int, index: int) -> datetime.date:
    day = today + datetime.timedelta(days=days_ahead)
    return datetime.date(BIRTH_YEARS[index % len(BIRTH_YEARS)], day.month, day.day)


def ensure_upcoming_birthdays(*, user, today: datetime.date) -> int:
    """Give a few of the demo's closest contacts birthdays in the next two weeks (and a few later in
    the year), unless someone already has one coming up. Returns how many birthdays it set."""
    coming = {
        (day.month, day.day) for day in (today + datetime.timedelta(days=n) for n in range(BIRTHDAY_HORIZON_DAYS))
    }
    with_birthdays = Contact.objects.for_user(user).filter(birthday__isnull=False).values_list("birthday", flat=True)
    if any((born.month, born.day) in coming for born in with_birthdays):
        return 0
    close = Contact.objects.for_user(user).filter(birthday__isnull=True).order_by("classification__display_order", "pk")
    chosen = list(close[: len(BIRTHDAYS_IN_DAYS) + len(BIRTHDAYS_LATER_IN_DAYS)])
    for index, (contact, days_ahead) in enumerate(
        zip(chosen, BIRTHDAYS_IN_DAYS + BIRTHDAYS_LATER_IN_DAYS, strict=False)
    ):
        contact.birthday = _born(today, days_ahead, index)
    Contact.objects.bulk_update(chosen, ["birthday"])
    return len(chosen)
