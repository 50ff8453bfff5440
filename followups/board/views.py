"""The follow-ups page and its row actions. Thin: owner-scoped lookups, one service call, htmx
partial or redirect."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST, require_safe

from contacts.forms import InteractionForm
from contacts.models import Contact
from contacts.ownership import get_owned_or_404
from netcrm.redirects import safe_next_url

from .. import services
from ..dashboard import views as dashboard_views
from ..models import Commitment, Reminder
from . import selectors as board_reads
from .forms import CommitmentForm, SnoozeForm


@require_safe
def board(request):
    """The follow-ups page; with htmx and ``?section=``, only that section's next rows ("show more")."""
    zone = timezone.get_current_timezone()
    classifications = board_reads.board_classifications(owner=request.user)
    query = board_reads.BoardQuery.from_params(request.GET, classifications=classifications)
    if request.htmx and query.section:
        section = board_reads.board_section(owner=request.user, zone=zone, query=query)
        response = render(request, "followups/includes/section_more.html", {"section": section})
    else:
        board = board_reads.followup_board(owner=request.user, zone=zone, query=query, classifications=classifications)
        response = render(request, "followups/board.html", {"board": board})
    patch_vary_headers(response, ["HX-Request"])  # one URL, two bodies: caches must tell them apart
    return response


def _back_to_board(request):
    return redirect(safe_next_url(request) or reverse("followups:board"))


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
        # The row's buttons share one form: "1 day" and "1 week" send their days, "Until date"
        # none, so a date typed before clicking "1 day" does not win over the button clicked
        # (SnoozeForm then ignores the date).
        if days := form.cleaned_data.get("days"):
            services.snooze(reminder=reminder, until=timezone.now() + datetime.timedelta(days=days))
        else:
            zone = timezone.get_current_timezone()
            services.snooze_until_date(reminder=reminder, day=form.cleaned_data["until"], zone=zone)
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
        if request.htmx and request.POST.get("from") == "dashboard":
            return dashboard_views.row_result(request, text)
        if request.htmx:
            return render(request, "followups/includes/row_done.html", {"text": text})
        messages.success(request, text)
        return _back_to_board(request) if request.POST.get("next") else redirect(contact)
    template = "followups/includes/log_form.html" if request.htmx else "followups/log_interaction.html"
    status = 422 if request.method == "POST" else 200
    next_url = safe_next_url(request)  # only a safe one goes back into the form
    came_from = request.GET.get("from") or request.POST.get("from") or ""
    context = {"form": form, "contact": contact, "next": next_url, "from": came_from}
    return render(request, template, context, status=status)


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


def snooze_week(request, pk):
    """The digest's one-click "snooze a week": a GET shows a button, the POST snoozes."""
    reminder = get_owned_or_404(Reminder.objects.select_related("contact"), request.user, pk=pk)
    if request.method == "POST":
        if reminder.is_open:
            services.snooze(reminder=reminder, until=timezone.now() + datetime.timedelta(days=7))
            messages.success(request, f"Snoozed {reminder.contact} for a week.")
        else:
            messages.info(request, "This reminder was already handled.")
        return redirect("followups:board")
    return render(request, "followups/snooze_week.html", {"reminder": reminder})
