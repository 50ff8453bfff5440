"""When a user's weekly digest is due, in their own time zone, and claiming it exactly once."""

from __future__ import annotations

import dataclasses
import datetime
import zoneinfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from followups.models import DigestLog, FollowupPreferences


def next_slot(*, after: datetime.datetime, zone, weekday: int, hour: int) -> datetime.datetime:
    """The first weekly slot (``weekday`` at ``hour``:00 local wall time) strictly after ``after``."""
    local = after.astimezone(zone)
    day = local.date() + datetime.timedelta(days=(weekday - local.weekday()) % 7)
    slot = datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)
    if slot <= after:
        slot = datetime.datetime.combine(day + datetime.timedelta(days=7), datetime.time(hour), tzinfo=zone)
    return slot.astimezone(datetime.UTC)


def week_starting(moment: datetime.datetime, zone) -> datetime.date:
    """Monday of the week ``moment`` falls in, on the user's calendar."""
    local_day = moment.astimezone(zone).date()
    return local_day - datetime.timedelta(days=local_day.weekday())


def reschedule(preferences: FollowupPreferences, *, now: datetime.datetime | None = None) -> None:
    """Set the next slot after a change of weekday, hour, zone or on/off (the caller saves)."""
    now = now or timezone.now()
    preferences.next_digest_at = next_slot(
        after=now, zone=zoneinfo.ZoneInfo(preferences.time_zone), weekday=preferences.digest_weekday,
        hour=preferences.digest_hour,
    )  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Claim:
    log_id: int
    owner_id: int
    week_starting: datetime.date


def claim_due_digests(*, now: datetime.datetime | None = None, owner_ids=None) -> list[Claim]:
    """Claim this week's digest for every user whose local slot has passed.

    A claim moves the user's ``next_digest_at`` forward with a conditional UPDATE (only if it
    still holds the value read) and records the week in a DigestLog unique per user and week,
    both in one transaction. Two schedulers running at once, or one running twice, claim each
    user's week once. Returns the claims to deliver.
    """
    now = now or timezone.now()
    due = FollowupPreferences.objects.filter(digest_enabled=True, next_digest_at__lte=now)
    if owner_ids is not None:
        due = due.filter(owner_id__in=owner_ids)
    claims = []
    for preferences in due.only("pk", "owner_id", "time_zone", "digest_weekday", "digest_hour", "next_digest_at"):
        zone = zoneinfo.ZoneInfo(preferences.time_zone)
        upcoming = next_slot(after=now, zone=zone, weekday=preferences.digest_weekday, hour=preferences.digest_hour)
        week = week_starting(upcoming - datetime.timedelta(days=7), zone)  # the slot that has just passed
        try:
            with transaction.atomic():
                moved = FollowupPreferences.objects.filter(
                    pk=preferences.pk, next_digest_at=preferences.next_digest_at
                ).update(next_digest_at=upcoming)
                if not moved:
                    continue  # another scheduler claimed it first
                log = DigestLog.objects.create(owner_id=preferences.owner_id, week_starting=week, claimed_at=now)
        except IntegrityError:
            continue  # this week's digest exists already (e.g. the slot moved within the week)
        claims.append(Claim(log_id=log.pk, owner_id=preferences.owner_id, week_starting=week))
    return claims


def users_due(*, now: datetime.datetime | None = None, owner_ids=None):
    """Who would be claimed now (for ``send_digests --dry-run``); claims nothing."""
    now = now or timezone.now()
    due = FollowupPreferences.objects.filter(digest_enabled=True, next_digest_at__lte=now).select_related("owner")
    if owner_ids is not None:
        due = due.filter(owner_id__in=owner_ids)
    return [preferences.owner for preferences in due]
