"""The admin's view of the digest log: what was sent, skipped or failed, and why."""

from django.contrib import admin

from contacts.admin import OwnedAdmin

from .models import DigestLog


@admin.register(DigestLog)
class DigestLogAdmin(OwnedAdmin):
    list_display = ("week_starting", "owner", "state", "attempts", "contacts_count", "sent_at", "error")
    list_filter = ("state", "week_starting")
    search_fields = ("owner__username", "owner__email", "error")
    ordering = ("-week_starting", "-pk")
    readonly_fields = (
        "owner", "week_starting", "state", "claimed_at", "attempt_started_at", "next_attempt_at", "sent_at",
        "attempts", "contacts_count", "error",
    )  # fmt: skip
    exclude = ("content",)

    def has_add_permission(self, request):
        return False  # logs are written by the scheduler, never by hand
