"""Owner scoping: every row belongs to one user, and every view reads through these."""

from django.db import models
from django.http import Http404


class OwnedQuerySet(models.QuerySet):
    def for_user(self, user):
        """Rows owned by ``user``; nothing at all for an anonymous user."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)


def get_owned_or_404(queryset_or_model, user, **lookup):
    """The row matching ``lookup`` owned by ``user``, else 404 (never 403, never data)."""
    manager = getattr(queryset_or_model, "objects", queryset_or_model)
    try:
        return manager.for_user(user).get(**lookup)
    except (manager.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {manager.model._meta.verbose_name} matches the given query.")


# A bigint has at most 19 digits; anything longer is no id of ours.
MAX_ID_DIGITS = 18


def id_from_query(text: str) -> int | None:
    """An object id from a query string (``?tag=12``), else None. ASCII digits only: "²" or "١"
    pass ``str.isdigit`` yet ``int()`` refuses the first, so a filter would answer a 500."""
    if text and len(text) <= MAX_ID_DIGITS and text.isascii() and text.isdecimal():
        return int(text)
    return None


def group_by_owner(rows, owner_id=lambda row: row.owner_id) -> dict[int, list]:
    """Rows read for many users at once (one query for everyone who shares a digest slot),
    as lists per owner id, in the order they came."""
    grouped = {}
    for row in rows:
        grouped.setdefault(owner_id(row), []).append(row)
    return grouped
