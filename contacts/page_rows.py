"""The contact page's own lists (tags, emails, phones, important dates) read with the contact.

Why not four prefetches: the contact page is the page people open most (a third of the load
bench's requests), and each prefetch cost it a round trip to the database and about a
millisecond of Django building and compiling its queryset, more than PostgreSQL spent on the
rows. On PostgreSQL each list comes back as one JSON column of the contact's own row and is
put where a prefetch would have put it, so ``contact.emails.all`` and the rest read no more;
on SQLite, the embedded default, they stay ordinary prefetches.
"""

from __future__ import annotations

import dataclasses

from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.expressions import RawSQL

from netcrm.json_rows import instance, parsed, row_sql

from .models import Contact, ContactEmail, ContactPhone, Tag
from .occasions import Occasion

CONTACT_TABLE = Contact._meta.db_table


@dataclasses.dataclass(frozen=True)
class OwnList:
    """One of the contact's lists: the relation's name on Contact, its model, where its rows
    are (``row`` is the model's table, ``{contact}`` the contact's) and their order (the model's
    Meta.ordering, which a prefetch would have used)."""

    name: str
    model: type
    rows_sql: str
    order_sql: str

    @property
    def column(self) -> str:
        return f"own_{self.name}_json"

    def sql(self) -> str:
        """The list as a JSON column of a statement that reads the contact's table unaliased."""
        rows = self.rows_sql.format(contact=connection.ops.quote_name(CONTACT_TABLE))
        return f"(SELECT json_agg({row_sql(self.model, 'row')} ORDER BY {self.order_sql})::text FROM {rows})"

    def annotation(self) -> RawSQL:
        return RawSQL(self.sql(), [], output_field=TextField())

    def instances(self, contact: Contact) -> list:
        return [instance(self.model, row) for row in parsed(getattr(contact, self.column)) or []]


OWN_LISTS = (
    OwnList(
        "tags",
        Tag,
        f"{Tag._meta.db_table} row JOIN {Contact.tags.through._meta.db_table} link"
        " ON link.tag_id = row.id WHERE link.contact_id = {contact}.id",
        "row.name, row.id",
    ),
    OwnList(
        "emails",
        ContactEmail,
        f"{ContactEmail._meta.db_table} row WHERE row.contact_id = {{contact}}.id",
        "row.position, row.id",
    ),
    OwnList(
        "phones",
        ContactPhone,
        f"{ContactPhone._meta.db_table} row WHERE row.contact_id = {{contact}}.id",
        "row.position, row.id",
    ),
    OwnList(
        "occasions",
        Occasion,
        f"{Occasion._meta.db_table} row WHERE row.contact_id = {{contact}}.id",
        'row."on", row.id',
    ),
)


def reads_own_lists_inline() -> bool:
    return connection.vendor == "postgresql"


ALL_LISTS = tuple(own.name for own in OWN_LISTS)


def _chosen(names) -> list[OwnList]:
    return [own for own in OWN_LISTS if own.name in names]


def with_own_lists(contacts: QuerySet[Contact], names=ALL_LISTS) -> QuerySet[Contact]:
    """``contacts`` reading the lists ``names`` (of tags, emails, phones, occasions): as JSON
    columns of the same statement on PostgreSQL (then ``remember_own_lists`` each contact read;
    PostgreSQL works them out only for the rows a LIMIT keeps), else prefetched."""
    if not reads_own_lists_inline():
        return contacts.prefetch_related(*names)
    return contacts.annotate(**{own.column: own.annotation() for own in _chosen(names)})


def own_rows(contact: Contact, name: str) -> list:
    """The list ``name`` a ``with_own_lists`` read brought back, as instances, without the
    related manager a prefetch's cache is read through (a list page's rows need no more)."""
    if not reads_own_lists_inline():
        return list(getattr(contact, name).all())
    return next(own for own in OWN_LISTS if own.name == name).instances(contact)


def remember_own_lists(contact: Contact) -> Contact:
    """Put the lists a ``with_own_lists`` read of all of them brought back where a prefetch
    puts them."""
    if not reads_own_lists_inline():
        return contact
    if not hasattr(contact, "_prefetched_objects_cache"):
        contact._prefetched_objects_cache = {}
    cache = contact._prefetched_objects_cache
    for own in OWN_LISTS:
        rows = getattr(contact, own.name).get_queryset()  # lazy, as a prefetch's: reads nothing
        rows._result_cache = own.instances(contact)
        rows._prefetch_done = True
        cache[own.name] = rows
    return contact
