"""Follow-up pages. Thin: owner-scoped lookups, one service call, htmx partial or redirect."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from contacts.forms import InteractionForm
from contacts.models import Contact, Interaction
from contacts.ownership import get_owned_or_404

from . import selectors, services
from .forms import CommitmentForm, SnoozeForm, TimeZoneForm
from .middleware import SESSION_KEY
from .models import Commitment, Reminder


def home(request):
    contacts = Contact.objects.for_user(request.user)
    recent = Interaction.objects.for_user(request.user).select_related("contact")[:8]
    return render(
        request,
        "followups/home.html",
        {"contact_count": contacts.count(), "recent_interactions": recent},
    )


def board(request):
    board = selectors.followup_board(owner=request.user, zone=timezone.get_current_timezone())
    return render(request, "followups/board.html", {"board": board})


def _back_to_board(request):
    target = request.POST.get("next") or request.GET.get("next")
    if target and target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("followups:board")


def _reminder_done_response(request, reminder, text):
    """htmx: replace the row with a short confirmation; plain form: back with a message."""
    if request.htmx:
        return render(request, "followups/includes/row_done.html", {"reminder": reminder, "text": text})
    messages.success(request, text)
    return _back_to_board(request)


@require_POST
def snooze_reminder(request, pk):
    reminder = get_owned_or_404(Reminder.objects.select_related("contact"), request.user, pk=pk)
    form = SnoozeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("__all__") or [e for errs in form.errors.values() for e in errs])
        if form.cleaned_data.get("until"):
            zone = timezone.get_current_timezone()
            services.snooze_until_date(reminder=reminder, day=form.cleaned_data["until"], zone=zone)
        else:
            days = form.cleaned_data["days"]
            services.snooze(reminder=reminder, until=timezone.now() + datetime.timedelta(days=days))
    except ValidationError as error:
        text = " ".join(error.messages)
        if request.htmx:
            return render(request, "followups/includes/row_error.html", {"text": text}, status=422)
        messages.error(request, text)
        return _back_to_board(request)
    until = timezone.localtime(reminder.snoozed_until)
    return _reminder_done_response(request, reminder, f"Snoozed {reminder.contact} until {until:%a %d %b, %H:%M}.")


@require_POST
def dismiss_reminder(request, pk):
    reminder = get_owned_or_404(Reminder.objects.select_related("contact"), request.user, pk=pk)
    services.dismiss(reminder=reminder)
    return _reminder_done_response(request, reminder, f"Dismissed the reminder for {reminder.contact}.")


def log_interaction(request, contact_pk):
    """The log-interaction form, prefilled when opened from a reminder; logging resolves it."""
    contact = get_owned_or_404(Contact.objects.select_related("classification"), request.user, pk=contact_pk)
    initial = {}
    if contact.classification and contact.classification.preferred_channel:
        initial["kind"] = contact.classification.preferred_channel
    form = InteractionForm(request.POST or None, owner=request.user, contact=contact, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.log_interaction(contact=contact, **fields)
        text = f"Logged: {fields['summary']} — {contact}."
        if request.htmx:
            return render(request, "followups/includes/row_done.html", {"text": text})
        messages.success(request, text)
        return _back_to_board(request) if request.POST.get("next") else redirect(contact)
    template = "followups/includes/log_form.html" if request.htmx else "followups/log_interaction.html"
    status = 422 if request.method == "POST" else 200
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    return render(request, template, {"form": form, "contact": contact, "next": next_url}, status=status)


@require_POST
def add_commitment(request, contact_pk):
    contact = get_owned_or_404(Contact, request.user, pk=contact_pk)
    form = CommitmentForm(request.POST)
    if form.is_valid():
        services.record_commitment(contact=contact, zone=timezone.get_current_timezone(), **form.cleaned_data)
        messages.success(request, f"Promise recorded: {form.cleaned_data['description']}.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(contact)


@require_POST
def keep_commitment(request, pk):
    commitment = get_owned_or_404(Commitment.objects.select_related("contact"), request.user, pk=pk)
    services.keep_commitment(commitment=commitment)
    messages.success(request, f"Promise kept: {commitment.description}.")
    return _back_to_board(request)


@require_POST
def drop_commitment(request, pk):
    commitment = get_owned_or_404(Commitment.objects.select_related("contact"), request.user, pk=pk)
    services.drop_commitment(commitment=commitment)
    messages.info(request, f"Promise dropped: {commitment.description}.")
    return _back_to_board(request)


def preferences(request):
    current = services.preferences_for(request.user)
    form = TimeZoneForm(request.POST or None, initial={"time_zone": current.time_zone})
    if request.method == "POST" and form.is_valid():
        services.set_time_zone(user=request.user, time_zone=form.cleaned_data["time_zone"])
        request.session[SESSION_KEY] = form.cleaned_data["time_zone"]
        messages.success(request, "Preferences saved.")
        return redirect(reverse("followups:preferences"))
    return render(request, "followups/preferences.html", {"form": form})
