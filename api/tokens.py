"""Making, finding and revoking personal access tokens (the services behind Settings and the
API's authentication)."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError

from .models import ApiToken

# Marks the string as a netcrm token, so people (and secret scanners) recognise one pasted where it
# should not be.
TOKEN_PREFIX = "ncrm_"
SHOWN_PREFIX_CHARACTERS = 6
MAX_TOKENS_PER_USER = 25


def digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def create_token(*, owner, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token for ``owner``, and the token itself: the only time it exists outside the
    request that uses it (only its digest is stored). At most MAX_TOKENS_PER_USER per user."""
    if ApiToken.objects.for_user(owner).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            f"You have {MAX_TOKENS_PER_USER} tokens, the most one account may have; revoke one you no longer use."
        )
    raw_token = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 random bits
    token = ApiToken.objects.create(
        owner=owner,
        name=name,
        scope=scope,
        key_prefix=raw_token[: len(TOKEN_PREFIX) + SHOWN_PREFIX_CHARACTERS],
        key_digest=digest(raw_token),
    )
    return token, raw_token


def token_for(raw_token: str) -> ApiToken | None:
    """The token a request presented, with its owner; None for an unknown or revoked one."""
    if not raw_token.startswith(TOKEN_PREFIX):
        return None
    return ApiToken.objects.select_related("owner").filter(key_digest=digest(raw_token)).first()


def revoke_token(*, token: ApiToken) -> None:
    """Delete the token: the next request presenting it is refused."""
    token.delete()
