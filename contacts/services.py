"""Writes to the contacts app. Views, admin actions and commands call these; none holds rules."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, QuerySet, Value
from django.db.models.functions import Lower
from django.utils import timezone

from netcrm.sql import delete_cascading, insert_select

from .cadence import refresh_cadence, refresh_cadence_of
from .freshness import touch
from .models import (
    Channel,
    Classification,
    Contact,
    ContactEmail,
    ContactPhone,
    Interaction,
    InteractionKind,
    Introduction,
    Occasion,
    Tag,
)

STARTER_CLASSIFICATIONS = [
    # name, every days, business, channel, message guidance
    ("Inner circle", 14, True, Channel.MEETING, "Share what you are working on; ask what they need right now."),
    ("Clients", 30, True, Channel.CALL, "Check how things are going; ask about their next project."),
    ("Prospects", 21, True, Channel.EMAIL, "Send something useful to them; suggest a short call."),
    ("Collaborators", 45, True, Channel.MESSAGE, "Ask about their project; offer an introduction."),
    ("Friends & family", 90, False, Channel.ANY, "Just catch up; no business."),
    ("Acquaintances", 180, True, Channel.SOCIAL, "Congratulate on news; share an article they would like."),
]


def create_starter_classifications(*, owner) -> list[Classification]:
    """Give a new user a sensible, editable set. Idempotent: does nothing if they have any."""
    if Classification.objects.for_user(owner).exists():
        return []
    return Classification.objects.bulk_create(
        Classification(
            owner=owner,
            name=name,
            contact_every_days=every_days,
            is_business=is_business,
            preferred_channel=channel,
            message_guidance=guidance,
            display_order=position,
        )
        for position, (name, every_days, is_business, channel, guidance) in enumerate(STARTER_CLASSIFICATIONS)
    )


@transaction.atomic
def set_contact_emails(*, contact: Contact, addresses: Sequence[str]) -> None:
    contact.emails.all().delete()
    ContactEmail.objects.bulk_create(
        ContactEmail(contact=contact, address=address, position=index) for index, address in enumerate(addresses)
    )


@transaction.atomic
def set_contact_phones(*, contact: Contact, numbers: Sequence[str]) -> None:
    contact.phones.all().delete()
    ContactPhone.objects.bulk_create(
        ContactPhone(contact=contact, number=number, position=index) for index, number in enumerate(numbers)
    )


# Within a caller's transaction (followups.services.log_interaction, an introduction) it is part
# of the same action: all of it is kept or none, so it takes no savepoint of its own (two round
# trips less for every interaction logged).
@transaction.atomic(savepoint=False)
def log_interaction(
    *,
    contact: Contact,
    occurred_at: datetime.datetime | None = None,
    kind: str = InteractionKind.MEETING,
    summary: str,
    notes: str = "",
    next_step: str = "",
    contribution_direction: str = "",
    contribution_kind: str = "",
    introduction: Introduction | None = None,
) -> Interaction:
    """Record an interaction and move the contact's ``last_interaction_at`` forward."""
    interaction = Interaction.objects.create(
        owner_id=contact.owner_id,
        contact=contact,
        occurred_at=occurred_at or timezone.now(),
        kind=kind,
        summary=summary,
        notes=notes,
        next_step=next_step,
        contribution_direction=contribution_direction,
        contribution_kind=contribution_kind,
        introduction=introduction,
    )
    refresh_cadence_of(contact_id=contact.pk, owner_id=contact.owner_id)
    contact.refresh_from_db(fields=["last_interaction_at", "next_due_at"])
    return interaction


def check_pair(*, contact: Contact, other: Contact, field: str, what: str) -> None:
    """Refuse pairing a contact with itself or with someone of another owner, naming ``field``."""
    if other.pk == contact.pk:
        raise ValidationError({field: f"{contact} cannot be {what} themselves; pick someone else."})
    if other.owner_id != contact.owner_id:
        raise ValidationError({field: "Pick one of your own contacts."})


def set_introduced_by(*, contact: Contact, introducer: Contact | None) -> Contact:
    """Record who introduced you to ``contact`` (None: nobody, or not known)."""
    if introducer is not None:
        check_pair(contact=contact, other=introducer, field="introduced_by", what="introduced by")
    Contact.objects.filter(pk=contact.pk).update(introduced_by=introducer, updated_at=timezone.now())
    contact.introduced_by = introducer
    return contact


