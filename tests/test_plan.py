"""The plan page: eight items in order, live classifications, completeness, edit, print, Markdown."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from contacts.cadence import refresh_cadence
from contacts.models import Classification, Contact
from contacts.services import log_interaction
from strategy.models import Plan
from strategy.selectors import ITEMS

from .factories import ClassificationFactory, ContactFactory, InteractionFactory
from .strategy_factories import PlanFactory, PurposeFactory, VenueFactory

WORDS = "people who build products for small shops and the friends I grew up with"


def complete_plan(owner):
    PurposeFactory(owner=owner, name="Customers", is_main=True)
    ClassificationFactory(owner=owner, name="Clients", contact_every_days=30, message_guidance="Ask about sales.")
    ClassificationFactory(owner=owner, name="Friends", contact_every_days=90, message_guidance="Just catch up.")
    VenueFactory(owner=owner, name="Shop owners club")
    return PlanFactory(
        owner=owner,
        who_to_invite=WORDS,
        how_to_maintain="A coffee every week and a short email every month to each client",
        maintain_channels=["meeting", "email"],
        how_to_participate="Monthly at the shop owners club, as a volunteer at the welcome desk",
        what_to_contribute="Advice on pricing and introductions to good suppliers and designers",
        contribution_kinds=["advice", "introduction"],
        how_to_contribute="One introduction a week and an article a month to the people it fits",
    )


@pytest.mark.django_db
def test_the_plan_page_shows_the_eight_items_in_order_with_their_hints(owner_client):
    html = owner_client.get(reverse("strategy:plan")).content.decode()
    positions = [html.index(item.title) for item in ITEMS]
    assert positions == sorted(positions)
    for item in ITEMS:
        assert item.hint in html


@pytest.mark.django_db
def test_the_plan_reflects_a_classification_edit_at_once(owner_client, classification):
    url = reverse("contacts:classification_edit", args=[classification.pk])
    response = owner_client.post(
        url, {"name": "Key clients", "contact_every_days": 21, "message_guidance": "Send a useful article."}
    )
    assert response.status_code == 302
    html = owner_client.get(reverse("strategy:plan")).content.decode()
    assert "Key clients" in html
    assert "every 21 days" in html
    assert "Send a useful article." in html
    assert "every 30 days" not in html
    assert reverse("contacts:classification_edit", args=[classification.pk]) in html


@pytest.mark.django_db
def test_classification_items_show_contacts_and_share_within_cadence(owner_client, owner):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC), tick=False):
        clients = ClassificationFactory(owner=owner, name="Clients", contact_every_days=30)
        warm, _, _ = ContactFactory.create_batch(3, owner=owner, classification=clients)
        refresh_cadence(Contact.objects.filter(owner=owner))
    with time_machine.travel(datetime.datetime(2026, 3, 25, 12, tzinfo=datetime.UTC), tick=False):
        log_interaction(contact=warm, summary="Coffee")
    with time_machine.travel(datetime.datetime(2026, 4, 10, 12, tzinfo=datetime.UTC), tick=False):
        response = owner_client.get(reverse("strategy:plan"))
    row = next(c for c in response.context["state"].classifications if c.name == "Clients")
    assert row.contact_count == 3
    assert row.share_within_cadence == 33  # only the one contacted on 25 March is within 30 days
    assert "33%" in response.content.decode()


@pytest.mark.django_db
def test_an_empty_plan_lists_every_part_as_unfinished(owner_client):
    state = owner_client.get(reverse("strategy:plan")).context["state"]
    assert state.unfinished == ["purposes"] + [f"item {n}" for n in range(1, 9)]
    assert not state.is_complete


@pytest.mark.django_db
def test_a_few_words_or_missing_structure_make_an_item_thin(owner_client, owner):
    complete_plan(owner)
    Plan.objects.filter(owner=owner).update(who_to_invite="Designers", maintain_channels=[])
    state = owner_client.get(reverse("strategy:plan")).context["state"]
    assert state.unfinished == ["item 1", "item 3"]
    assert [item.status for item in state.items[:3]] == ["thin", "done", "thin"]
    assert "Tick the channels you use." in state.items[2].advice


@pytest.mark.django_db
def test_a_business_classification_without_frequency_or_message_makes_items_4_and_5_thin(owner_client, owner):
    complete_plan(owner)
    ClassificationFactory(owner=owner, name="Prospects", contact_every_days=None, message_guidance="")
    state = owner_client.get(reverse("strategy:plan")).context["state"]
    assert state.unfinished == ["item 4", "item 5"]
    assert "Prospects" in state.items[3].advice


@pytest.mark.django_db
def test_the_home_page_nudges_until_the_plan_is_complete(owner_client, owner):
    ContactFactory(owner=owner)
    assert "Your networking plan is not finished" in owner_client.get(reverse("home")).content.decode()
    complete_plan(owner)
    html = owner_client.get(reverse("home")).content.decode()
    assert "Your networking plan is not finished" not in html
    assert "Every part of your plan is written" in owner_client.get(reverse("strategy:plan")).content.decode()


@pytest.mark.django_db
def test_editing_the_plan_saves_text_channels_and_contribution_kinds(owner_client, owner):
    response = owner_client.post(
        reverse("strategy:plan_edit"),
        {
            "who_to_invite": WORDS,
            "how_to_maintain": "Coffee",
            "maintain_channels": ["meeting", "social"],
            "contribution_kinds": ["referral"],
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(owner=owner)
    assert plan.who_to_invite == WORDS
    assert plan.maintain_channels == ["meeting", "social"]
    assert plan.contribution_kinds == ["referral"]
    html = owner_client.get(reverse("strategy:plan")).content.decode()
    assert "Meeting / coffee" in html and "Social media" in html and "Referral" in html


@pytest.mark.django_db
def test_a_plan_item_that_is_too_long_or_a_made_up_channel_gets_a_message_on_the_form(owner_client, owner):
    response = owner_client.post(
        reverse("strategy:plan_edit"), {"who_to_invite": "x" * 5001, "maintain_channels": ["pigeon"]}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "Keep it under 5000 characters" in form.errors["who_to_invite"][0]
    assert "pigeon" in form.errors["maintain_channels"][0]
    assert not Plan.objects.filter(owner=owner, who_to_invite__startswith="xxx").exists()


@pytest.mark.django_db
def test_the_plan_exports_as_markdown(owner_client, owner):
    complete_plan(owner)
    response = owner_client.get(reverse("strategy:plan_export"))
    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("# Networking plan of owner")
    assert "Main objective: **Customers**" in text
    assert "## 1. Who you will invite into your network" in text
    assert "## 8. How you will contribute" in text
    assert "| Clients | 0 |" in text
    assert "- **Friends**: every 90 days" in text
    assert "Channels: Meeting / coffee, Email" in text
    assert "&amp;" not in text and "&#x27;" not in text


@pytest.mark.django_db
def test_the_plan_page_has_a_print_stylesheet(owner_client):
    html = owner_client.get(reverse("strategy:plan")).content.decode()
    assert 'plan-print.css" media="print"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_the_plan_page_queries_do_not_grow_with_classifications_and_venues(
    owner_client, owner, size, django_assert_num_queries
):
    complete_plan(owner)
    for index in range(size):
        classification = ClassificationFactory(owner=owner, name=f"Group {index}")
        InteractionFactory(contact=ContactFactory(owner=owner, classification=classification))
        VenueFactory(owner=owner)
    owner_client.get(reverse("home"))  # caches the time zone in the session
    # session, user, plan, purposes, classifications, venue names, ledger kinds (the totals are theirs), venue
    # ranking
    with django_assert_num_queries(8):
        response = owner_client.get(reverse("strategy:plan"))
    assert len(response.context["state"].classifications) == size + 2
    assert Classification.objects.filter(owner=owner).count() == size + 2
