"""The digest's absolute links (``SITE_URL`` + path) and its signed unsubscribe token.

A batch builds and sends hundreds of digests with the same few URL names, so each name is
reversed once and then formatted."""

from __future__ import annotations

import functools

from django.conf import settings
from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "netcrm.digest.unsubscribe"
_PLACEHOLDER = 987654321


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@functools.cache
def path_of(name: str) -> str:
    """``reverse`` once per URL name without arguments."""
    return reverse(name)


@functools.cache
def _url_pattern(name: str) -> str:
    """``reverse`` once per URL name, then format: a digest has ~20 rows x 3 links, 10,000 times."""
    return reverse(name, args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")


def absolute_url_for(name: str, pk: int | str) -> str:
    return settings.SITE_URL + _url_pattern(name).format(pk)


def board_url(classification_id: int | None) -> str:
    """The follow-ups page filtered by a classification (by "none": the unclassified)."""
    wanted = classification_id if classification_id is not None else "none"
    return absolute(f"{path_of('followups:board')}?classification={wanted}")


def unsubscribe_token(owner_id: int) -> str:
    return signing.dumps(owner_id, salt=UNSUBSCRIBE_SALT)


def owner_id_from_unsubscribe_token(token: str) -> int:
    """The user id a token was made for; raises signing.BadSignature when it was tampered with."""
    return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))


def unsubscribe_url(owner_id: int) -> str:
    return absolute_url_for("followups:digest_unsubscribe", unsubscribe_token(owner_id))