@transaction.atomic
def save_interaction(*, interaction: Interaction) -> Interaction:
    """Save an edited interaction; its date may have moved, so recompute the contact's last one."""
    interaction.save()
    refresh_cadence_of(contact_id=interaction.contact_id, owner_id=interaction.owner_id)
    return interaction


@transaction.atomic
def delete_interaction(*, interaction: Interaction) -> None:
    contact_id, owner_id = interaction.contact_id, interaction.owner_id
    interaction.delete()
    refresh_cadence_of(contact_id=contact_id, owner_id=owner_id)


@transaction.atomic
def delete_classification(*, classification: Classification, move_contacts_to: Classification | None) -> int:
    """Delete a classification after moving its contacts; returns how many moved. Loses no contact."""
    if move_contacts_to is not None and move_contacts_to.owner_id != classification.owner_id:
        raise ValueError("Contacts can only move to a classification of the same owner.")
    moved = reclassify(contacts=classification.contacts.all(), classification=move_contacts_to)
    classification.delete()
    return moved


def _update_selection(contacts: QuerySet[Contact], **changes) -> tuple[int, QuerySet[Contact]]:
    """UPDATE every selected contact in one statement; return how many, and the same rows again
    found by their write moment: the selection itself may no longer match once changed (move
    "all my Clients" elsewhere and the filter finds none), and a list of ids would grow with it.
    A row written by another request in the same microsecond is harmlessly refreshed too."""
    owner_ids = list(contacts.order_by().values_list("owner_id", flat=True).distinct())
    written_at = timezone.now()
    changed = Contact.objects.filter(pk__in=contacts.order_by().values("pk")).update(**changes, updated_at=written_at)
    return changed, Contact.objects.filter(owner_id__in=owner_ids, updated_at=written_at)


@transaction.atomic
def reclassify(*, contacts: QuerySet[Contact], classification: Classification | None) -> int:
    """Move many contacts to one classification; their due moments follow. Set-based: one
    UPDATE of the contacts and one cadence refresh, whatever their number."""
    moved, written = _update_selection(contacts, classification=classification)
    refresh_cadence(written)
    return moved


@transaction.atomic
def set_frequency_override(*, contacts: QuerySet[Contact], every_days: int | None) -> int:
    """Give many contacts their own frequency (None: their classification's again), and with it
    the default maximum (1.5 times; an own "at most" is cleared, as it was set for the old
    frequency). Set-based."""
    changed, written = _update_selection(
        contacts, contact_every_days_override=every_days, contact_at_most_days_override=None
    )
    refresh_cadence(written)
    return changed


@transaction.atomic
def save_classification(*, classification: Classification) -> Classification:
    """Save a classification; if its frequency changed, its contacts' due moments move (one UPDATE)."""
    classification.save()
    refresh_cadence(Contact.objects.filter(classification=classification))
    return classification


@transaction.atomic
def save_contact(*, contact: Contact) -> Contact:
    """Save a contact's own fields and bring its due moment up to date."""
    contact.save()
    refresh_cadence_of(contact_id=contact.pk, owner_id=contact.owner_id)
    contact.refresh_from_db(fields=["last_interaction_at", "next_due_at"])
    return contact


@transaction.atomic
def save_contact_with_details(
    *, contact: Contact, emails: Sequence[str], phones: Sequence[str], tag_names: Iterable[str]
) -> Contact:
    """Save a contact with its emails, phones and tags as one write: all of it or none of it."""
    contact = save_contact(contact=contact)
    set_contact_emails(contact=contact, addresses=emails)
    set_contact_phones(contact=contact, numbers=phones)
    contact.tags.set(get_or_create_tags(owner=contact.owner, names=tag_names))
    return contact


@transaction.atomic
def reorder_classifications(*, owner, ordered_ids: Sequence[int]) -> None:
    """Apply a new display order; ids not owned by ``owner`` are ignored."""
    owned = {c.pk: c for c in Classification.objects.for_user(owner)}
    position = 0
    for pk in ordered_ids:
        if pk in owned:
            owned[pk].display_order = position
            position += 1
    for classification in owned.values():
        if classification.pk not in ordered_ids:
            classification.display_order = position
            position += 1
    Classification.objects.bulk_update(owned.values(), ["display_order"])


