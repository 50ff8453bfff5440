"""Schemathesis against the live OpenAPI document, inside the suite: for every operation it
generates requests from the schema (valid ones and invalid ones), sends them to the app with a
read-and-write token, and checks that no answer is a server error and every answer (status,
content type, body) is what the schema says. Half the ids it makes up are replaced by real
ones of the owner's, so updates, actions and deletes reach real rows too.

Bounded: a fixed number of examples per operation and mode, always the same ones (derandomized);
the whole run takes well under a minute.
"""

import datetime

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contacts.models import Classification, Contact, Interaction, Tag
from contacts.services import log_interaction
from followups.models import Commitment, Reminder
from followups.sweep import run_sweep

from .api_helpers import token_client
from .factories import ClassificationFactory, ContactFactory, TagFactory
from .followup_factories import CommitmentFactory

EXAMPLES_PER_OPERATION = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
OWNED_BY_KIND = {
    "contacts": Contact,
    "classifications": Classification,
    "tags": Tag,
    "interactions": Interaction,
    "reminders": Reminder,
    "promises": Commitment,
}


@pytest.fixture
def api_schema(db, settings, owner):
    """The schema as the running app serves it, bound to the app itself (WSGI, in this process, so
    the test's database transaction holds everything the requests write)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from netcrm.wsgi import application

    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "token": "100000/min"}}
    # As Django's test client does: a request ending must not close the test's connection.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def network(owner):
    """Enough of a network that real ids exist for every kind, and lists have rows."""
    clients = ClassificationFactory(owner=owner, name="Clients", contact_every_days=14)
    tag = TagFactory(owner=owner, name="investors")
    long_ago = timezone.now() - datetime.timedelta(days=60)
    for number in range(6):
        contact = ContactFactory(owner=owner, classification=clients, first_name=f"Person{number}")
        contact.tags.add(tag)
        Contact.objects.filter(pk=contact.pk).update(created_at=long_ago)
        log_interaction(contact=contact, occurred_at=long_ago + datetime.timedelta(days=number), summary="Coffee")
        CommitmentFactory(contact=contact, due_on=timezone.localdate() + datetime.timedelta(days=number - 3))
    run_sweep()
    return token_client(owner)


def real_ids(path: str, owner) -> dict[str, int] | None:
    """The owner's first object for each id of ``path``; None when one kind has none left."""
    kind = path.removeprefix("/api/v1/").split("/")[0]
    ids = {}
    for name, model in (("contact_pk", Contact), ("id", OWNED_BY_KIND[kind])):
        if "{" + name + "}" in path:
            ids[name] = model.objects.filter(owner=owner).order_by("pk").values_list("pk", flat=True).first()
    return None if None in ids.values() else ids


def cases_for(operation, owner) -> st.SearchStrategy:
    """Valid and invalid requests; where the path takes ids, half with made-up ids, half with real ones."""
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(generation_mode=mode))
        ids = real_ids(operation.path, owner) if "{" in operation.path else None
        if ids:
            strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=ids))
    return st.one_of(strategies)


def test_every_answer_matches_the_schema_and_none_is_a_server_error(api_schema, network, owner):
    headers = {"Authorization": f"Bearer {network.raw_token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 25, [operation.label for operation in operations]
    failures = []
    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,  # the same examples each run: a failure is reproducible, never flaky
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases_for(operation, owner))
        def answers_as_the_schema_says(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            answers_as_the_schema_says()
        except (Exception, FailureGroup) as failure:  # every operation is tried; all failures reported together
            failures.append(f"{operation.label}: {failure}")
    assert not failures, f"{len(failures)} of {len(operations)} operations failed:\n\n" + "\n\n".join(failures)
