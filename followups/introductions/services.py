"""“I introduced A to B”: one write that gives both people an interaction and the ledger one introduction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contacts.models import Contact, ContributionDirection, ContributionKind, InteractionKind, Introduction
from contacts.services import check_pair

from .. import services


@transaction.atomic
def introduce(
    *,
    contact: Contact,
    introduced_to: Contact,
    note: str = "",
    kind: str = InteractionKind.EMAIL,
    made_at: datetime.datetime | None = None,
) -> Introduction:
    """Record that you introduced ``contact`` to ``introduced_to``. Each gets an interaction
    (help given: an introduction, linked to the other person) logged through the follow-ups
    logging service, so their due moments move and open cadence reminders resolve as with any
    interaction. All of it or nothing: one transaction. Refuses a contact introduced to
    themselves or to someone of another owner (a ValidationError naming ``introduced_to``)."""
    check_pair(contact=contact, other=introduced_to, field="introduced_to", what="introduced to")
    made_at = made_at or timezone.now()
    if made_at > timezone.now() + datetime.timedelta(days=1):
        raise ValidationError({"made_at": "An introduction cannot be in the future."})
    introduction = Introduction.objects.create(
        owner_id=contact.owner_id, introduced=contact, introduced_to=introduced_to, note=note, made_at=made_at
    )
    for person, other in ((contact, introduced_to), (introduced_to, contact)):
        services.log_interaction(
            contact=person,
            occurred_at=made_at,
            kind=kind,
            summary=f"Introduced to {other}"[:255],
            notes=note,
            contribution_direction=ContributionDirection.GIVEN,
            contribution_kind=ContributionKind.INTRODUCTION,
            introduction=introduction,
        )
    return introduction