def move_classification(*, classification: Classification, offset: int) -> None:
    """Move one classification up (-1) or down (+1) in its owner's list."""
    ordered = list(Classification.objects.for_user(classification.owner).values_list("pk", flat=True))
    index = ordered.index(classification.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    reorder_classifications(owner=classification.owner, ordered_ids=ordered)


@transaction.atomic
def add_tag(*, contacts: QuerySet[Contact], tag: Tag) -> int:
    """Tag many contacts of the tag's owner in one INSERT … SELECT; returns how many were newly
    tagged (those already tagged are left as they are)."""
    through = Contact.tags.through
    rows = (
        contacts.filter(owner_id=tag.owner_id)
        .annotate(tagged_with=Value(tag.pk, output_field=BigIntegerField()))
        .values_list("pk", "tagged_with")
    )
    touch([tag.owner_id])
    return insert_select(through, ("contact_id", "tag_id"), rows)


@transaction.atomic
def remove_tag(*, contacts: QuerySet[Contact], tag: Tag) -> int:
    """Untag many contacts in one DELETE; returns how many were untagged."""
    touch([tag.owner_id])
    untagged = Contact.tags.through.objects.filter(tag=tag, contact__in=contacts.order_by().values("pk"))
    # One DELETE; QuerySet.delete() would read the rows and delete them 100 at a time.
    return untagged._raw_delete(untagged.db)


@transaction.atomic
def delete_contacts(*, contacts: QuerySet[Contact]) -> int:
    """Delete many contacts with everything that hangs on them (interactions, emails, reminders,
    promises, week plans…, whichever app holds them): one DELETE per table (netcrm.sql). The ids
    are read first, so the selection stays the same while what it was found by is deleted."""
    selected = list(contacts.order_by().values_list("pk", "owner_id"))
    if not selected:
        return 0
    deleted = delete_cascading(Contact.objects.filter(pk__in=[pk for pk, _owner_id in selected]))
    touch({owner_id for _pk, owner_id in selected})
    return deleted[Contact._meta.label]


def get_or_create_tags(*, owner, names: Iterable[str]) -> list[Tag]:
    """The owner's tags of these names (any case), created when missing. Matched with the same
    LOWER() as the unique constraint, the database's on both sides (Python's str.lower folds
    letters the database's collation may not, and the lookup would then miss the row the
    constraint finds), and a name created at the same moment by another request is read back
    instead of failing."""
    tags = []
    for name in dict.fromkeys(n.strip()[:50] for n in names if n.strip()):
        same_name = Tag.objects.for_user(owner).alias(lower_name=Lower("name")).filter(lower_name=Lower(Value(name)))
        tag = same_name.first()
        if tag is None:
            try:
                with transaction.atomic():  # a savepoint: the caller's transaction survives a lost race
                    tag = Tag.objects.create(owner=owner, name=name)
            except IntegrityError:
                tag = same_name.get()
        tags.append(tag)
    return tags


@transaction.atomic
def mark_contacted_today(*, contacts: QuerySet[Contact], summary: str = "Got in touch") -> int:
    """Log an interaction now with each contact (admin bulk action)."""
    now = timezone.now()
    contact_list = list(contacts)
    Interaction.objects.bulk_create(
        Interaction(owner_id=c.owner_id, contact=c, occurred_at=now, kind=InteractionKind.OTHER, summary=summary)
        for c in contact_list
    )
    refresh_cadence(Contact.objects.filter(pk__in=[c.pk for c in contact_list]))
    return len(contact_list)


def add_occasion(
    *, contact: Contact, on: datetime.date, kind: str = "other", label: str = "", is_yearly: bool = True
) -> Occasion:
    """Record an important date of ``contact`` (a work anniversary, the day you met, a date you
    name); the sweep reminds of it ahead of time. Validated like the form; raises ValidationError."""
    occasion = Occasion(owner_id=contact.owner_id, contact=contact, kind=kind, label=label, on=on, is_yearly=is_yearly)
    occasion.full_clean()
    occasion.save()
    return occasion
