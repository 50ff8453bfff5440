"""What people type shows as text in the rows pages repeat (rendered by Jinja2: netcrm/jinja2.py),
never as markup: names, companies, tags, what was said, the next step, messages and promises."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from followups.models import Reminder

from .factories import ClassificationFactory, ContactEmailFactory, ContactFactory, InteractionFactory, TagFactory
from .followup_factories import CommitmentFactory, ReminderFactory

MARKUP = '<img src=x onerror="alert(1)">'
ESCAPED = "&lt;img src=x onerror="


@pytest.fixture
def typed_markup(owner):
    classification = ClassificationFactory(owner=owner, contact_every_days=30, message_guidance=f"Say {MARKUP}")
    contact = ContactFactory(
        owner=owner, first_name=MARKUP, company=MARKUP, job_title=MARKUP, classification=classification
    )
    contact.tags.add(TagFactory(owner=owner, name=f"{MARKUP}tag"))
    ContactEmailFactory(contact=contact, address="ada@example.org")
    InteractionFactory(
        contact=contact, occurred_at=timezone.now() - datetime.timedelta(days=40), summary=MARKUP, next_step=MARKUP
    )
    ReminderFactory(contact=contact, kind=Reminder.Kind.EVENT_FOLLOWUP, message=f"Ask {MARKUP}")
    CommitmentFactory(contact=contact, description=f"Send {MARKUP}")
    return contact


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["followups:board", "contacts:list", "contact page"])
def test_markup_typed_into_a_contact_shows_as_text_in_every_row(owner_client, typed_markup, page):
    url = typed_markup.get_absolute_url() if page == "contact page" else reverse(page)
    html = owner_client.get(url).content.decode()
    assert MARKUP not in html
    assert ESCAPED in html


@pytest.mark.django_db
def test_the_followups_row_says_everything_typed_escaped(owner_client, typed_markup):
    html = owner_client.get(reverse("followups:board")).content.decode()
    for escaped in (
        f"Ask {ESCAPED}",
        f"Send {ESCAPED}",
        f"Last time:</span> {ESCAPED}",
        f"next step:</span> {ESCAPED}",
    ):
        assert escaped in html, escaped


@pytest.mark.django_db
def test_the_list_row_shows_the_typed_tag_company_and_email(owner_client, typed_markup):
    html = owner_client.get(reverse("contacts:list")).content.decode()
    assert f"{ESCAPED}" in html and "tag</span>" in html and "ada@example.org" in html
