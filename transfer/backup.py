"""The full JSON backup of everything a user owns, one *section* per app.

A backup file is::

    {"format": "netcrm-backup", "version": 1, "created_at": "...",
     "sections": {"contacts": {...}, ...}}

Each app contributes one section: a dump function here (``@section``) and a restore function
in ``restore.py`` (``@restorer``) under the same name. Sections run in registration order,
so a later one can point at rows of an earlier one through ``refs`` (e.g. an event's
contacts met): the dump gives every row a stable reference (``refs.ref("contact", pk)``)
and the restore maps it back to the new primary key (``refs.pk("contact", ref)``).

Adding the section of another app takes a few lines, e.g. for strategy::

    # backup.py
    @section("strategy")
    def dump_strategy(owner, refs):
        from strategy.models import Venue
        return {"venues": [plain_fields(v) for v in Venue.objects.for_user(owner)]}

    # restore.py
    @restorer("strategy")
    def restore_strategy(owner, data, refs):
        from strategy.models import Venue
        Venue.objects.bulk_create(build(Venue, item, where=f"venues[{i}]", owner=owner)
                                  for i, item in enumerate(data["venues"]))

then add rows of those models to the data in ``tests/test_backup_roundtrip.py``: it compares
every concrete field of every model the section dumps. ``plain_fields`` takes every concrete,
non-relational field, so a field added to a model later is backed up without touching this.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from contacts.models import Classification, Contact, Interaction, Tag

BACKUP_FORMAT = "netcrm-backup"
BACKUP_VERSION = 1

SECTIONS: dict[str, Callable] = {}


def section(name: str):
    def register(dump: Callable) -> Callable:
        SECTIONS[name] = dump
        return dump

    return register


class Refs:
    """Stable references between sections: ``contact`` pk 42 is ``"contact-1"`` in the file."""

    def __init__(self):
        self._refs: dict[tuple[str, int], str] = {}
        self._pks: dict[tuple[str, str], int] = {}

    def ref(self, kind: str, pk: int) -> str:
        key = (kind, pk)
        if key not in self._refs:
            self._refs[key] = f"{kind}-{sum(1 for k, _ in self._refs if k == kind) + 1}"
        return self._refs[key]

    def remember(self, kind: str, ref: str, pk: int) -> None:
        self._pks[(kind, ref)] = pk

    def pk(self, kind: str, ref: str) -> int:
        return self._pks[(kind, ref)]


def plain_fields(obj, *, exclude: tuple[str, ...] = ()) -> dict:
    """Every concrete, non-relational field except the primary key, by name."""
    return {
        field.name: getattr(obj, field.attname)
        for field in type(obj)._meta.concrete_fields
        if not field.primary_key and not field.is_relation and field.name not in exclude
    }


# Derived columns: recomputed on restore by contacts.cadence, never restored as such.
CONTACT_DERIVED = ("last_interaction_at", "next_due_at")


@section("contacts")
def dump_contacts(owner, refs: Refs) -> dict:
    contacts = (
        Contact.objects.for_user(owner)
        .select_related("classification")
        .prefetch_related("emails", "phones", "tags")
        .order_by("created_at", "pk")
    )
    contact_items = []
    for contact in contacts:
        contact_items.append(
            {
                "ref": refs.ref("contact", contact.pk),
                **plain_fields(contact, exclude=CONTACT_DERIVED),
                "classification": contact.classification.name if contact.classification_id else None,
                "tags": sorted(tag.name for tag in contact.tags.all()),
                "emails": [email.address for email in contact.emails.all()],
                "phones": [phone.number for phone in contact.phones.all()],
            }
        )
    interactions = Interaction.objects.for_user(owner).order_by("occurred_at", "pk")
    return {
        "classifications": [plain_fields(c) for c in Classification.objects.for_user(owner)],
        "tags": [plain_fields(t) for t in Tag.objects.for_user(owner)],
        "contacts": contact_items,
        "interactions": [
            {"contact": refs.ref("contact", i.contact_id), **plain_fields(i)}
            for i in interactions.iterator(chunk_size=2000)
        ],
    }


def backup(*, owner) -> dict:
    """Everything ``owner`` owns, as JSON-able data. Reads only."""
    refs = Refs()
    return {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "created_at": timezone.now(),
        "sections": {name: dump(owner, refs) for name, dump in SECTIONS.items()},
    }


class BackupEncoder(DjangoJSONEncoder):
    """Django's encoder, but moments keep their microseconds (a restore must reproduce them)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def backup_json(*, owner) -> str:
    return json.dumps(backup(owner=owner), cls=BackupEncoder, ensure_ascii=False, indent=1)
