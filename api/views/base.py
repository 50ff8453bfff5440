from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from followups.selectors import Day
from followups.services import preferences_for

from ..models import ApiToken


class InOwnersZone:
    """Dates in the owner's time zone for every API request. The browser's session carries the
    zone (followups.middleware); a token request has no session, so it is read here."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if isinstance(request.auth, ApiToken):
            timezone.activate(preferences_for(request.user).zone)
            self.zone_activated = True

    def finalize_response(self, request, response, *args, **kwargs):
        # The body is serialized by now; the zone must not outlive the request in this thread.
        if getattr(self, "zone_activated", False):
            timezone.deactivate()
        return super().finalize_response(request, response, *args, **kwargs)

    def today(self) -> Day:
        return Day.of(timezone.now(), timezone.get_current_timezone())


def query(serializer_class: type[serializers.Serializer], request) -> dict:
    """A list's query parameters, checked: an unknown value is a 400 naming the parameter."""
    parsed = serializer_class(data=request.query_params)
    parsed.is_valid(raise_exception=True)
    return parsed.validated_data
