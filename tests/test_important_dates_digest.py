"""The weekly digest's "coming up": birthdays and other dates of the week ahead, with what to say."""

import datetime

import pytest
import time_machine

from contacts.services import add_occasion
from followups import services
from followups.digest.content import build_digest, render_digest

from .factories import ClassificationFactory, ContactFactory

MONDAY = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def coming_up(owner):
    content = build_digest(owner=owner, preferences=services.preferences_for(owner))
    section = next(s for s in content.extra_sections if s["title"].startswith("Coming up"))
    return content, section


@pytest.mark.django_db
def test_the_weeks_birthdays_and_dates_are_listed_soonest_first_with_what_to_say(owner):
    classification = ClassificationFactory(owner=owner, message_guidance="Wish them well.")
    ada = ContactFactory(owner=owner, first_name="Ada", last_name="L", classification=classification,
                         birthday=datetime.date(1985, 6, 19))  # fmt: skip
    add_occasion(contact=ContactFactory(owner=owner, first_name="Bo", last_name="K", classification=None),
                 kind="work_anniversary", on=datetime.date(2020, 6, 16))  # fmt: skip
    ContactFactory(owner=owner, birthday=datetime.date(1985, 6, 22))  # a week and a day ahead: not this week
    content, section = coming_up(owner)
    assert [item["text"] for item in section["items"]] == [
        "Tue 16 Jun (tomorrow): Bo K's work anniversary",
        "Fri 19 Jun (in 4 days): Ada L's birthday — Wish them well.",
    ]
    assert section["items"][1]["url"].endswith(f"/followups/contacts/{ada.pk}/log/")
    assert not content.is_empty  # a birthday alone makes the week worth an email
    text, html = render_digest(content)
    assert "Fri 19 Jun (in 4 days): Ada L's birthday" in text and "Ada L&#x27;s birthday" in html


@pytest.mark.django_db
def test_the_section_is_cut_and_counts_the_rest(owner):
    for _ in range(30):
        ContactFactory(owner=owner, birthday=datetime.date(1985, 6, 17))
    _, section = coming_up(owner)
    assert len(section["items"]) == 25 and section["more"] == 5


@pytest.mark.django_db
def test_another_users_dates_are_not_in_my_digest(owner, stranger):
    ContactFactory(owner=stranger, birthday=datetime.date(1985, 6, 17))
    content, section = coming_up(owner)
    assert section["items"] == [] and content.is_empty
