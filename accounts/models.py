"""Which email address of an account is verified, and which new one waits for its link."""

from django.conf import settings
from django.db import models


class EmailVerification(models.Model):
    """One per user (created on first need).

    ``User.email`` holds an address that was verified (or typed by an admin, or kept from before
    verification existed: see migration 0002). A new account's address, and a change of address,
    wait in ``pending_email`` until the link sent there is followed, so nobody takes an address
    by typing it, and signing up answers the same whether or not the address is registered.

    The address counts as verified while it equals ``verified_email`` (in any case): setting
    ``User.email`` any other way (the admin) leaves it unverified until it is verified again.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_verification")
    verified_email = models.EmailField(blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    pending_email = models.EmailField(blank=True)
    pending_since = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Email verification of {self.user}"

    @property
    def is_verified(self) -> bool:
        address = self.user.email
        return bool(address) and address.lower() == self.verified_email.lower()

    @property
    def address_to_verify(self) -> str:
        """The address a (re)sent link goes to: the pending one, else the unverified current one."""
        if self.pending_email:
            return self.pending_email
        return "" if self.is_verified else self.user.email
