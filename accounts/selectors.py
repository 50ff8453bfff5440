"""Reads about accounts and their addresses."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import F, Value
from django.db.models.functions import Lower

from netcrm.sql import any_of

from .models import EmailVerification


def address_taken(address: str, *, except_user=None) -> bool:
    """Whether another account uses ``address``, compared as the unique index compares (LOWER)."""
    users = get_user_model().objects.alias(address_lower=Lower("email")).filter(address_lower=Lower(Value(address)))
    if except_user is not None:
        users = users.exclude(pk=except_user.pk)
    return users.exists()


def verification_for(user) -> EmailVerification:
    verification, _ = EmailVerification.objects.get_or_create(user=user)
    verification.user = user
    return verification


def is_verified(user) -> bool:
    return verified_user_ids([user.pk]) == {user.pk}


def verified_user_ids(user_ids) -> set[int]:
    """Those of ``user_ids`` whose current address is verified; one query for any number."""
    return set(
        EmailVerification.objects.filter(any_of("user_id", user_ids))
        .exclude(user__email="")
        .alias(current=Lower("user__email"), verified=Lower("verified_email"))
        .filter(current=F("verified"))
        .values_list("user_id", flat=True)
    )
