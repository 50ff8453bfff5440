"""Reading a backup file before anything of it is restored: its shape, the number of items in
each of its lists (at most ``NETCRM_IMPORT_MAX_ROWS * NETCRM_RESTORE_ROWS_FACTOR``), and, when the
database refuses what it says, which list contradicts itself and how."""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.db import IntegrityError

from contacts.models import Classification, Contact, ContactEmail, ContactPhone, Interaction, Introduction, Tag
from followups.models import Commitment, DigestLog, FollowupPreferences, OutreachSkip, Reminder, WeekPlanEntry
from strategy.models import Event, MetAt, PersonMet, Plan, Purpose, Venue

from .backup import BACKUP_FORMAT, BACKUP_VERSION, SECTIONS


class RestoreError(ValueError):
    """The backup cannot be restored; the message names the item and field when it can."""


def read_backup(raw: bytes) -> dict:
    """The sections of a backup file, checked for shape and size but not yet for content.
    Raises ``RestoreError`` naming what is wrong."""
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise RestoreError("This is not a netcrm backup: the file is not JSON.")
    except RecursionError:
        raise RestoreError("This is not a netcrm backup: its JSON is nested too deeply to read.")
    if not isinstance(document, dict) or document.get("format") != BACKUP_FORMAT:
        raise RestoreError("This is not a netcrm backup (its “format” is not netcrm-backup).")
    if document.get("version") != BACKUP_VERSION:
        raise RestoreError(f"This backup has version {document.get('version')!r}; this netcrm reads {BACKUP_VERSION}.")
    sections = document.get("sections")
    if not isinstance(sections, dict):
        raise RestoreError("The backup has no sections.")
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise RestoreError(f"The backup has sections this netcrm cannot restore: {', '.join(sorted(unknown))}.")
    for name, data in sections.items():
        if not isinstance(data, dict):
            raise RestoreError(f"The section “{name}” is damaged.")
    check_item_counts(sections)
    return sections


def max_items_per_list() -> int:
    return settings.NETCRM_IMPORT_MAX_ROWS * settings.NETCRM_RESTORE_ROWS_FACTOR


def item_counts(sections: dict) -> dict[tuple[str, str], int]:
    """How many items each list of each section holds, nested lists (a contact's emails) summed
    over their parents: ``{("contacts", "contacts.emails"): 1200, ...}``."""
    counts: dict[tuple[str, str], int] = {}
    for name, data in sections.items():
        for key, items in data.items():
            if not isinstance(items, list):
                continue
            counts[(name, key)] = len(items)
            for item in items:
                if isinstance(item, dict):
                    for inner_key, inner in item.items():
                        if isinstance(inner, list):
                            counts[(name, f"{key}.{inner_key}")] = counts.get((name, f"{key}.{inner_key}"), 0) + len(
                                inner
                            )
    return counts


def check_item_counts(sections: dict) -> None:
    limit = max_items_per_list()
    for (name, key), count in item_counts(sections).items():
        if count > limit:
            what = " of ".join(reversed(key.split(".")))  # "contacts.emails" -> "emails of contacts"
            raise RestoreError(
                f"The section “{name}” holds {count:,} {what}; a restore takes at most {limit:,}. Nothing was restored."
            )


# Where the rows of each table come from in a backup: (section, list).
LIST_OF_TABLE = {
    model._meta.db_table: where
    for model, where in [
        (Classification, ("contacts", "classifications")),
        (Tag, ("contacts", "tags")),
        (Contact, ("contacts", "contacts")),
        (ContactEmail, ("contacts", "emails of contacts")),
        (ContactPhone, ("contacts", "phones of contacts")),
        (Contact.tags.through, ("contacts", "tags of contacts")),
        (Introduction, ("contacts", "introductions")),
        (Interaction, ("contacts", "interactions")),
        (Plan, ("strategy", "plan")),
        (Purpose, ("strategy", "purposes")),
        (Purpose.contacts.through, ("strategy", "contacts of purposes")),
        (Venue, ("strategy", "venues")),
        (Event, ("strategy", "events")),
        (PersonMet, ("strategy", "people_met")),
        (MetAt, ("strategy", "where contacts were met")),
        (FollowupPreferences, ("followups", "preferences")),
        (Commitment, ("followups", "commitments")),
        (Reminder, ("followups", "reminders")),
        (WeekPlanEntry, ("followups", "week_plan")),
        (OutreachSkip, ("followups", "outreach_skips")),
        (DigestLog, ("followups", "digest_logs")),
    ]
}
_DUPLICATE = re.compile(r"Key \((?P<columns>.*)\)=\((?P<values>.*)\) already exists")


def explain_contradiction(error: IntegrityError) -> str:
    """Which list of the backup broke a unique or check constraint of the database, and how.
    (Rows are validated one by one before they are written; a constraint is checked only by
    the database, which does not say which item broke it.)"""
    diag = getattr(error.__cause__, "diag", None)
    section, what = LIST_OF_TABLE.get(getattr(diag, "table_name", None), (None, "items"))
    where = f"The section “{section}”" if section else "The backup"
    duplicate = _DUPLICATE.search(getattr(diag, "message_detail", None) or "")
    if duplicate:
        columns, values = duplicate["columns"].split(", "), duplicate["values"].split(", ")
        if len(columns) == len(values):  # ids of rows (the account, a contact) say nothing to a person
            values = [value for column, value in zip(columns, values, strict=True) if not column.endswith("_id")]
        shown = f" ({', '.join(values)})" if values else ""
        return f"{where} contradicts itself: two of its {what} are the same{shown}."
    rule = getattr(diag, "constraint_name", None) or "a rule of the database"
    return f"{where} holds {what} that break the rule “{rule}”."
