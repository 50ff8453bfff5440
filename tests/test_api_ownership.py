"""Every API operation that takes an id, found in the live OpenAPI document (not a list kept by
hand): the owner's request reaches the object; a stranger's, with a read-and-write token, is a
404 whatever the method, and changes no row. A new endpoint is covered the day it is added."""

import datetime

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from followups.models import Reminder

from .api_helpers import token_client
from .factories import ContactFactory, InteractionFactory, TagFactory
from .followup_factories import CommitmentFactory, ReminderFactory
from .test_ownership_generated import rows_snapshot

NOW = datetime.datetime(2026, 6, 15, 16, 0, tzinfo=datetime.UTC)
# What a hijacking program would send: every field name an API body uses that could change a row.
HIJACK = {"first_name": "Mallory", "name": "Mine now", "summary": "hijack", "description": "hijack",
          "kind": "call", "days": 7, "due_on": "2026-07-01", "company": "Mallory Inc"}  # fmt: skip
MIN_OPERATIONS_WITH_IDS = 20


def live_schema() -> dict:
    response = APIClient().get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations_with_ids(schema: dict) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        if "{" in path
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    ]


@pytest.fixture
def owned(owner, contact):
    """The owner's object of every kind an API path names, by the path's first segment."""
    return {
        "contacts": contact,
        "classifications": contact.classification,
        "tags": TagFactory(owner=owner, name="vip"),
        "interactions": InteractionFactory(contact=contact),
        "reminders": ReminderFactory(contact=contact),
        "promises": CommitmentFactory(contact=contact),
    }


def url_for(path: str, owned: dict) -> str:
    kind = path.removeprefix("/api/v1/").split("/")[0]
    assert kind in owned, f"{path}: the `owned` fixture has no object for “{kind}”: add one"
    return path.replace("{contact_pk}", str(owned["contacts"].pk)).replace("{id}", str(owned[kind].pk))


def request(client, method: str, url: str):
    send = getattr(client, method.lower())
    return send(url, HIJACK, format="json") if method in ("POST", "PUT", "PATCH") else send(url)


@pytest.mark.django_db
def test_a_stranger_gets_404_on_every_operation_with_an_id_and_changes_no_row(owner, stranger, owned):
    operations = operations_with_ids(live_schema())
    assert len(operations) >= MIN_OPERATIONS_WITH_IDS, operations
    with time_machine.travel(NOW, tick=False):
        mine, theirs = token_client(owner), token_client(stranger)
        theirs.get(reverse("api:outreach-today"))  # the stranger's first-use rows exist before the snapshot
        for method, path in operations:
            url = url_for(path, owned)
            with transaction.atomic():
                status = request(mine, method, url).status_code
                transaction.set_rollback(True)
            assert status != 404, f"{method} {url}: the owner's own request answered 404"
        before = rows_snapshot()
        for method, path in operations:
            url = url_for(path, owned)
            response = request(theirs, method, url)
            assert response.status_code == 404, f"{method} {url}: a stranger's request answered {response.status_code}"
            assert list(response.json()) == ["detail"] and "Lovelace" not in response.content.decode()
            assert rows_snapshot() == before, f"{method} {url}: a stranger's request changed rows"


@pytest.mark.django_db
def test_another_users_ids_in_a_list_filter_select_nothing_of_theirs(owner, stranger, owned):
    ContactFactory(owner=stranger, classification=None).tags.add(TagFactory(owner=stranger, name="theirs"))
    theirs = token_client(stranger)
    mine = owned["contacts"]
    for params in ({"classification": mine.classification_id}, {"tag": owned["tags"].pk}):
        assert theirs.get(reverse("api:contact-list"), params).json()["results"] == []


@pytest.mark.django_db
def test_a_promise_for_another_users_contact_is_refused_and_reminders_of_theirs_stay_theirs(owner, stranger, owned):
    theirs = token_client(stranger)
    body = {"contact": owned["contacts"].pk, "description": "x", "due_on": str(timezone.localdate())}
    assert theirs.post(reverse("api:promise-list"), body).status_code == 400
    assert theirs.get(reverse("api:reminder-list")).json()["count"] == 0
    assert Reminder.objects.filter(owner=owner).count() == 1
