"""The bulk actions of the contacts list, and the hook other apps offer theirs through.

contacts knows nothing of the apps built on it (DESIGN.md), yet "add to this week's plan" belongs
on its list. So an app registers a ``BulkAction`` here from its ``AppConfig.ready`` (followups
does); the list offers every registered action, and the one bulk view resolves the selection
(owner-scoped, the same for every action) and hands it to the action. contacts imports nothing of
the app, and without it the action is simply not offered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.db.models import QuerySet

from . import services
from .models import Contact


def contacts_count(count: int) -> str:
    return f"{count:,} contact{'' if count == 1 else 's'}"


@dataclasses.dataclass(frozen=True)
class BulkAction:
    """``run(owner=…, contacts=…, options=…)`` acts on the selection (an owner-scoped queryset;
    ``options`` are the bulk form's cleaned fields) in a fixed number of statements and returns
    the sentence the user reads. ``needs`` names the form field it reads ("" for none);
    ``confirm`` asks first, on a page naming the count."""

    key: str
    label: str
    run: Callable[..., str]
    needs: str = ""
    confirm: bool = False


def _set_classification(*, owner, contacts: QuerySet[Contact], options: dict) -> str:
    classification = options["to_classification"]
    moved = services.reclassify(contacts=contacts, classification=classification)
    return f"Moved {contacts_count(moved)} to {classification or 'no classification'}."


def _add_tag(*, owner, contacts: QuerySet[Contact], options: dict) -> str:
    (tag,) = services.get_or_create_tags(owner=owner, names=[options["tag_name"]])
    added = services.add_tag(contacts=contacts, tag=tag)
    if not added:
        return f"They were all tagged “{tag}” already."
    return f"Tagged {contacts_count(added)} “{tag}”."


def _remove_tag(*, owner, contacts: QuerySet[Contact], options: dict) -> str:
    tag = options["tag"]
    removed = services.remove_tag(contacts=contacts, tag=tag)
    return f"Removed the tag “{tag}” from {contacts_count(removed)}."


def _set_frequency(*, owner, contacts: QuerySet[Contact], options: dict) -> str:
    every_days = options["every_days"]
    changed = services.set_frequency_override(contacts=contacts, every_days=every_days)
    if every_days is None:
        return f"{contacts_count(changed)} now follow their classification’s frequency."
    return f"{contacts_count(changed)} are now to be contacted every {every_days} days."


def _delete(*, owner, contacts: QuerySet[Contact], options: dict) -> str:
    return f"Deleted {contacts_count(services.delete_contacts(contacts=contacts))}."


BUILT_IN = (
    BulkAction("set_classification", "Set classification", _set_classification, needs="to_classification"),
    BulkAction("add_tag", "Add a tag", _add_tag, needs="tag_name"),
    BulkAction("remove_tag", "Remove a tag", _remove_tag, needs="tag_name"),
    BulkAction("set_frequency", "Set own frequency", _set_frequency, needs="every_days"),
)
DELETE = BulkAction("delete", "Delete…", _delete, confirm=True)

_registered: dict[str, BulkAction] = {}


def register(action: BulkAction) -> None:
    """Offer ``action`` on the contacts list (from an AppConfig.ready; registering again replaces)."""
    if action.key in {built_in.key for built_in in (*BUILT_IN, DELETE)}:
        raise ValueError(f"{action.key!r} is a built-in bulk action")
    _registered[action.key] = action


def available() -> list[BulkAction]:
    """Every action in the order the list offers them: the built-in edits, the registered, delete."""
    return [*BUILT_IN, *_registered.values(), DELETE]
