"""The calendar feed: its secret URL's page, and turning it on, renewing it or off on Settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from .. import services
from . import feed


@require_POST
def regenerate_calendar_feed(request):
    had_feed = bool(services.preferences_for(request.user).calendar_token)
    services.regenerate_calendar_token(user=request.user)
    if had_feed:
        messages.success(request, "New calendar feed URL created; the old one no longer works.")
    else:
        messages.success(request, "Calendar feed URL created. Add it to your calendar app as a subscription.")
    return redirect(reverse("followups:preferences") + "#calendar-feed")


@require_POST
def turn_off_calendar_feed(request):
    services.turn_off_calendar_feed(user=request.user)
    messages.info(request, "Calendar feed turned off; its URL no longer works.")
    return redirect(reverse("followups:preferences") + "#calendar-feed")


@login_not_required
@require_safe
def calendar_feed(request, token):
    """The iCalendar feed behind a secret URL (calendar apps cannot log in). An unknown or
    replaced token is a 404, whoever asks."""
    preferences = feed.preferences_for_token(token)
    if preferences is None:
        raise Http404("No calendar feed at this address.")
    body = feed.build_calendar(owner=preferences.owner, zone=preferences.zone).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="netcrm.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
