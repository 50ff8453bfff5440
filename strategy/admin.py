"""Venues, events and purposes in the admin, scoped like the contacts admin (staff see their own)."""

from django.contrib import admin
from django.utils import timezone

from contacts.admin import NameUniquePerOwnerForm, OwnedAdmin

from . import services
from .models import Event, Purpose, Venue


@admin.register(Venue)
class VenueAdmin(OwnedAdmin):
    list_display = ("name", "kind", "target_market_present", "interaction_quality", "hours_spent", "spread_too_thin")
    list_filter = ("kind", "target_market_present", "spread_too_thin")
    search_fields = ("name", "notes")


@admin.register(Event)
class EventAdmin(OwnedAdmin):
    list_display = ("name", "held_on", "venue", "goal_people", "attended")
    list_filter = ("attended", ("venue", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "goal_note", "notes")
    date_hierarchy = "held_on"
    autocomplete_fields = ("venue",)

    def save_model(self, request, obj, form, change):
        if not obj.owner_id:
            obj.owner = request.user
        # The follow-up moment is derived from the date in the user's zone; the service sets it.
        services.save_event(event=obj, zone=timezone.get_current_timezone())


@admin.register(Purpose)
class PurposeAdmin(OwnedAdmin):
    form = NameUniquePerOwnerForm
    list_display = ("name", "is_main", "is_standard")
    list_filter = ("is_main", "is_standard")
    search_fields = ("name",)
    autocomplete_fields = ("contacts",)

    def save_model(self, request, obj, form, change):
        # The database allows one main objective per owner: ticking "main" here moves it, as the
        # plan page does, rather than failing on the constraint.
        make_main = obj.is_main
        obj.is_main = obj.is_main and Purpose.objects.filter(pk=obj.pk, is_main=True).exists()
        super().save_model(request, obj, form, change)
        if make_main:
            services.set_main_purpose(purpose=obj)
