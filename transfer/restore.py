"""Restoring a backup (see backup.py for the format and how to add a section).

Into an account with no contacts yet: what an account has one of, or names uniquely, is
replaced by the backup's: classifications and tags (a new account's starter set included),
the plan and purposes, the follow-up preferences (a new account gets its plan and
preferences on first visit). Everything else is created; a digest log of a week the account
already has a log for is skipped (that week's digest went out to this account already).
All sections in one transaction: a damaged file changes nothing and says which item is wrong.
The file's shape and the size of its lists are checked before anything is written
(backup_file.py); big files are restored by a task (restore_jobs.py).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from contacts.cadence import refresh_cadence
from contacts.models import (
    Classification,
    Contact,
    ContactEmail,
    ContactPhone,
    Interaction,
    Introduction,
    Occasion,
    Tag,
)
from followups.digest.schedule import reschedule
from followups.models import Commitment, DigestLog, FollowupPreferences, OutreachSkip, Reminder, WeekPlanEntry
from strategy.models import Event, MetAt, PersonMet, Plan, Purpose, Venue

from .backup import CONTACT_DERIVED, PREFERENCES_DERIVED, SECTIONS, Refs
from .backup_file import RestoreError, explain_contradiction, item_counts, read_backup

RESTORERS: dict[str, Callable] = {}
BATCH_SIZE = 2000
Progress = Callable[[int, int], None]


class ItemCounter:
    """Counts the items ``build`` validates and reports them now and then. It is reached through a
    context variable so the restorers (and a section added later) need no extra argument."""

    def __init__(self, total: int, progress: Progress):
        self.total, self.done, self.progress = total, 0, progress
        self.every = max(total // 100, 200)

    def tick(self) -> None:
        self.done += 1
        if self.done % self.every == 0:
            self.progress(min(self.done, self.total), self.total)


_counter: contextvars.ContextVar[ItemCounter | None] = contextvars.ContextVar("restore_counter", default=None)


def restorer(name: str):
    def register(restore: Callable) -> Callable:
        RESTORERS[name] = restore
        return restore

    return register


def build(model, item, *, where: str, exclude: tuple[str, ...] = (), **extra):
    """A validated, unsaved ``model`` from a backup item's plain fields (as dumped by ``plain_fields``)."""
    if not isinstance(item, dict):
        raise RestoreError(f"{where} is not an object.")
    counter = _counter.get()
    if counter is not None:
        counter.tick()
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.is_relation or field.name in exclude or field.name not in item:
            continue
        value = item[field.name]
        if isinstance(value, list | dict) and field.get_internal_type() != "JSONField":
            raise RestoreError(f"{where}.{field.name}: a list or an object where a single value belongs.")
        if isinstance(value, str) and "\x00" in value:  # PostgreSQL text cannot hold NUL
            raise RestoreError(f"{where}.{field.name}: contains a NUL character.")
        try:
            values[field.attname] = field.to_python(value)
        except ValidationError as error:
            raise RestoreError(f"{where}.{field.name}: {' '.join(error.messages)}")
        except (TypeError, ValueError, OverflowError):  # e.g. a number where a date belongs
            kind = str(field.description) % vars(field)  # "Date (without time)"
            raise RestoreError(f"{where}.{field.name}: {value!r} is not a valid {kind[0].lower()}{kind[1:]}.")
    obj = model(**values, **extra)
    # Relations come from refs the restorer has resolved (no query per row to re-check them).
    relations = [field.name for field in model._meta.concrete_fields if field.is_relation]
    try:
        obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        raise RestoreError(f"{where}: {problems}")
    return obj


def _bulk_create_keeping(model, objs: list, stamp: str) -> list:
    """bulk_create, then put back the backed-up value of an auto_now(_add) field it overwrote."""
    kept = [getattr(obj, stamp) for obj in objs]
    created = model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    restamp = []
    for obj, value in zip(created, kept, strict=True):
        if value is not None:
            setattr(obj, stamp, value)
            restamp.append(obj)
    model.objects.bulk_update(restamp, [stamp], batch_size=BATCH_SIZE)
    return created


