"""The full JSON backup of everything a user owns, one *section* per app.

A backup file is::

    {"format": "netcrm-backup", "version": 1, "created_at": "...",
     "sections": {"contacts": {...}, ...}}

Each app contributes one section: a dump function here (``@section``) and a restore function
in ``restore.py`` (``@restorer``) under the same name. Sections run in registration order,
so a later one can point at rows of an earlier one through ``refs`` (e.g. an event's
contacts met): the dump gives every row a stable reference (``refs.ref("contact", pk)``)
and the restore maps it back to the new primary key (``refs.pk("contact", ref)``).

from contacts.models import Classification, Contact, Interaction, Introduction, Occasion, Tag

    # backup.py
    @section("notes")
    def dump_notes(owner, refs):
        return {"notes": [{"contact": refs.ref("contact", n.contact_id), **plain_fields(n)}
                          for n in Note.objects.for_user(owner)]}

    # restore.py
    @restorer("notes")
    def restore_notes(owner, data, refs):
        Note.objects.bulk_create(
            build(Note, item, where=f"notes[{i}]", owner=owner,
                  contact_id=_pointed(refs, "contact", item, "contact", where=f"notes[{i}]"))
            for i, item in enumerate(_list(data, "notes", "notes")))

then list those models in ``COVERED`` and add rows of them to the data in
``tests/test_backup_roundtrip.py``: it compares
every concrete field of every model the section dumps. ``plain_fields`` takes every concrete,
non-relational field, so a field added to a model later is backed up without touching this.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from contacts.models import Classification, Contact, Interaction, Introduction, Occasion, Tag
from followups.models import Commitment, DigestLog, FollowupPreferences, OutreachSkip, Reminder, WeekPlanEntry
from strategy.models import Event, MetAt, PersonMet, Plan, Purpose, Venue

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
        self._counts: dict[str, int] = {}
        self._pks: dict[tuple[str, str], int] = {}

    def ref(self, kind: str, pk: int) -> str:
        key = (kind, pk)
        if key not in self._refs:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            self._refs[key] = f"{kind}-{self._counts[kind]}"
        return self._refs[key]

    def ref_or_none(self, kind: str, pk: int | None) -> str | None:
        return None if pk is None else self.ref(kind, pk)

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
CONTACT_DERIVED = ("last_interaction_at", "next_due_at", "overdue_at")


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
                "introduced_by": refs.ref_or_none("contact", contact.introduced_by_id),
                "tags": sorted(tag.name for tag in contact.tags.all()),
                "emails": [email.address for email in contact.emails.all()],
                "phones": [phone.number for phone in contact.phones.all()],
            }
        )
    interactions = Interaction.objects.for_user(owner).order_by("occurred_at", "pk")
    introductions = Introduction.objects.for_user(owner).order_by("made_at", "pk")
    return {
        "classifications": [plain_fields(c) for c in Classification.objects.for_user(owner)],
        "tags": [plain_fields(t) for t in Tag.objects.for_user(owner)],
        "contacts": contact_items,
        # A contact's work anniversaries and other dates (its birthday is a field of its own).
        "occasions": [
            {"ref": refs.ref("occasion", o.pk), "contact": refs.ref("contact", o.contact_id), **plain_fields(o)}
            # in the contacts' order, so a restored account's backup is the same file
            for o in Occasion.objects.for_user(owner).order_by("contact__created_at", "contact_id", "on", "pk")
        ],
        # "ref" lets a later section point at an interaction (a reminder resolved by it);
        # a backup without it still restores (nothing can point at its interactions then).
        "introductions": [
            {
                "ref": refs.ref("introduction", i.pk),
                "introduced": refs.ref("contact", i.introduced_id),
                "introduced_to": refs.ref("contact", i.introduced_to_id),
                **plain_fields(i),
            }
            for i in introductions
        ],
        "interactions": [
            {
                "ref": refs.ref("interaction", i.pk),
                "contact": refs.ref("contact", i.contact_id),
                "introduction": refs.ref_or_none("introduction", i.introduction_id),
                **plain_fields(i),
            }
            for i in interactions.iterator(chunk_size=2000)
        ],
    }


@section("strategy")
def dump_strategy(owner, refs: Refs) -> dict:
    plan = Plan.objects.for_user(owner).first()
    purposes = list(Purpose.objects.for_user(owner).order_by("created_at", "pk"))
    served: dict[int, list[str]] = {}
    links = (
        Purpose.contacts.through.objects.filter(purpose__owner=owner)
        .order_by("contact__created_at", "contact_id")
        .values_list("purpose_id", "contact_id")
    )
    for purpose_id, contact_id in links:
        served.setdefault(purpose_id, []).append(refs.ref("contact", contact_id))
    venues = [
        {"ref": refs.ref("venue", v.pk), **plain_fields(v)}
        for v in Venue.objects.for_user(owner).order_by("created_at", "pk")
    ]
    events = [
        {"ref": refs.ref("event", e.pk), "venue": refs.ref_or_none("venue", e.venue_id), **plain_fields(e)}
        for e in Event.objects.for_user(owner).order_by("created_at", "pk")
    ]
    people_met = PersonMet.objects.filter(event__owner=owner).order_by(
        "event__created_at", "event_id", "created_at", "pk"
    )
    return {
        "plan": plain_fields(plan) if plan is not None else None,
        "purposes": [{**plain_fields(p), "contacts": served.get(p.pk, [])} for p in purposes],
        "venues": venues,
        "events": events,
        "people_met": [
            {"event": refs.ref("event", m.event_id), "contact": refs.ref("contact", m.contact_id), **plain_fields(m)}
            for m in people_met
        ],
        "met_at": [
            {
                "contact": refs.ref("contact", m.contact_id),
                "venue": refs.ref_or_none("venue", m.venue_id),
                "event": refs.ref_or_none("event", m.event_id),
                **plain_fields(m),
            }
            for m in MetAt.objects.filter(contact__owner=owner).order_by("created_at", "pk")
        ],
    }


# Not in a backup as such: ``next_digest_at`` is recomputed on restore by
# followups.digest.schedule.reschedule (a stale slot would send at once); ``calendar_token`` is a
# secret that opens the calendar feed without a login, so it never leaves the database (the
# restored account creates its own feed URL).
PREFERENCES_DERIVED = ("next_digest_at", "calendar_token")


@section("followups")
def dump_followups(owner, refs: Refs) -> dict:
    preferences = FollowupPreferences.objects.for_user(owner).first()
    commitments = [
        {"ref": refs.ref("commitment", c.pk), "contact": refs.ref("contact", c.contact_id), **plain_fields(c)}
        for c in Commitment.objects.for_user(owner).order_by("created_at", "pk")
    ]
    reminders = [
        {
            "contact": refs.ref("contact", r.contact_id),
            "commitment": refs.ref_or_none("commitment", r.commitment_id),
            "resolved_by": refs.ref_or_none("interaction", r.resolved_by_id),
            "occasion": refs.ref_or_none("occasion", r.occasion_id),
            **plain_fields(r),
        }
        for r in Reminder.objects.for_user(owner).order_by("created_at", "pk").iterator(chunk_size=2000)
    ]
    return {
        "preferences": plain_fields(preferences, exclude=PREFERENCES_DERIVED) if preferences is not None else None,
        "commitments": commitments,
        "reminders": reminders,
        "week_plan": [
            {"contact": refs.ref("contact", w.contact_id), **plain_fields(w)}
            for w in WeekPlanEntry.objects.for_user(owner).order_by("created_at", "pk")
        ],
        "outreach_skips": [
            {"contact": refs.ref("contact", s.contact_id), **plain_fields(s)}
            for s in OutreachSkip.objects.for_user(owner).order_by("skipped_on", "pk")
        ],
        # The digests already sent (or skipped): restored, so the new account neither shows an
        # empty history nor gets a week's digest a second time. Not the snapshot of a digest
        # still being sent: its links point at this account's rows.
        "digest_logs": [
            plain_fields(d, exclude=("content",))
            for d in DigestLog.objects.for_user(owner).order_by("week_starting", "pk")
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
