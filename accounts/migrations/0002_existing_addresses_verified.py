"""Accounts made before addresses were verified keep getting their digest: their address counts
as verified. They have received digests there all along, typed it themselves or had an admin
type it, and nothing new is known about it now; stopping their digests at a deploy would end a
service they rely on without a word (and a misused address can always unsubscribe through the
digest's own one-click link).

The next migration makes email addresses unique in any case, so duplicates are settled here
first: an address shared by several accounts stays with the one that logged in last (else the
oldest); the others keep it as an address waiting for verification, which cannot succeed while
the address is taken, so Settings asks them for another. Nothing is deleted.
"""

import logging

from django.db import migrations
from django.utils import timezone

logger = logging.getLogger("netcrm.accounts")


def _keeper_first(user):
    # The most recent login first (never logged in: last), then the oldest account.
    return (user.last_login is None, -(user.last_login.timestamp() if user.last_login else 0), user.pk)


def mark_existing_addresses_verified(apps, schema_editor):
    User = apps.get_model("auth", "User")
    EmailVerification = apps.get_model("accounts", "EmailVerification")
    now = timezone.now()
    by_address = {}
    for user in User.objects.exclude(email="").only("pk", "email", "last_login", "username"):
        by_address.setdefault(user.email.lower(), []).append(user)
    rows = []
    for users in by_address.values():
        keeper, *others = sorted(users, key=_keeper_first)
        rows.append(EmailVerification(user_id=keeper.pk, verified_email=keeper.email, verified_at=now))
        for other in others:
            logger.warning(
                "Account %r shared the address of %r; its address now waits for verification", other.username,
                keeper.username,
            )  # fmt: skip
            rows.append(EmailVerification(user_id=other.pk, pending_email=other.email, pending_since=now))
            User.objects.filter(pk=other.pk).update(email="")
    EmailVerification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def restore_addresses(apps, schema_editor):
    """Backwards: give the accounts settled above their address back; drop the records."""
    User = apps.get_model("auth", "User")
    EmailVerification = apps.get_model("accounts", "EmailVerification")
    for verification in EmailVerification.objects.exclude(pending_email="").filter(user__email=""):
        User.objects.filter(pk=verification.user_id).update(email=verification.pending_email)
    EmailVerification.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_email_verification"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(mark_existing_addresses_verified, restore_addresses)]
