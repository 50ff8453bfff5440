"""The contact page's contact in one hand-written statement on PostgreSQL: the contact with its
classification and introducer, whether they introduced you to anyone, their tags, emails,
phones and important dates (contacts.page_rows) and their newest interactions.

Why: the contact page is the page opened most, and building and compiling the contact's
queryset (two joins, an EXISTS, four JSON columns) cost Django about 1.5 ms a request, the
timeline's queryset another millisecond, more than PostgreSQL spent on both. This SQL follows
from the models alone, so it is written once per process and prepared once per connection
(netcrm/prepared.py); only its parameters change. Each row comes back as a JSON array
(netcrm.json_rows) and is put where ``select_related`` and the prefetches would have put it.
Every part is scoped to the owner. SQLite, the embedded default, keeps the querysets
(tests/test_contact_page_statements.py compares the two on random networks).
"""

from __future__ import annotations

import functools

from django.db import connection
from django.http import Http404

from netcrm.json_rows import instance, parsed, row_sql
from netcrm.prepared import PreparedStatement

from .models import Classification, Contact, Interaction
from .page_rows import OWN_LISTS, remember_own_lists

# The largest id a bigint holds: a larger one in a URL is nobody's (the ORM answers "not found"
# for it too, rather than sending PostgreSQL a number it cannot compare).
MAX_ID = 2**63 - 1


def reads_page_in_one_statement() -> bool:
    return connection.vendor == "postgresql"


@functools.cache
def _page_statement() -> PreparedStatement:
    return PreparedStatement("netcrm_contact_page", _page_sql())


def _page_sql() -> str:
    contact, classification, interaction = (
        connection.ops.quote_name(model._meta.db_table) for model in (Contact, Classification, Interaction)
    )
    lists = ",\n  ".join(f"{own.sql()} AS {own.column}" for own in OWN_LISTS)
    # The timeline's order is Interaction's Meta.ordering, as contact.interactions.all() reads it.
    return f"""
SELECT
  {row_sql(Contact, contact)}::text AS contact,
  {row_sql(Classification, "cl")}::text AS classification,
  {row_sql(Contact, "ib")}::text AS introduced_by,
  EXISTS (SELECT 1 FROM {contact} x
          WHERE x.introduced_by_id = {contact}.id AND x.owner_id = {contact}.owner_id) AS introduced_anyone,
  {lists},
  (SELECT json_agg({row_sql(Interaction, "i")} ORDER BY i.occurred_at DESC, i.id DESC)::text
     FROM (SELECT * FROM {interaction}
           WHERE contact_id = {contact}.id AND owner_id = %(owner)s
           ORDER BY occurred_at DESC, id DESC LIMIT %(interactions)s) i) AS newest_interactions
FROM {contact}
LEFT JOIN {classification} cl ON cl.id = {contact}.classification_id AND cl.owner_id = {contact}.owner_id
LEFT JOIN {contact} ib ON ib.id = {contact}.introduced_by_id AND ib.owner_id = {contact}.owner_id
WHERE {contact}.owner_id = %(owner)s AND {contact}.id = %(pk)s
"""


def contact_in_one_statement(*, owner, pk, newest_interactions: int) -> Contact:
    """The owner's contact ``pk``, else 404, as ``contacts.selectors.contact_for_page`` reads it;
    with ``newest_interactions`` > 0, that many of their interactions, newest first, as the
    contact's ``newest_interactions``."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    rows = []
    if pk is not None and 0 < pk <= MAX_ID and getattr(owner, "is_authenticated", False):
        rows = _page_statement().fetch({"owner": owner.pk, "pk": pk, "interactions": newest_interactions})
    if not rows:
        raise Http404(f"No {Contact._meta.verbose_name} matches the given query.")
    (columns,) = rows
    contact = instance(Contact, parsed(columns["contact"]))
    # Cached as select_related caches them, without touching the ids the contact row holds.
    Contact.classification.field.set_cached_value(contact, instance(Classification, parsed(columns["classification"])))
    Contact.introduced_by.field.set_cached_value(contact, instance(Contact, parsed(columns["introduced_by"])))
    contact.introduced_anyone = columns["introduced_anyone"]
    for own in OWN_LISTS:
        setattr(contact, own.column, columns[own.column])
    if newest_interactions:
        rows = parsed(columns["newest_interactions"]) or []
        contact.newest_interactions = [instance(Interaction, row) for row in rows]
    return remember_own_lists(contact)
