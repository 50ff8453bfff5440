"""On PostgreSQL the dashboard's body is one statement prepared once per database connection
(netcrm.prepared): a new connection, or a session whose prepared statements were
dropped, still gets the dashboard, with what was just written."""

import pytest
import time_machine
from django.db import connection

from contacts.freshness import touch
from followups import services

from .factories import ClassificationFactory
from .test_dashboard import HOME, NOW, counts, last_seen, today_names


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def network(owner):
    weekly = ClassificationFactory(owner=owner, name="Weekly", contact_every_days=7)
    return [last_seen(owner, weekly, days_ago=days, first_name=f"P{days}") for days in (30, 20, 10)]


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a page is served
def test_after_the_sessions_prepared_statements_are_dropped_the_dashboard_prepares_it_again(owner_client, owner):
    first, second, _ = network(owner)
    assert today_names(owner_client.get(HOME)) == ["P30", "P20", "P10"]
    assert "netcrm_dashboard_body" in prepared_statements()
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as a pooler resetting the session would
    services.log_interaction(contact=first, summary="Caught up")
    response = owner_client.get(HOME)
    assert response.status_code == 200
    assert today_names(response) == ["P20", "P10"]
    assert "netcrm_dashboard_body" in prepared_statements()


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_it_once_and_shows_the_write(owner_client, owner):
    first, _, _ = network(owner)
    owner_client.get(HOME)
    connection.close()
    services.log_interaction(contact=first, summary="Caught up")
    response = owner_client.get(HOME)
    assert today_names(response) == ["P20", "P10"]
    assert counts(response)["overdue"] == 1  # P20; P10 is due, not yet past its maximum
    assert prepared_statements().count("netcrm_dashboard_body") == 1
    touch([owner.pk])
    assert today_names(owner_client.get(HOME)) == ["P20", "P10"]  # executed, not prepared twice
