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

    def today(self) -> Day:
        return Day.of(timezone.now(), timezone.get_current_timezone())


def query(serializer_class: type[serializers.Serializer], request) -> dict:
    """A list's query parameters, checked: an unknown value is a 400 naming the parameter."""
    parsed = serializer_class(data=request.query_params)
    parsed.is_valid(raise_exception=True)
    return parsed.validated_data
