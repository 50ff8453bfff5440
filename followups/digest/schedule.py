"""When a user's weekly digest is due, in their own time zone, and claiming it exactly once."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import logging
import zoneinfo
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from accounts.selectors import verified_user_ids
from followups.models import DigestLog, FollowupPreferences
from netcrm.dates import week_starting
from netcrm.sql import any_of, plan_for_short_queries

from .content import build_digests

logger = logging.getLogger(__name__)

# Users claimed, built and recorded per transaction: bounded memory and short row locks.
CLAIM_BATCH = 500
# A digest goes only to a verified address; the week of anyone else is recorded as skipped.
ADDRESS_NOT_VERIFIED = "address not verified"


def next_slot(*, after: datetime.datetime, zone, weekday: int, hour: int) -> datetime.datetime:
    """The first weekly slot (``weekday`` at ``hour``:00 local wall time) strictly after ``after``."""
    local = after.astimezone(zone)
    day = local.date() + datetime.timedelta(days=(weekday - local.weekday()) % 7)
    slot = datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)
    if slot <= after:
        slot = datetime.datetime.combine(day + datetime.timedelta(days=7), datetime.time(hour), tzinfo=zone)
    return slot.astimezone(datetime.UTC)


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


def due_batches(*, now: datetime.datetime | None = None) -> Iterator[list[int]]:
    """Everyone whose local slot has passed, as lists of at most CLAIM_BATCH owner ids who share
    a slot (time zone, weekday and hour): each is what one claim task claims and builds
    (``claim_batches(owner_ids=...)``), so that several workers claim and build at once. Reads
    only; claims nothing (a user two lists hold, or a list queued twice, is still claimed once)."""
    now = now or timezone.now()
    due = (
        FollowupPreferences.objects.filter(digest_enabled=True, next_digest_at__lte=now)
        .order_by("time_zone", "digest_weekday", "digest_hour", "pk")
        .values_list("time_zone", "digest_weekday", "digest_hour", "owner_id")
    )
    for _slot, rows in itertools.groupby(due.iterator(chunk_size=CLAIM_BATCH * 4), key=lambda row: row[:3]):
        owner_ids = (owner_id for *_, owner_id in rows)
        while batch := list(itertools.islice(owner_ids, CLAIM_BATCH)):
            yield batch


def claim_due_digests(*, now: datetime.datetime | None = None, owner_ids=None) -> list[Claim]:
    """Claim and build this week's digest for every user whose local slot has passed."""
    return [claim for batch in claim_batches(now=now, owner_ids=owner_ids) for claim in batch]


def claim_batches(*, now: datetime.datetime | None = None, owner_ids=None) -> Iterator[list[Claim]]:
    """Claim this week's digest for every user whose local slot has passed, and build it;
    yield each batch's claims as soon as its transaction has committed (so their sends can
    start while the next batch is built).

    Users who share a time zone, weekday and hour share their slot, so they are claimed
    together, in batches: their preference rows are locked (rows another scheduler holds are
    skipped), their ``next_digest_at`` moves to the next slot in one conditional UPDATE, their
    digests are built together (build_digests: a fixed number of queries per batch) and the
    week is recorded with its content in DigestLogs unique per user and week (a week that
    already has one is left alone). Two schedulers at once, or one running twice, claim each
    user's week once.
    """
    now = now or timezone.now()
    due = FollowupPreferences.objects.filter(digest_enabled=True, next_digest_at__lte=now)
    if owner_ids is not None:
        due = due.filter(any_of("owner_id", owner_ids))
    groups = due.order_by().values_list("time_zone", "digest_weekday", "digest_hour").distinct()
    for time_zone, weekday, hour in list(groups):
        zone = zoneinfo.ZoneInfo(time_zone)
        upcoming = next_slot(after=now, zone=zone, weekday=weekday, hour=hour)
        week = week_starting(upcoming - datetime.timedelta(days=7), zone)  # the slot that has just passed
        in_slot = due.filter(time_zone=time_zone, digest_weekday=weekday, digest_hour=hour)
        while True:
            locked_count, batch = _claim_batch(in_slot, zone, upcoming, week, now)
            if batch:
                yield batch
            if locked_count < CLAIM_BATCH:  # the slot is done (or the rest is another scheduler's)
                break


def _claim_batch(due, zone, upcoming, week, now) -> tuple[int, list[Claim]]:
    with transaction.atomic():
        plan_for_short_queries()
        locked = list(
            due.select_for_update(skip_locked=True).order_by("pk").values_list("pk", "owner_id")[:CLAIM_BATCH]
        )
        if not locked:
            return 0, []
        FollowupPreferences.objects.filter(any_of("pk", [pk for pk, _ in locked])).update(next_digest_at=upcoming)
        already_claimed = set(
            DigestLog.objects.filter(
                any_of("owner_id", [owner_id for _, owner_id in locked]), week_starting=week
            ).values_list("owner_id", flat=True)
        )
        unclaimed = [owner_id for _, owner_id in locked if owner_id not in already_claimed]
        verified = verified_user_ids(unclaimed)
        owners = [owner_id for owner_id in unclaimed if owner_id in verified]
        snapshots = _snapshots(owners, zone, now)
        skipped = [
            DigestLog(owner_id=owner_id, week_starting=week, claimed_at=now, state=DigestLog.State.SKIPPED,
                      error=ADDRESS_NOT_VERIFIED)
            for owner_id in unclaimed if owner_id not in verified
        ]  # fmt: skip
        DigestLog.objects.bulk_create(
            [
                DigestLog(owner_id=owner_id, week_starting=week, claimed_at=now, content=snapshots.get(owner_id))
                for owner_id in owners
            ]
            + skipped,
            ignore_conflicts=True,
        )
        # Ours are the logs of this week stamped with this claim's moment (older ones stay as they were).
        logs = DigestLog.objects.filter(
            any_of("owner_id", owners), week_starting=week, claimed_at=now, state=DigestLog.State.CLAIMED
        ).values_list("pk", "owner_id")
        return len(locked), [Claim(log_id=pk, owner_id=owner_id, week_starting=week) for pk, owner_id in logs]


def _snapshots(owner_ids, zone, now) -> dict[int, dict]:
    """The batch's digests, as snapshots. Should building them fail (a bug met by one user's
    data), the weeks are claimed without, and each send builds its own digest: one user's
    digest failing must not hold back everyone who shares the slot."""
    if not owner_ids:
        return {}
    try:
        with transaction.atomic():  # a savepoint: the claim goes on after a failed query
            contents = build_digests(owner_ids=owner_ids, zone=zone, now=now)
    except Exception:
        logger.exception("Building %d digests together failed; each will be built when it is sent", len(owner_ids))
        return {}
    return {owner_id: content.to_snapshot() for owner_id, content in contents.items()}


def users_due(*, now: datetime.datetime | None = None, owner_ids=None):
    """Who would be claimed now (for ``send_digests --dry-run``); claims nothing."""
    now = now or timezone.now()
    due = FollowupPreferences.objects.filter(digest_enabled=True, next_digest_at__lte=now).select_related("owner")
    if owner_ids is not None:
        due = due.filter(owner_id__in=owner_ids)
    return [preferences.owner for preferences in due]
