"""The outreach dashboard (the home page) and its in-place actions."""

import datetime
import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from contacts.freshness import stamp_and_get
from contacts.models import Contact
from contacts.ownership import get_owned_or_404

from .. import services
from ..models import WeekPlanEntry
from . import selectors as dashboard
from .cards import dashboard_cards
from .forms import WeekPlanForm


def _today():
    zone = timezone.get_current_timezone()
    return dashboard.Day.of(timezone.now(), zone), zone


def _counts_context(request, day):
    return {"counts": dashboard.counts(owner=request.user, day=day)}


def home(request):
    """Whom to reach out to today and what to say; whether the network is kept warm.

    The body is cached per session and CSRF secret (its forms carry the token: a cookie cleaner
    that replaces the csrftoken cookie must not be served forms that 403) and per local day (the
    lists and counts are "as of today"), stored with the version of the user's data it was
    rendered from (contacts.freshness: any write moves it) and served only while that is still
    the version. One cache round trip reads both, so a repeat visit costs that, not the body's
    statement; a write replaces the session's one entry rather than adding one.
    With the cache down every lookup is a miss (settings: django-redis ignores its errors), so
    the page is simply rendered afresh.
    """
    day, zone = _today()
    session = f"{request.session.session_key}:{_csrf_fingerprint(request)}"
    key = f"dashboard:v2:{request.user.pk}:{session}:{day.today}:{zone}"
    data_stamp, cached = stamp_and_get(request.user.pk, key)
    body = cached[1] if data_stamp and isinstance(cached, tuple) and cached[0] == data_stamp else None
    if body is None:
        body = render_to_string("followups/dashboard/body.html", _dashboard_context(request, day, zone), request)
        if data_stamp:
            cache.set(key, (data_stamp, body), DASHBOARD_CACHE_SECONDS)
    return render(request, "followups/dashboard.html", {"body": mark_safe(body)})


DASHBOARD_CACHE_SECONDS = 60 * 60 * 24


def _csrf_fingerprint(request) -> str:
    """A short digest of the request's CSRF secret (the cookie's value), created if missing."""
    get_token(request)  # the secret is read or made here, exactly as the template would
    return hashlib.sha256(request.META.get("CSRF_COOKIE", "").encode()).hexdigest()[:16]


def _dashboard_context(request, day, zone) -> dict:
    cards = dashboard_cards(owner=request.user, day=day, zone=zone)
    if not cards.preferences_found:  # a first visit: save the defaults shown, which schedules the digest
        services.preferences_for(request.user)
    plan, activity = cards.plan, cards.activity
    context = {
        "day": day,
        "today": cards.today,
        "week_plan": cards.week_plan,
        "plan": plan,
        "plan_done": sum(1 for item in plan.items if item.is_done),
        "classifications": [c for c in plan.classifications if c.share_within_cadence is not None],
        "activity": activity,
        "given_total": sum(week.given for week in activity),
        "received_total": sum(week.received for week in activity),
        "upcoming_events": cards.upcoming_events,
        "events_to_follow_up": cards.events_to_follow_up,
        "coming_up": cards.coming_up,
        "date_reminder_days": cards.date_reminder_days,
        "counts": cards.counts,
        "has_contacts": cards.counts.has_contacts,
    }
    context["contribution_max"] = max(1, context["given_total"], context["received_total"])
    # The charts' numbers, also served as JSON for anyone who wants to chart them differently.
    context["activity_data"] = [
        {"week": str(w.week_starting), "interactions": w.interactions, "given": w.given, "received": w.received}
        for w in activity
    ]
    return context


def row_result(request, text, day=None):
    """htmx: the row becomes a confirmation and the counts refresh out of band."""
    day = day or _today()[0]
    if request.htmx:
        context = {"text": text, "oob_counts": True, **_counts_context(request, day)}
        return render(request, "followups/dashboard/row_result.html", context)
    messages.success(request, text)
    return redirect("home")


@require_POST
def skip(request, contact_pk):
    contact = get_owned_or_404(Contact, request.user, pk=contact_pk)
    day, _ = _today()
    services.skip_today(contact=contact, day=day.today)
    return row_result(request, f"Skipped {contact} for today.", day)


@require_POST
def snooze(request, contact_pk):
    contact = get_owned_or_404(Contact, request.user, pk=contact_pk)
    day, _ = _today()
    days = 1 if request.POST.get("days") == "1" else 7
    try:
        services.snooze_contact(contact=contact, until=timezone.now() + datetime.timedelta(days=days))
    except ValidationError as error:
        if request.htmx:
            return render(request, "followups/includes/row_error.html", {"text": " ".join(error.messages)}, status=422)
        messages.error(request, " ".join(error.messages))
        return redirect("home")
    return row_result(request, f"Snoozed {contact} for {'a day' if days == 1 else 'a week'}.", day)


def plan_week(request):
    """Pick this week's contacts from the due, the overdue and a few suggestions."""
    day, zone = _today()
    form = WeekPlanForm(request.POST if request.method == "POST" else None, owner=request.user, day=day)
    if request.method == "POST" and form.is_valid():
        services.set_week_plan(
            owner=request.user, contacts=form.cleaned_data["contacts"], week_starting=day.week_starting
        )
        messages.success(request, f"This week's plan has {len(form.cleaned_data['contacts'])} people.")
        return redirect("home")
    return render(request, "followups/plan_week.html", {"form": form, "day": day})


@require_POST
def add_to_week(request, contact_pk):
    contact = get_owned_or_404(Contact, request.user, pk=contact_pk)
    day, _ = _today()
    services.add_to_week_plan(owner=request.user, contacts=[contact], week_starting=day.week_starting)
    return row_result(request, f"Added {contact} to this week's plan.", day)


@require_POST
def remove_from_week(request, pk):
    entry = get_owned_or_404(WeekPlanEntry.objects.select_related("contact"), request.user, pk=pk)
    services.remove_from_week_plan(owner=request.user, contact=entry.contact, week_starting=entry.week_starting)
    messages.info(request, f"Removed {entry.contact} from this week's plan.")
    return redirect("home")
