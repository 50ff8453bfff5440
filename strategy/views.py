"""Plan, purposes, venues, events and ledger pages. Thin: scope to the owner, bind, call a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from contacts.models import Contact
from contacts.ownership import get_owned_or_404, id_from_query
from contacts.views import render_contact_list

from . import selectors, services
from .forms import (
    AddPurposesForm,
    ContactPurposesForm,
    EventForm,
    ExistingPeopleForm,
    MetAtForm,
    NewPeopleFormSet,
    PlanForm,
    VenueForm,
)
from .models import Event, Purpose, Venue

EVENTS_PER_PAGE = 25
LEDGER_CONTACTS = 50


def _posted(request):
    """The POST data to bind, even when empty (an empty POST must show errors, not a fresh form)."""
    return request.POST if request.method == "POST" else None


# --- the plan ---------------------------------------------------------------------------------


def _plan_context(request):
    state = selectors.plan_state(owner=request.user)
    ledger_kinds = selectors.ledger_by_kind(owner=request.user)
    return {
        "state": state,
        "ledger": selectors.totals_of_kinds(ledger_kinds),
        "given_kinds": [row for row in ledger_kinds if row["given"]],
        "venue_ranking": selectors.venue_ranking(owner=request.user),
    }


def plan(request):
    return render(request, "strategy/plan.html", _plan_context(request))


def plan_edit(request):
    instance = services.plan_for(owner=request.user)
    form = PlanForm(_posted(request), instance=instance, owner=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_plan(plan=form.save(commit=False))
        messages.success(request, "Plan saved.")
        return redirect("strategy:plan")
    return render(request, "strategy/plan_form.html", {"form": form})


def plan_export(request):
    """The plan as Markdown, downloaded as a file."""
    text = render_to_string("strategy/plan.md", {**_plan_context(request), "user": request.user}, request=request)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="networking-plan.md"'
    return response


# --- purposes ---------------------------------------------------------------------------------


def purposes(request):
    form = AddPurposesForm(_posted(request), owner=request.user)
    if request.method == "POST" and form.is_valid():
        added = services.add_purposes(owner=request.user, names=form.names)
        messages.success(request, "Added: " + ", ".join(p.name for p in added) + ".")
        return redirect("strategy:purposes")
    return render(
        request,
        "strategy/purposes.html",
        {"form": form, "purposes": selectors.purposes_with_counts(owner=request.user)},
    )


@require_POST
def purpose_main(request, pk):
    purpose = get_owned_or_404(Purpose, request.user, pk=pk)
    services.set_main_purpose(purpose=purpose)
    messages.success(request, f"“{purpose}” is now your main objective.")
    return redirect("strategy:purposes")


def purpose_delete(request, pk):
    purpose = get_owned_or_404(Purpose, request.user, pk=pk)
    if request.method == "POST":
        services.delete_purpose(purpose=purpose)
        messages.success(request, f"Removed the purpose “{purpose}”; its contacts stay in your network.")
        return redirect("strategy:purposes")
    return render(
        request, "strategy/purpose_confirm_delete.html", {"purpose": purpose, "contact_count": purpose.contacts.count()}
    )


def purpose_contacts(request, pk):
    """The contact list, narrowed to one purpose (with the list's usual search, filters and sort)."""
    purpose = get_owned_or_404(Purpose, request.user, pk=pk)
    return render_contact_list(
        request,
        narrow=lambda contacts: selectors.filter_by_purpose(contacts, purpose=purpose),
        can_select_all=False,
        extra_context={"purpose": purpose},
    )


@require_POST
def contact_purposes(request, contact_pk):
    contact = get_owned_or_404(Contact, request.user, pk=contact_pk)
    form = ContactPurposesForm(request.POST, owner=request.user)
    if form.is_valid():
        services.set_contact_purposes(contact=contact, purposes=form.cleaned_data["purposes"])
        messages.success(request, f"Saved the purposes {contact} serves.")
    else:
        messages.error(request, "Pick purposes from your own list.")
    return redirect(contact)


@require_POST
def contact_met_at(request, contact_pk):
    contact = get_owned_or_404(Contact, request.user, pk=contact_pk)
    form = MetAtForm(request.POST, owner=request.user)
    if form.is_valid():
        met_at = services.set_met_at(contact=contact, **form.cleaned_data["place"])
        messages.success(request, f"You met {contact} at {met_at.place}." if met_at else f"Saved for {contact}.")
    else:
        messages.error(request, " ".join(form.errors["place"]))
    return redirect(contact)


# --- venues -----------------------------------------------------------------------------------


def venue_list(request):
    return render(request, "strategy/venue_list.html", {"ranking": selectors.venue_ranking(owner=request.user)})


def venue_detail(request, pk):
    venue_return = selectors.venue_for_page(owner=request.user, pk=pk)
    events = selectors.events_for_list(owner=request.user).filter(venue=venue_return.venue)[:50]
    return render(request, "strategy/venue_detail.html", {"result": venue_return, "events": events})


def venue_create(request):
    form = VenueForm(_posted(request), owner=request.user)
    if request.method == "POST" and form.is_valid():
        venue = services.save_venue(venue=form.save(commit=False))
        messages.success(request, f"Added the venue {venue}.")
        return redirect(venue)
    return render(request, "strategy/venue_form.html", {"form": form})


def venue_edit(request, pk):
    venue = get_owned_or_404(Venue, request.user, pk=pk)
    form = VenueForm(_posted(request), instance=venue, owner=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_venue(venue=form.save(commit=False))
        messages.success(request, f"Saved {venue}.")
        return redirect(venue)
    return render(request, "strategy/venue_form.html", {"form": form, "venue": venue})


def venue_delete(request, pk):
    venue = get_owned_or_404(Venue, request.user, pk=pk)
    if request.method == "POST":
        venue.delete()
        messages.success(request, f"Deleted the venue {venue}; its events stay, without a venue.")
        return redirect("strategy:venue_list")
    return render(request, "strategy/venue_confirm_delete.html", {"venue": venue})


# --- events -----------------------------------------------------------------------------------


def event_list(request):
    page = Paginator(selectors.events_for_list(owner=request.user), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "strategy/event_list.html", {"page": page, "query_without_page": ""})


def _event_page(request, event, people_formset=None, status=200):
    search = request.GET.get("find", "")[:100]
    return render(
        request,
        "strategy/event_detail.html",
        {
            "event": event,
            "people": selectors.people_met_at(event=event),
            "people_formset": people_formset or NewPeopleFormSet(form_kwargs={"owner": request.user}, prefix="people"),
            "search": search,
            "matches": selectors.contacts_not_met_at(event=event, search=search),
            "is_past": event.held_on <= timezone.localdate(),
        },
        status=status,
    )


def event_detail(request, pk):
    return _event_page(request, selectors.event_for_page(owner=request.user, pk=pk))


def event_create(request):
    initial = {"held_on": timezone.localdate()}
    venue_pk = id_from_query(request.GET.get("venue", ""))
    if venue_pk is not None:
        initial["venue"] = Venue.objects.for_user(request.user).filter(pk=venue_pk).first()
    form = EventForm(_posted(request), owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        event = services.save_event(event=form.save(commit=False), zone=timezone.get_current_timezone())
        messages.success(request, f"Added the event {event.name}. Go with your goal; add who you met afterwards.")
        return redirect(event)
    return render(request, "strategy/event_form.html", {"form": form})


def event_edit(request, pk):
    event = get_owned_or_404(Event, request.user, pk=pk)
    form = EventForm(_posted(request), instance=event, owner=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_event(event=form.save(commit=False), zone=timezone.get_current_timezone())
        messages.success(request, f"Saved {event.name}.")
        return redirect(event)
    return render(request, "strategy/event_form.html", {"form": form, "event": event})


def event_delete(request, pk):
    event = get_owned_or_404(Event, request.user, pk=pk)
    if request.method == "POST":
        event.delete()
        messages.success(request, f"Deleted the event {event.name}; the people you met stay in your network.")
        return redirect("strategy:event_list")
    return render(request, "strategy/event_confirm_delete.html", {"event": event})


@require_POST
def event_add_people(request, pk):
    """The business-card moment: several new contacts (and known ones) recorded as met at once."""
    event = selectors.event_for_page(owner=request.user, pk=pk)
    formset = NewPeopleFormSet(request.POST, form_kwargs={"owner": request.user}, prefix="people")
    existing = ExistingPeopleForm(request.POST, owner=request.user)
    if not (formset.is_valid() and existing.is_valid()):
        for error in existing.errors.get("existing", []):
            messages.error(request, error)
        return _event_page(request, event, people_formset=formset, status=422)
    new_people = [form.as_new_person() for form in formset if form.has_changed() and form.cleaned_data]
    if not new_people and not existing.cleaned_data["existing"]:
        messages.error(request, "Fill in at least one person you met.")
        return _event_page(request, event, people_formset=formset, status=422)
    try:
        added = services.add_people_met(event=event, new_people=new_people, existing=existing.cleaned_data["existing"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _event_page(request, event, people_formset=formset, status=422)
    messages.success(request, f"Recorded {len(added)} person(s) met: " + ", ".join(str(c) for c in added) + ".")
    return redirect(event)


@require_POST
def event_remove_person(request, pk, contact_pk):
    event = get_owned_or_404(Event, request.user, pk=pk)
    contact = get_owned_or_404(Contact, request.user, pk=contact_pk)
    services.remove_person_met(event=event, contact=contact)
    messages.info(request, f"{contact} is no longer recorded as met at {event.name}; they stay in your network.")
    return redirect(event)


# --- givers gain ------------------------------------------------------------------------------


def ledger(request):
    zone = timezone.get_current_timezone()
    return render(
        request,
        "strategy/ledger.html",
        {
            "totals": selectors.ledger_totals(owner=request.user),
            "months": selectors.ledger_by_month(owner=request.user, zone=zone),
            "kinds": selectors.ledger_by_kind(owner=request.user),
            "contacts": selectors.ledger_by_contact(owner=request.user)[:LEDGER_CONTACTS],
            "introductions": selectors.introduction_counts(owner=request.user),
        },
    )
