"""Writing a plan: everything in one transaction, set-based, or nothing at all.

The plan is recomputed here against the data as it is at confirm time (and the owner's
row is locked for the duration), so confirming the same file twice — in two tabs, or a
week apart — creates nothing the second time.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from ..cadence import refresh_cadence
from ..models import Classification, Contact, ContactEmail, ContactPhone, Occasion, Tag
from .formats import ParsedFile
from .plan import DUPLICATE, ERROR, NEW, UNCHANGED, UPDATE, Plan, Progress, build_plan
from .rows import TEXT_FIELDS

BATCH_SIZE = 2000


@dataclasses.dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_matches: int = 0
    duplicates: int = 0
    errors: int = 0

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


def ensure_tags(*, owner, names: list[str]) -> dict[str, Tag]:
    """The owner's tags for ``names`` (case-insensitive), creating the missing ones; by lower-case name."""
    wanted = {name.strip().lower(): name.strip()[:50] for name in names if name and name.strip()}
    if not wanted:
        return {}

    def by_lower_name() -> dict[str, Tag]:
        tags = Tag.objects.for_user(owner).annotate(lower_name=Lower("name")).filter(lower_name__in=list(wanted))
        return {tag.lower_name: tag for tag in tags}

    existing = by_lower_name()
    if len(existing) < len(wanted):
        # ignore_conflicts: a tag created meanwhile (case-insensitive unique) is simply read back.
        Tag.objects.bulk_create(
            [Tag(owner=owner, name=wanted[key]) for key in wanted if key not in existing], ignore_conflicts=True
        )
        existing = by_lower_name()
    return existing


@transaction.atomic
def apply_import(
    *,
    owner,
    parsed: ParsedFile,
    classification: Classification | None = None,
    tag_names: list[str] = (),
    update_matches: bool = True,
    progress: Progress | None = None,
) -> ImportResult:
    """Write ``parsed`` for ``owner``: new contacts with ``classification`` and tags, matches updated
    if asked. One transaction; the cadence of every touched contact refreshed once at the end."""
    if classification is not None and classification.owner_id != owner.pk:
        raise ValueError("The classification belongs to another user.")
    get_user_model().objects.select_for_update().filter(pk=owner.pk).first()  # one import per user at a time
    started = timezone.now()
    plan: Plan = build_plan(owner=owner, parsed=parsed)
    total = len(plan.entries)
    result = ImportResult()
    new_entries = [e for e in plan.entries if e["action"] == NEW]
    update_entries = [e for e in plan.entries if e["action"] == UPDATE]
    result.unchanged = sum(1 for e in plan.entries if e["action"] == UNCHANGED)
    result.duplicates = sum(1 for e in plan.entries if e["action"] == DUPLICATE)
    result.errors = sum(1 for e in plan.entries if e["action"] == ERROR)

    rows = parsed.rows
    tags_by_name = ensure_tags(owner=owner, names=[*tag_names, *(t for e in new_entries for t in rows[e["row"]].tags)])
    chosen_tags = [tags_by_name[name.strip().lower()] for name in tag_names if name.strip()]

    emails, phones, tag_links, occasions = [], [], [], []
    through = Contact.tags.through
    for start in range(0, len(new_entries), BATCH_SIZE):
        batch = new_entries[start : start + BATCH_SIZE]
        contacts = Contact.objects.bulk_create(
            [_new_contact(owner, rows[e["row"]], classification, started) for e in batch], batch_size=BATCH_SIZE
        )
        for entry, contact in zip(batch, contacts, strict=True):
            row = rows[entry["row"]]
            emails += [ContactEmail(contact_id=contact.pk, address=a, position=i) for i, a in enumerate(row.emails)]
            phones += [ContactPhone(contact_id=contact.pk, number=n, position=i) for i, n in enumerate(row.phones)]
            occasions += _occasions(owner, contact.pk, row.occasions)
            row_tags = {tags_by_name[t.lower()].pk for t in row.tags if t.lower() in tags_by_name}
            tag_ids = dict.fromkeys([*(t.pk for t in chosen_tags), *row_tags])
            tag_links += [through(contact_id=contact.pk, tag_id=tag_id) for tag_id in tag_ids]
        result.created += len(contacts)
        if progress:
            progress(start + len(batch), total)

    if update_matches:
        result.updated = _apply_updates(update_entries, emails, phones, started)
        for entry in update_entries:
            occasions += _occasions(owner, entry["contact_id"], entry.get("add_occasions", []))
    else:
        result.skipped_matches = len(update_entries)
    ContactEmail.objects.bulk_create(emails, batch_size=BATCH_SIZE)
    ContactPhone.objects.bulk_create(phones, batch_size=BATCH_SIZE)
    Occasion.objects.bulk_create(occasions, batch_size=BATCH_SIZE)
    through.objects.bulk_create(tag_links, batch_size=BATCH_SIZE, ignore_conflicts=True)
    # Every contact this import created or changed has updated_at >= started (bulk_create's
    # auto_now, and _apply_updates sets it), so this is one UPDATE over exactly those rows.
    refresh_cadence(Contact.objects.for_user(owner).filter(updated_at__gte=started))
    if progress:
        progress(total, total)
    return result


def _occasions(owner, contact_id: int, dates: list[dict]) -> list[Occasion]:
    """A row's anniversaries and other dates (ImportRow.occasions), yearly as address books mean them."""
    return [
        Occasion(owner=owner, contact_id=contact_id, kind=date["kind"], label=date["label"],
                 on=datetime.date.fromisoformat(date["on"]), is_yearly=True)
        for date in dates
    ]  # fmt: skip


def _new_contact(owner, row, classification, now: datetime.datetime) -> Contact:
    fields = {name: getattr(row, name) for name in TEXT_FIELDS}
    return Contact(owner=owner, classification=classification, birthday=row.birthday, created_at=now, **fields)


def _apply_updates(entries: list[dict], emails: list, phones: list, now: datetime.datetime) -> int:
    changed_fields = {"updated_at"}
    contacts: dict[int, Contact] = {}
    ids = [entry["contact_id"] for entry in entries]
    for start in range(0, len(ids), BATCH_SIZE):
        contacts.update(Contact.objects.in_bulk(ids[start : start + BATCH_SIZE]))
    for entry in entries:
        contact = contacts[entry["contact_id"]]
        for field, (_old, new) in entry["changes"].items():
            setattr(contact, field, datetime.date.fromisoformat(new) if field == "birthday" else new)
            changed_fields.add(field)
        contact.updated_at = now
        emails += [
            ContactEmail(contact_id=contact.pk, address=a, position=entry["email_position"] + i)
            for i, a in enumerate(entry["add_emails"])
        ]
        phones += [
            ContactPhone(contact_id=contact.pk, number=n, position=entry["phone_position"] + i)
            for i, n in enumerate(entry["add_phones"])
        ]
    Contact.objects.bulk_update(contacts.values(), sorted(changed_fields), batch_size=BATCH_SIZE)
    return len(entries)
