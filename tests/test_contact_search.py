"""The search's indexes are the ones its queries can use (PostgreSQL), and the embedded default
(SQLite, no full-text search) still finds what was said."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from contacts.models import Contact, Interaction
from contacts.selectors import contacts_for_list

from .conftest import REPO


def plan_of(queryset, *, seqscan: bool = True) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if not seqscan:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_at_size_the_lists_search_reads_both_gin_indexes(owner):
    """2,000 contacts, each with an interaction; a search for two rare words: the planner reads
    the matches out of the contacts' and the interactions' GIN indexes (which it can only do if
    the query's expressions are the indexes')."""
    assert connection.vendor == "postgresql"
    contacts = Contact.objects.bulk_create(
        Contact(owner=owner, first_name=f"Person{n}", last_name="Common", notes="met at a fair") for n in range(2000)
    )
    Interaction.objects.bulk_create(Interaction(owner=owner, contact=c, summary="Weekly sync") for c in contacts)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE contacts_contact, contacts_interaction")
    # Sequential scans off, as in the control below, and the two tables' plain b-tree indexes
    # dropped for this test's transaction (rolled back with it): the question is whether the GIN
    # indexes can serve this query, not which plan the statistics earlier tests left would pick.
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexrelid::regclass::text FROM pg_index i
               WHERE i.indrelid IN ('contacts_contact'::regclass, 'contacts_interaction'::regclass)
                 AND NOT i.indisprimary AND NOT i.indisunique
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                 AND i.indexrelid::regclass::text NOT IN ('contact_search_idx', 'interaction_search_idx')"""
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {index}")
    plan = plan_of(contacts_for_list(owner=owner, search="lovelace launch"), seqscan=False)
    assert "contact_search_idx" in plan and "interaction_search_idx" in plan, plan


def test_the_index_check_fails_for_an_expression_the_index_does_not_hold(owner):
    """The check above can fail: the same search in another configuration uses no GIN index."""
    from django.contrib.postgres.search import SearchQuery, SearchVector

    query = SearchQuery("'launch':*", config="english", search_type="raw")
    said = Interaction.objects.alias(document=SearchVector("summary", "next_step", "notes", config="english")).filter(
        document=query
    )
    assert "interaction_search_idx" not in plan_of(said, seqscan=False)


def test_on_sqlite_the_search_falls_back_to_a_plain_match(tmp_path):
    """The embedded default: migrations run without the GIN indexes, and a search still looks
    into notes, summaries and next steps (icontains, in name order)."""
    script = """
import django, json; django.setup()
from django.test.utils import setup_test_environment; setup_test_environment()
from django.core.management import call_command; call_command("migrate", verbosity=0)
from django.db import connection
from django.contrib.auth import get_user_model
from django.test import Client
from contacts.models import Contact
from contacts.services import log_interaction
user = get_user_model().objects.create_user("solo", password="x")
ada = Contact.objects.create(owner=user, first_name="Ada", last_name="Lovelace", notes="Loves SAILING")
bob = Contact.objects.create(owner=user, first_name="Bob", last_name="Builder")
log_interaction(contact=bob, summary="Chat", next_step="Send the pitch deck")
Contact.objects.create(owner=user, first_name="Cy", last_name="Other")
client = Client(); client.force_login(user)
def names(q):
    response = client.get("/contacts/", {"q": q})
    assert response.status_code == 200, response.status_code
    return [c.first_name for c in response.context["page"].object_list]
print(json.dumps({"vendor": connection.vendor, "sailing": names("sailing"), "deck": names("pitch deck"),
                  "both": names("e"), "odd": names("&|!'")}))
"""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL"}}
    env.update(NETCRM_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="netcrm.settings")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {"vendor": "sqlite", "sailing": ["Ada"], "deck": ["Bob"], "both": ["Bob", "Ada", "Cy"], "odd": []}
