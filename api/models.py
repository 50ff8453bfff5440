"""Personal access tokens: how scripts, phones and automation act as a user through the API.

Only a SHA-256 digest of each token is stored; the token itself is shown once, when it is made.
A token is 256 random bits, so an unsalted digest is as strong as the token (there is nothing to
guess a dictionary of), and it lets the token be found with one indexed lookup.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from contacts.ownership import OwnedQuerySet

# How often a token's "last used" moment is written: every request would be a write per call.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, help_text="What uses it, e.g. “phone” or “Zapier”.")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    # The first characters of the token, so its owner can tell tokens apart in the list.
    key_prefix = models.CharField(max_length=16, editable=False)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="apitoken_owner_created_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(scope__in=["read", "write"]), name="apitoken_scope_known"),
        ]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    def record_use(self, *, now: datetime.datetime | None = None) -> None:
        """Note that the token was used now; written at most once a minute per token (a
        conditional UPDATE, so concurrent requests write it once)."""
        now = now or timezone.now()
        stale = models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lt=now - LAST_USED_PRECISION)
        if ApiToken.objects.filter(stale, pk=self.pk).update(last_used_at=now):
            self.last_used_at = now
