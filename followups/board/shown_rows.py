"""The follow-ups rows shown, read with what they display: one statement per kind of row,
written by hand for PostgreSQL (``HandWritten``), querysets elsewhere (``Querysets``).

Why not the ORM: the page knows which rows it shows (the ranked UNION in selectors), and
reading them back with ``select_related`` over four tables cost Django about 3 ms a page to
build and compile, three times what PostgreSQL spent running it (bench/load). These statements
read the same columns the querysets read, for ids the UNION picked and the owner's only, and
are prepared once per connection (netcrm/prepared.py: planning the five-table join cost
PostgreSQL more than running it). The rows become the same model instances; the two ways are
compared on a random board (tests/test_followups_rows_read.py). SQLite runs the querysets.
"""

from __future__ import annotations

from django.db import connection

from contacts.models import Classification, Contact, Interaction
from contacts.occasions import Occasion
from netcrm.pg_rows import builder
from netcrm.prepared import PreparedStatement

from ..models import Commitment, Reminder
from ..selectors import with_last_interaction


def _columns(model, alias: str, prefix: str = "") -> str:
    return ", ".join(f'{alias}."{field.column}" AS "{prefix}{field.attname}"' for field in model._meta.concrete_fields)


_LAST_INTERACTION = f"""
    LEFT JOIN {Interaction._meta.db_table} i ON i.id = c.last_interaction_id"""


REMINDERS = PreparedStatement(
    "netcrm_board_reminders",
    f"""
SELECT {_columns(Reminder, "r")}, {_columns(Contact, "c", "contact.")},
       {_columns(Classification, "k", "classification.")}, {_columns(Commitment, "p", "commitment.")},
       {_columns(Occasion, "o", "occasion.")}, i.summary AS last_summary, i.next_step AS last_next_step
FROM {Reminder._meta.db_table} r
JOIN {Contact._meta.db_table} c ON c.id = r.contact_id
LEFT JOIN {Classification._meta.db_table} k ON k.id = c.classification_id
LEFT JOIN {Commitment._meta.db_table} p ON p.id = r.commitment_id
LEFT JOIN {Occasion._meta.db_table} o ON o.id = r.occasion_id{_LAST_INTERACTION}
WHERE r.id = ANY(%(ids)s) AND r.owner_id = %(owner)s""",
)


CONTACTS = PreparedStatement(
    "netcrm_board_contacts",
    f"""
SELECT {_columns(Contact, "c")}, {_columns(Classification, "k", "classification.")},
       i.summary AS last_summary, i.next_step AS last_next_step
FROM {Contact._meta.db_table} c
LEFT JOIN {Classification._meta.db_table} k ON k.id = c.classification_id{_LAST_INTERACTION}
WHERE c.id = ANY(%(ids)s) AND c.owner_id = %(owner)s""",
)


PROMISES = PreparedStatement(
    "netcrm_board_promises",
    f"""
SELECT {_columns(Commitment, "p")}, {_columns(Contact, "c", "contact.")}
FROM {Commitment._meta.db_table} p
JOIN {Contact._meta.db_table} c ON c.id = p.contact_id
WHERE p.id = ANY(%(ids)s) AND p.owner_id = %(owner)s""",
)


class HandWritten:
    """The reads in SQL written out, for PostgreSQL."""

    @staticmethod
    def reminders(*, owner, ids: list[int]) -> list[Reminder]:
        """The reminders with their contact (and its classification), promise and occasion, and
        ``last_summary``/``last_next_step``, as ``with_last_interaction`` annotates them."""
        names, rows = REMINDERS.rows({"ids": ids, "owner": owner.pk})
        reminder_of, contact_of = builder(Reminder, "", names), builder(Contact, "contact.", names)
        classification_of = builder(Classification, "classification.", names)
        commitment_of, occasion_of = builder(Commitment, "commitment.", names), builder(Occasion, "occasion.", names)
        summary, next_step = names.index("last_summary"), names.index("last_next_step")
        shown = []
        for row in rows:
            reminder = reminder_of(row)
            reminder.contact = contact_of(row)
            reminder.contact.classification = classification_of(row)
            reminder.commitment, reminder.occasion = commitment_of(row), occasion_of(row)
            reminder.last_summary, reminder.last_next_step = row[summary], row[next_step]
            shown.append(reminder)
        return shown

    @staticmethod
    def contacts(*, owner, ids: list[int]) -> list[Contact]:
        names, rows = CONTACTS.rows({"ids": ids, "owner": owner.pk})
        contact_of, classification_of = builder(Contact, "", names), builder(Classification, "classification.", names)
        summary, next_step = names.index("last_summary"), names.index("last_next_step")
        shown = []
        for row in rows:
            contact = contact_of(row)
            contact.classification = classification_of(row)
            contact.last_summary, contact.last_next_step = row[summary], row[next_step]
            shown.append(contact)
        return shown

    @staticmethod
    def promises(*, owner, ids: list[int]) -> list[Commitment]:
        names, rows = PROMISES.rows({"ids": ids, "owner": owner.pk})
        promise_of, contact_of = builder(Commitment, "", names), builder(Contact, "contact.", names)
        shown = []
        for row in rows:
            promise = promise_of(row)
            promise.contact = contact_of(row)
            shown.append(promise)
        return shown


class Querysets:
    """``HandWritten``'s reads as querysets (SQLite; the tests compare the two)."""

    @staticmethod
    def reminders(*, owner, ids):
        related = ("contact__classification", "commitment", "occasion")
        return with_last_interaction(Reminder.objects.filter(owner=owner, pk__in=ids).select_related(*related))

    @staticmethod
    def contacts(*, owner, ids):
        rows = Contact.objects.filter(owner=owner, pk__in=ids).select_related("classification")
        return with_last_interaction(rows, contact_path="")

    @staticmethod
    def promises(*, owner, ids):
        return Commitment.objects.filter(owner=owner, pk__in=ids).select_related("contact")


def for_this_database():
    return HandWritten if connection.vendor == "postgresql" else Querysets
