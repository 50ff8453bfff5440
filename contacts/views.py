"""Contact, interaction and classification pages. Thin: scope to the owner, bind, call a service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from netcrm.redirects import safe_next_url

from . import bulk_actions, selectors, services
from .forms import (
    BulkActionForm,
    ClassificationForm,
    ContactForm,
    ContactListFilterForm,
    DeleteClassificationForm,
    InteractionForm,
    IntroducedByForm,
    blank_interaction_form_html,
)
from .models import Classification, Contact, Interaction
from .occasion_forms import occasion_formset, save_contact_and_occasions
from .ownership import get_owned_or_404
from .pickers import picker_context

CONTACTS_PER_PAGE = 25
BULK_CONFIRM_NAMES = 10  # the delete confirmation names the first few, then counts the rest


def render_contact_list(request, *, narrow=None, can_select_all: bool = True, extra_context=None):
    """The contact list: search, filters and sort from the URL, a page of rows, the bulk bar.

    ``narrow`` (queryset -> queryset) lets a page of another app show the list narrowed by what
    only that app knows (strategy: the contacts serving a purpose); "select all N matching" is
    then not offered, since the bulk view could not repeat that narrowing."""
    filter_form = ContactListFilterForm(request.GET)
    filters = filter_form.filters()
    bounds = selectors.StatusBounds.of()
    contacts = selectors.contacts_for_list_page(owner=request.user, bounds=bounds, **filters)
    if narrow is not None:
        contacts = narrow(contacts)
    status_counts = selectors.status_counts(owner=request.user, bounds=bounds)
    if filters["search"]:
        page = selectors.search_results_page(contacts, request.GET.get("page"), per_page=CONTACTS_PER_PAGE)
    else:
        paginator = Paginator(contacts, CONTACTS_PER_PAGE)
        if narrow is None and not filter_form.narrows():
            paginator.count = status_counts["all"]  # every contact is listed: counted already
        page = paginator.get_page(request.GET.get("page"))
    page = selectors.list_rows(page)
    query = filter_form.query_string()
    classifications, tags = selectors.list_filter_choices(owner=request.user)
    context = {
        "page": page,
        "filter_form": filter_form,
        "filters": filter_form.values,
        "filtering": filter_form.narrows(),
        "sort": selectors.effective_sort(sort=filters["sort"], search=filters["search"]),
        "sorts": selectors.Sort.choices,
        "statuses": [(value, label, status_counts[value]) for value, label in selectors.Status.choices],
        "bounds": bounds,
        "query_without_page": query,
        "classifications": classifications,
        "tags": tags,
        "bulk_actions": bulk_actions.available(),
        "can_select_all": can_select_all,
        "this_page": request.get_full_path(),
        **(extra_context or {}),
    }
    return render(request, "contacts/contact_list.html", context)


def contact_list(request):
    return render_contact_list(request)


@require_POST
def contact_bulk(request):
    """One bulk action on the ticked contacts or on all that match the list's filters; a plain
    form POST (the list's JavaScript only helps tick). Delete asks first, naming the count."""
    form = BulkActionForm(request.POST, owner=request.user)
    back = safe_next_url(request, default=reverse("contacts:list"))
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect(back)
    action, selection = form.chosen_action, form.selection()
    if action.confirm:
        count = selection.count()
        expected = form.cleaned_data["expected_count"]
        if not form.cleaned_data["confirmed"] or expected != count:
            names = list(selection.order_by(*selectors.ordering(selectors.Sort.NAME))[:BULK_CONFIRM_NAMES])
            context = {
                "form": form,
                "action": action,
                "count": count,
                "changed": form.cleaned_data["confirmed"] and expected != count,
                "names": names,
                "more": count - len(names),
                "filters": ContactListFilterForm(request.POST).values,
                "back": back,
            }
            return render(request, "contacts/contact_bulk_confirm.html", context)
    messages.success(request, action.run(owner=request.user, contacts=selection, options=form.cleaned_data))
    return redirect(back)


def contact_detail(request, pk):
    contact = selectors.contact_for_page(owner=request.user, pk=pk, with_timeline=True)
    interactions = selectors.timeline(contact=contact)
    introduced, introduced_count = selectors.introduced_by_contact(contact=contact)
    return render(
        request,
        "contacts/contact_detail.html",
        {
            "contact": contact,
            "latest": interactions[0] if interactions else None,
            "interactions": interactions,
            "day": selectors.StatusBounds.of(),
            "interaction_form": blank_interaction_form_html(owner=request.user),
            # The form posts to followups:log_interaction, which also settles reminders.
            "introduced": introduced,
            "introduced_count": introduced_count,
            "introduced_more": introduced_count - len(introduced),
        },
    )


def contact_introduced_by(request, pk):
    """Pick who introduced you to this contact: search, tick one of the matches, save."""
    contact = get_owned_or_404(Contact.objects.select_related("introduced_by"), request.user, pk=pk)
    form = IntroducedByForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        introducer = form.cleaned_data["introduced_by"]
        try:
            services.set_introduced_by(contact=contact, introducer=introducer)
        except ValidationError as error:
            form.add_error(None, error.message_dict["introduced_by"])
        else:
            text = f"{introducer} introduced you to {contact}." if introducer else f"No introducer for {contact}."
            messages.success(request, text)
            return redirect(contact)
    context = picker_context(request, contact=contact, form=form)
    return render(request, "contacts/introduced_by.html", context, status=422 if form.errors else 200)


def contact_create(request):
    form = ContactForm(request.POST or None, owner=request.user)
    occasions = occasion_formset(request)
    if request.method == "POST" and form.is_valid() & occasions.is_valid():  # both: every error at once
        contact = save_contact_and_occasions(form, occasions)
        messages.success(request, f"Added {contact}.")
        return redirect(contact)
    return render(request, "contacts/contact_form.html", {"form": form, "occasions": occasions})


def contact_edit(request, pk):
    contact = get_owned_or_404(Contact, request.user, pk=pk)
    form = ContactForm(request.POST or None, instance=contact, owner=request.user)
    occasions = occasion_formset(request, contact)
    if request.method == "POST" and form.is_valid() & occasions.is_valid():  # both: every error at once
        save_contact_and_occasions(form, occasions)
        messages.success(request, f"Saved {contact}.")
        return redirect(contact)
    context = {"form": form, "occasions": occasions, "contact": contact}
    return render(request, "contacts/contact_form.html", context)


def contact_delete(request, pk):
    contact = get_owned_or_404(Contact, request.user, pk=pk)
    if request.method == "POST":
        contact.delete()
        messages.success(request, f"Deleted {contact}.")
        return redirect("contacts:list")
    return render(request, "contacts/contact_confirm_delete.html", {"contact": contact})


def interaction_edit(request, pk):
    interaction = get_owned_or_404(Interaction.objects.select_related("contact"), request.user, pk=pk)
    form = InteractionForm(request.POST or None, instance=interaction, owner=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_interaction(interaction=form.instance)
        messages.success(request, "Interaction saved.")
        return redirect(interaction.contact)
    return render(
        request, "contacts/interaction_form.html", {"form": form, "contact": interaction.contact, "editing": True}
    )


def interaction_delete(request, pk):
    interaction = get_owned_or_404(Interaction.objects.select_related("contact"), request.user, pk=pk)
    if request.method == "POST":
        services.delete_interaction(interaction=interaction)
        messages.success(request, "Interaction deleted.")
        return redirect(interaction.contact)
    return render(request, "contacts/interaction_confirm_delete.html", {"interaction": interaction})


def classification_list(request):
    return render(
        request,
        "contacts/classification_list.html",
        {"classifications": selectors.classifications_with_counts(owner=request.user)},
    )


def classification_create(request):
    form = ClassificationForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        classification = form.save(commit=False)
        classification.display_order = Classification.objects.for_user(request.user).count()
        services.save_classification(classification=classification)
        messages.success(request, f"Added the classification {classification}.")
        return redirect("contacts:classification_list")
    return render(request, "contacts/classification_form.html", {"form": form})


def classification_edit(request, pk):
    classification = get_owned_or_404(Classification, request.user, pk=pk)
    form = ClassificationForm(request.POST or None, instance=classification, owner=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_classification(classification=form.save(commit=False))
        messages.success(request, f"Saved {classification}.")
        return redirect("contacts:classification_list")
    return render(request, "contacts/classification_form.html", {"form": form, "classification": classification})


def classification_delete(request, pk):
    classification = get_owned_or_404(Classification, request.user, pk=pk)
    form = DeleteClassificationForm(request.POST or None, classification=classification)
    if request.method == "POST" and form.is_valid():
        moved = services.delete_classification(
            classification=classification, move_contacts_to=form.cleaned_data["move_to"]
        )
        messages.success(request, f"Deleted {classification}; {moved} contact(s) moved.")
        return redirect("contacts:classification_list")
    context = {"classification": classification, "form": form, "contact_count": classification.contacts.count()}
    return render(request, "contacts/classification_confirm_delete.html", context)


@require_POST
def classification_move(request, pk, direction):
    if direction not in ("up", "down"):
        raise Http404("Move a classification up or down.")
    classification = get_owned_or_404(Classification, request.user, pk=pk)
    services.move_classification(classification=classification, offset=-1 if direction == "up" else 1)
    return redirect("contacts:classification_list")