def _list(data: dict, key: str, where: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise RestoreError(f"{where}.{key} is not a list.")
    return value


def _object(item, where: str) -> dict:
    if not isinstance(item, dict):
        raise RestoreError(f"{where} is not an object.")
    return item


def _pointed(refs: Refs, kind: str, item: dict, key: str, *, where: str, optional: bool = False) -> int | None:
    """The new pk of the row ``item[key]`` refers to (``None`` for an optional empty one)."""
    value = item.get(key)
    if value is None and optional:
        return None
    try:
        return refs.pk(kind, str(value))
    except KeyError:
        what = kind if key == kind else f"{kind} ({key})"
        raise RestoreError(f"{where}: its {what} {value!r} is not in the backup.")


def _remember(refs: Refs, kind: str, items: list, created: list) -> None:
    for item, obj in zip(items, created, strict=True):
        if item.get("ref") is not None:
            refs.remember(kind, str(item["ref"]), obj.pk)


@restorer("contacts")
def restore_contacts(owner, data: dict, refs: Refs) -> dict:
    Classification.objects.for_user(owner).delete()
    Tag.objects.for_user(owner).delete()
    classifications = Classification.objects.bulk_create(
        build(Classification, item, where=f"classifications[{i}]", owner=owner)
        for i, item in enumerate(_list(data, "classifications", "contacts"))
    )
    tags = Tag.objects.bulk_create(
        build(Tag, item, where=f"tags[{i}]", owner=owner) for i, item in enumerate(_list(data, "tags", "contacts"))
    )
    classification_by_name = {c.name: c for c in classifications}
    tag_by_name = {t.name: t for t in tags}

    items = _list(data, "contacts", "contacts")
    contacts = []
    for i, item in enumerate(items):
        where = f"contacts[{i}]"
        contact = build(Contact, item, where=where, exclude=CONTACT_DERIVED, owner=owner)
        name = item.get("classification")
        if name is not None and (not isinstance(name, str) or name not in classification_by_name):
            raise RestoreError(f"{where}: there is no classification called “{name}” in the backup.")
        contact.classification = classification_by_name.get(name)
        contacts.append(contact)
    created_contacts = _bulk_create_keeping(Contact, contacts, "updated_at")

    emails, phones, links = [], [], []
    through = Contact.tags.through
    for i, (item, contact) in enumerate(zip(items, created_contacts, strict=True)):
        where = f"contacts[{i}]"
        refs.remember("contact", str(item.get("ref", "")), contact.pk)
        for position, address in enumerate(_list(item, "emails", where)):
            emails.append(build(ContactEmail, {"address": address, "position": position}, where=f"{where}.emails"))
            emails[-1].contact = contact
        for position, number in enumerate(_list(item, "phones", where)):
            phones.append(build(ContactPhone, {"number": number, "position": position}, where=f"{where}.phones"))
            phones[-1].contact = contact
        for name in _list(item, "tags", where):
            if not isinstance(name, str) or name not in tag_by_name:
                raise RestoreError(f"{where}: there is no tag called “{name}” in the backup.")
            links.append(through(contact_id=contact.pk, tag_id=tag_by_name[name].pk))
    ContactEmail.objects.bulk_create(emails, batch_size=BATCH_SIZE)
    ContactPhone.objects.bulk_create(phones, batch_size=BATCH_SIZE)
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    # Who introduced whom points between contacts, so it is set once they all exist.
    introduced = []
    for i, (item, contact) in enumerate(zip(items, created_contacts, strict=True)):
        introducer_id = _pointed(refs, "contact", item, "introduced_by", where=f"contacts[{i}]", optional=True)
        if introducer_id is not None:
            contact.introduced_by_id = introducer_id
            introduced.append(contact)
    Contact.objects.bulk_update(introduced, ["introduced_by"], batch_size=BATCH_SIZE)

    introduction_items = [
        _object(item, f"introductions[{i}]") for i, item in enumerate(_list(data, "introductions", "contacts"))
    ]
    introductions = []
    for i, item in enumerate(introduction_items):
        where = f"introductions[{i}]"
        pair = {key: _pointed(refs, "contact", item, key, where=where) for key in ("introduced", "introduced_to")}
        introductions.append(
            build(
                Introduction,
                item,
                where=where,
                owner=owner,
                introduced_id=pair["introduced"],
                introduced_to_id=pair["introduced_to"],
            )
        )
    introductions = Introduction.objects.bulk_create(introductions, batch_size=BATCH_SIZE)
    _remember(refs, "introduction", introduction_items, introductions)

    occasion_items = [_object(item, f"occasions[{i}]") for i, item in enumerate(_list(data, "occasions", "contacts"))]
    occasions = Occasion.objects.bulk_create(
        build(Occasion, item, where=f"occasions[{i}]", owner=owner,
              contact_id=_pointed(refs, "contact", item, "contact", where=f"occasions[{i}]"))
        for i, item in enumerate(occasion_items)
    )  # fmt: skip
    _remember(refs, "occasion", occasion_items, occasions)

    interactions = []
    for i, item in enumerate(_list(data, "interactions", "contacts")):
        where = f"interactions[{i}]"
        item = _object(item, where)
        try:
            contact_id = refs.pk("contact", str(item.get("contact")))
        except (KeyError, AttributeError):
            raise RestoreError(f"{where}: its contact is not in the backup.")
        introduction_id = _pointed(refs, "introduction", item, "introduction", where=where, optional=True)
        interactions.append(
            build(Interaction, item, where=where, owner=owner, contact_id=contact_id, introduction_id=introduction_id)
        )
    created_interactions = _bulk_create_keeping(Interaction, interactions, "created_at")
    _remember(refs, "interaction", _list(data, "interactions", "contacts"), created_interactions)
    refresh_cadence(Contact.objects.for_user(owner))
    return {
        "contacts": len(created_contacts),
        "interactions": len(created_interactions),
        "important_dates": len(occasions),
    }


@restorer("strategy")
def restore_strategy(owner, data: dict, refs: Refs) -> dict:
    if data.get("plan") is not None:
        plan = build(Plan, data["plan"], where="plan", owner=owner)
        Plan.objects.for_user(owner).delete()
        _bulk_create_keeping(Plan, [plan], "updated_at")

    purpose_items = _list(data, "purposes", "strategy")
    purposes = [build(Purpose, item, where=f"purposes[{i}]", owner=owner) for i, item in enumerate(purpose_items)]
    through = Purpose.contacts.through
    served = []
    for i, item in enumerate(purpose_items):
        for j, ref in enumerate(_list(item, "contacts", f"purposes[{i}]")):
            where = f"purposes[{i}].contacts[{j}]"
            served.append((i, _pointed(refs, "contact", {"contact": ref}, "contact", where=where)))
    Purpose.objects.for_user(owner).delete()
    created_purposes = Purpose.objects.bulk_create(purposes, batch_size=BATCH_SIZE)
    through.objects.bulk_create(
        [through(purpose_id=created_purposes[i].pk, contact_id=contact_id) for i, contact_id in served],
        batch_size=BATCH_SIZE,
    )

    venue_items = [_object(item, f"venues[{i}]") for i, item in enumerate(_list(data, "venues", "strategy"))]
    venues = Venue.objects.bulk_create(
        [build(Venue, item, where=f"venues[{i}]", owner=owner) for i, item in enumerate(venue_items)],
        batch_size=BATCH_SIZE,
    )
    _remember(refs, "venue", venue_items, venues)

    event_items = [_object(item, f"events[{i}]") for i, item in enumerate(_list(data, "events", "strategy"))]
    events = []
    for i, item in enumerate(event_items):
        where = f"events[{i}]"
        venue_id = _pointed(refs, "venue", item, "venue", where=where, optional=True)
        events.append(build(Event, item, where=where, owner=owner, venue_id=venue_id))
    events = Event.objects.bulk_create(events, batch_size=BATCH_SIZE)
    _remember(refs, "event", event_items, events)

    people_met = []
    for i, item in enumerate(_list(data, "people_met", "strategy")):
        where = f"people_met[{i}]"
        item = _object(item, where)
        event_id = _pointed(refs, "event", item, "event", where=where)
        contact_id = _pointed(refs, "contact", item, "contact", where=where)
        people_met.append(build(PersonMet, item, where=where, event_id=event_id, contact_id=contact_id))
    PersonMet.objects.bulk_create(people_met, batch_size=BATCH_SIZE)

    met_at = []
    for i, item in enumerate(_list(data, "met_at", "strategy")):
        where = f"met_at[{i}]"
        item = _object(item, where)
        met_at.append(
            build(
                MetAt,
                item,
                where=where,
                contact_id=_pointed(refs, "contact", item, "contact", where=where),
                venue_id=_pointed(refs, "venue", item, "venue", where=where, optional=True),
                event_id=_pointed(refs, "event", item, "event", where=where, optional=True),
            )
        )
    MetAt.objects.bulk_create(met_at, batch_size=BATCH_SIZE)
    return {"purposes": len(purposes), "venues": len(venues), "events": len(events), "people_met": len(people_met)}


def _for_contacts(model, refs: Refs, owner, data: dict, key: str, **pointers) -> tuple[list, list]:
    """Build ``model`` rows of ``data[key]``, each for its contact (and the other ``pointers``:
    field name -> ref kind, optional) and the owner. Returns the items and the unsaved rows."""
    items = [_object(item, f"{key}[{i}]") for i, item in enumerate(_list(data, key, "followups"))]
    rows = []
    for i, item in enumerate(items):
        where = f"{key}[{i}]"
        related = {"contact_id": _pointed(refs, "contact", item, "contact", where=where)}
        for name, kind in pointers.items():
            related[f"{name}_id"] = _pointed(refs, kind, item, name, where=where, optional=True)
        rows.append(build(model, item, where=where, owner=owner, **related))
    return items, rows


@restorer("followups")
def restore_followups(owner, data: dict, refs: Refs) -> dict:
    if data.get("preferences") is not None:
        preferences = build(
            FollowupPreferences, data["preferences"], where="preferences", exclude=PREFERENCES_DERIVED, owner=owner
        )
        reschedule(preferences)  # the next slot from now, never the backup's (it may be long past)
        FollowupPreferences.objects.for_user(owner).delete()
        preferences.save(force_insert=True)

    commitment_items, commitments = _for_contacts(Commitment, refs, owner, data, "commitments")
    commitments = Commitment.objects.bulk_create(commitments, batch_size=BATCH_SIZE)
    _remember(refs, "commitment", commitment_items, commitments)

    _items, reminders = _for_contacts(
        Reminder,
        refs,
        owner,
        data,
        "reminders",
        commitment="commitment",
        resolved_by="interaction",
        occasion="occasion",
    )
    Reminder.objects.bulk_create(reminders, batch_size=BATCH_SIZE)
    _items, week_plan = _for_contacts(WeekPlanEntry, refs, owner, data, "week_plan")
    WeekPlanEntry.objects.bulk_create(week_plan, batch_size=BATCH_SIZE)
    _items, skips = _for_contacts(OutreachSkip, refs, owner, data, "outreach_skips")
    OutreachSkip.objects.bulk_create(skips, batch_size=BATCH_SIZE)

    weeks_here = set(DigestLog.objects.for_user(owner).values_list("week_starting", flat=True))
    logs = [
        build(DigestLog, item, where=f"digest_logs[{i}]", owner=owner)
        for i, item in enumerate(_list(data, "digest_logs", "followups"))
    ]
    DigestLog.objects.bulk_create([log for log in logs if log.week_starting not in weeks_here], batch_size=BATCH_SIZE)
    return {"commitments": len(commitments), "reminders": len(reminders)}


def restore_backup(*, owner, raw: bytes, progress: Progress | None = None) -> dict:
    """Restore a backup file into ``owner``'s account, which must have no contacts yet.
    All or nothing; raises ``RestoreError`` with a message naming what is wrong. ``progress``
    (items done, items in all) is called now and then from inside the transaction."""
    sections = read_backup(raw)
    counter = None
    if progress is not None:
        counter = ItemCounter(sum(item_counts(sections).values()), progress)
        progress(0, counter.total)
    token = _counter.set(counter)
    counts = {}
    try:
        with transaction.atomic():
            get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
            if Contact.objects.for_user(owner).exists():
                raise RestoreError("Restore goes into an account without contacts; this one already has some.")
            refs = Refs()
            for name in SECTIONS:
                if name in sections:
                    counts.update(RESTORERS[name](owner, sections[name], refs))
    except IntegrityError as error:
        raise RestoreError(explain_contradiction(error))
    except DataError as error:
        raise RestoreError(f"The backup holds a value the database cannot store: {error}")
    except RecursionError:
        raise RestoreError("The backup holds a value nested too deeply to store.")
    finally:
        _counter.reset(token)
    return counts
