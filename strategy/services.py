"""Writes for the plan, purposes, venues and events. Views and forms call these; none holds rules."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contacts.cadence import refresh_cadence
from contacts.models import Classification, Contact, ContactEmail
from netcrm.dates import start_of_local_day

from .models import STANDARD_PURPOSES, Event, MetAt, PersonMet, Plan, Purpose, Venue

# A person met is followed up within this many days after the event (item 6 of the issue).
FOLLOW_UP_WITHIN_DAYS = 2


def plan_for(*, owner) -> Plan:
    """The owner's plan, created empty on first use. Always exactly one per user."""
    plan, _ = Plan.objects.get_or_create(owner=owner)
    return plan


def save_plan(*, plan: Plan) -> Plan:
    plan.full_clean()
    plan.save()
    return plan


# --- purposes ---------------------------------------------------------------------------------


@transaction.atomic
def add_purposes(*, owner, names: Iterable[str]) -> list[Purpose]:
    """Add purposes by name; a name the owner already has (any case) is skipped, never doubled.

    The first purpose an owner picks becomes the main objective, so there always is one."""
    existing = {name.lower() for name in Purpose.objects.for_user(owner).values_list("name", flat=True)}
    standard = {name.lower() for name in STANDARD_PURPOSES}
    created = []
    for raw in names:
        name = " ".join(raw.split())[:80]
        if not name or name.lower() in existing:
            continue
        existing.add(name.lower())
        created.append(Purpose.objects.create(owner=owner, name=name, is_standard=name.lower() in standard))
    if created and not Purpose.objects.for_user(owner).filter(is_main=True).exists():
        set_main_purpose(purpose=created[0])
        created[0].is_main = True
    return created


@transaction.atomic
def set_main_purpose(*, purpose: Purpose) -> Purpose:
    """Make ``purpose`` the owner's one main objective (the database allows only one)."""
    Purpose.objects.filter(owner_id=purpose.owner_id, is_main=True).exclude(pk=purpose.pk).update(is_main=False)
    Purpose.objects.filter(pk=purpose.pk).update(is_main=True)
    purpose.is_main = True
    return purpose


def delete_purpose(*, purpose: Purpose) -> None:
    """Remove a purpose; its contacts stay, they only lose this tag."""
    purpose.delete()


@transaction.atomic
def set_contact_purposes(*, contact: Contact, purposes: Iterable[Purpose]) -> None:
    """Tag ``contact`` with exactly ``purposes``; purposes of another owner are refused."""
    purposes = list(purposes)
    if any(p.owner_id != contact.owner_id for p in purposes):
        raise ValueError("A contact can only serve purposes of its own owner.")
    through = Purpose.contacts.through
    through.objects.filter(contact=contact).exclude(purpose__in=purposes).delete()
    current = set(through.objects.filter(contact=contact).values_list("purpose_id", flat=True))
    through.objects.bulk_create(
        [through(contact_id=contact.pk, purpose_id=p.pk) for p in purposes if p.pk not in current]
    )


# --- venues and events ------------------------------------------------------------------------


def save_venue(*, venue: Venue) -> Venue:
    venue.full_clean()
    venue.save()
    return venue


def save_event(*, event: Event, zone) -> Event:
    """Save an event; its follow-up moment is the start of the day after the follow-up window,
    in the owner's zone (an event on Monday is followed up by Wednesday's end)."""
    event.starts_at = start_of_local_day(event.held_on, zone)
    event.follow_up_due_at = start_of_local_day(
        event.held_on + datetime.timedelta(days=FOLLOW_UP_WITHIN_DAYS + 1), zone
    )
    event.full_clean()
    event.save()
    return event


@dataclasses.dataclass(frozen=True)
class NewPerson:
    """A business card: who was met, with the classification that decides the follow-up message."""

    first_name: str
    last_name: str = ""
    company: str = ""
    email: str = ""
    classification: Classification | None = None


@transaction.atomic
def add_people_met(
    *, event: Event, new_people: Sequence[NewPerson] = (), existing: Iterable[Contact] = ()
) -> list[Contact]:
    """Record who was met at ``event``: new contacts are created in bulk (with where they were met
    and their classification's cadence), existing ones are linked. Someone already recorded at
    this event is not added twice. Marks the event attended. Returns the contacts added."""
    if event.held_on > timezone.localdate():
        raise ValidationError("You can add the people you met once the event has happened.")
    owner_id = event.owner_id
    for person in new_people:
        if person.classification is not None and person.classification.owner_id != owner_id:
            raise ValueError("A new contact can only get a classification of the event's owner.")
    existing = list(existing)
    if any(c.owner_id != owner_id for c in existing):
        raise ValueError("Only the event owner's contacts can be recorded as met there.")

    where = f"{event.name}, {event.venue.name}" if event.venue_id else event.name
    created = Contact.objects.bulk_create(
        Contact(
            owner_id=owner_id,
            first_name=person.first_name,
            last_name=person.last_name,
            company=person.company,
            classification=person.classification,
            how_we_met=f"Met at {event.name}"[:255],
            where_we_met=where[:255],
        )
        for person in new_people
    )
    ContactEmail.objects.bulk_create(
        ContactEmail(contact=contact, address=person.email)
        for contact, person in zip(created, new_people, strict=True)
        if person.email
    )
    # Bulk inserts skip save(): bring the new contacts' due moments up to date in one UPDATE.
    refresh_cadence(Contact.objects.filter(pk__in=[c.pk for c in created]))
    # A new contact was first met here; an existing one keeps where you first met them.
    MetAt.objects.bulk_create(MetAt(contact=contact, event=event) for contact in created)

    already = set(event.meetings.values_list("contact_id", flat=True))
    added = [c for c in [*created, *existing] if c.pk not in already]
    PersonMet.objects.bulk_create([PersonMet(event=event, contact=c) for c in added], ignore_conflicts=True)
    if not event.attended:
        Event.objects.filter(pk=event.pk).update(attended=True)
        event.attended = True
    return added


def remove_person_met(*, event: Event, contact: Contact) -> None:
    """Unlink a contact from an event; the contact itself stays in the network."""
    PersonMet.objects.filter(event=event, contact=contact).delete()


def set_met_at(*, contact: Contact, venue: Venue | None = None, event: Event | None = None) -> MetAt | None:
    """Record where you met ``contact``: one of the owner's venues or events, or neither (the
    link is removed). Refuses both at once, and a venue or event of another owner."""
    if venue is not None and event is not None:
        raise ValidationError({"place": "Pick a venue or an event, not both."})
    place = venue or event
    if place is None:
        MetAt.objects.filter(contact=contact).delete()
        return None
    if place.owner_id != contact.owner_id:
        raise ValidationError({"place": "Pick one of your own venues or events."})
    met_at, _ = MetAt.objects.update_or_create(contact=contact, defaults={"venue": venue, "event": event})
    return met_at
