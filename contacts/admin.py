"""The admin for bulk edits. A staff user who is not a superuser sees, edits and picks only
their own rows; superusers see everything."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from import_export.admin import ImportExportModelAdmin

from . import services
from .admin_formats import AdminCSV, AdminImportForm, AdminXLSX
from .cadence import refresh_cadence
from .importing import ImportFileError
from .models import (
    Classification,
    Contact,
    ContactEmail,
    ContactPhone,
    Interaction,
    Occasion,
    Tag,
    contact_every_days_validators,
)
from .resources import ContactResource, contacts_csv


class OwnedAdmin(admin.ModelAdmin):
    """Scopes rows and choices to the requesting user unless they are a superuser."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(owner=request.user)

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        return excluded if request.user.is_superuser else [*excluded, "owner"]

    def save_model(self, request, obj, form, change):
        if not obj.owner_id:
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    def _owner_for_choices(self, request, obj=None):
        if obj is not None and obj.owner_id:
            return obj.owner_id
        return None if request.user.is_superuser else request.user.pk

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if issubclass(form, NameUniquePerOwnerForm) and not request.user.is_superuser:
            form.owner_id_for_new_rows = request.user.pk
        owner_id = self._owner_for_choices(request, obj)
        if owner_id is not None:
            for field in form.base_fields.values():
                queryset = getattr(field, "queryset", None)
                if queryset is not None and hasattr(queryset.model, "owner"):
                    field.queryset = queryset.filter(owner_id=owner_id)
        return form


class NameUniquePerOwnerForm(forms.ModelForm):
    """Names are unique per owner in any case (a database constraint on Lower("name")). A staff
    user's form leaves the owner out, so Django cannot check that constraint and the save would
    answer a 500: check it here, as a field error, for whichever owner the row will have."""

    owner_id_for_new_rows = None  # the requesting user's id for staff; set by OwnedAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        owner = cleaned.get("owner")
        owner_id = owner.pk if owner else (self.instance.owner_id or self.owner_id_for_new_rows)
        if name and owner_id:
            clash = (
                self._meta.model.objects.filter(owner_id=owner_id)
                .alias(name_lower=Lower("name"))
                .filter(name_lower=Lower(Value(name)))
                .exclude(pk=self.instance.pk)
            )
            if clash.exists():
                what = self._meta.model._meta.verbose_name
                self.add_error("name", f"There is already a {what} called “{name}” (names are compared ignoring case).")
        return cleaned


class ContactEmailInline(admin.TabularInline):
    model = ContactEmail
    extra = 1


class ContactPhoneInline(admin.TabularInline):
    model = ContactPhone
    extra = 0


class OccasionInline(admin.TabularInline):
    model = Occasion
    extra = 0
    exclude = ("owner",)  # always the contact's owner (ContactAdmin.save_formset)


class BulkClassificationForm(forms.Form):
    classification = forms.ModelChoiceField(queryset=Classification.objects.none(), required=False)


class BulkFrequencyForm(forms.Form):
    every_days = forms.IntegerField(
        label="Own frequency (days)",
        required=False,
        validators=contact_every_days_validators,
        help_text="Leave empty to clear the override.",
    )


class BulkTagForm(forms.Form):
    tag = forms.ModelChoiceField(queryset=Tag.objects.none())


@admin.register(Contact)
class ContactAdmin(ImportExportModelAdmin, OwnedAdmin):
    resource_classes = [ContactResource]
    import_formats = [AdminCSV, AdminXLSX]  # with the page import's size and row limits
    export_formats = [AdminCSV, AdminXLSX]  # formula-escaped
    import_form_class = AdminImportForm
    list_display = ("full_name", "company", "classification", "contact_every_days_override", "last_interaction_at")
    # Related-only: the sidebar lists the classifications and tags of the rows this user sees
    # (their own), not every user's names (get_queryset scopes the rows, not the filter choices).
    list_filter = (
        ("classification", admin.RelatedOnlyFieldListFilter),
        ("tags", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = ("first_name", "last_name", "company", "emails__address", "tags__name")
    autocomplete_fields = ("classification", "tags", "introduced_by")  # no select of every contact
    list_select_related = ("classification",)
    inlines = [ContactEmailInline, ContactPhoneInline, OccasionInline]
    readonly_fields = ("last_interaction_at", "next_due_at", "overdue_at", "created_at", "updated_at")
    actions = [
        "change_classification",
        "set_frequency_override",
        "add_tag",
        "remove_tag",
        "mark_contacted_today",
        "export_csv",
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        refresh_cadence(Contact.objects.filter(pk=obj.pk))

    def save_formset(self, request, form, formset, change):
        if formset.model is Occasion:  # a contact's dates are its owner's
            for inline_form in formset.forms:
                inline_form.instance.owner_id = form.instance.owner_id
        super().save_formset(request, form, formset, change)

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"owner": request.user}

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):  # our formats' own refusals say what is wrong
            form.add_error("import_file", e.args[0])
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def get_search_results(self, request, queryset, search_term):
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False

    def _selected_owner_ids(self, request, queryset):
        if request.user.is_superuser:
            return set(queryset.values_list("owner_id", flat=True))
        return {request.user.pk}

    def _bulk_form(self, request, queryset, form_class, title, field_name=None, model=None):
        """Show (or bind) the intermediate form of a bulk action; scoped to the rows' owners."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if field_name:
            form.fields[field_name].queryset = model.objects.filter(
                owner_id__in=self._selected_owner_ids(request, queryset)
            )
        if form.is_bound and form.is_valid():
            return form, None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": request.POST.get("action"),
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return form, TemplateResponse(request, "admin/contacts/contact/bulk_action.html", context)

    def _same_owner(self, queryset, owned_object):
        return queryset.filter(owner_id=owned_object.owner_id) if owned_object is not None else queryset

    @admin.action(description="Change classification of selected contacts")
    def change_classification(self, request, queryset):
        form, response = self._bulk_form(
            request, queryset, BulkClassificationForm, "Change classification", "classification", Classification
        )
        if response:
            return response
        classification = form.cleaned_data["classification"]
        moved = services.reclassify(contacts=self._same_owner(queryset, classification), classification=classification)
        self.message_user(request, f"Moved {moved} contact(s) to {classification or 'no classification'}.")

    @admin.action(description="Set or clear the frequency override")
    def set_frequency_override(self, request, queryset):
        form, response = self._bulk_form(request, queryset, BulkFrequencyForm, "Set or clear the frequency override")
        if response:
            return response
        every_days = form.cleaned_data["every_days"]
        changed = services.set_frequency_override(contacts=queryset, every_days=every_days)
        what = f"every {every_days} days" if every_days else "cleared"
        self.message_user(request, f"Frequency override {what} for {changed} contact(s).")

    @admin.action(description="Add a tag to selected contacts")
    def add_tag(self, request, queryset):
        form, response = self._bulk_form(request, queryset, BulkTagForm, "Add a tag", "tag", Tag)
        if response:
            return response
        tag = form.cleaned_data["tag"]
        services.add_tag(contacts=self._same_owner(queryset, tag), tag=tag)
        self.message_user(request, f"Tagged selected contacts with “{tag}”.")

    @admin.action(description="Remove a tag from selected contacts")
    def remove_tag(self, request, queryset):
        form, response = self._bulk_form(request, queryset, BulkTagForm, "Remove a tag", "tag", Tag)
        if response:
            return response
        tag = form.cleaned_data["tag"]
        services.remove_tag(contacts=queryset, tag=tag)
        self.message_user(request, f"Removed “{tag}” from selected contacts.")

    @admin.action(description="Mark selected contacts as contacted today")
    def mark_contacted_today(self, request, queryset):
        count = services.mark_contacted_today(contacts=queryset)
        self.message_user(request, f"Logged an interaction today with {count} contact(s).", messages.SUCCESS)

    @admin.action(description="Export selected contacts to CSV")
    def export_csv(self, request, queryset):
        owner = None if request.user.is_superuser else request.user
        response = HttpResponse(contacts_csv(queryset=queryset, owner=owner), content_type="text/csv; charset=utf-8")
        filename = f"contacts-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@admin.register(Classification)
class ClassificationAdmin(OwnedAdmin):
    form = NameUniquePerOwnerForm
    list_display = (
        "name",
        "contact_every_days",
        "contact_at_most_days",
        "preferred_channel",
        "is_business",
        "display_order",
        "owner",
    )
    list_editable = ("contact_every_days", "contact_at_most_days", "display_order")
    list_filter = ("is_business", "preferred_channel")
    search_fields = ("name", "message_guidance")

    def save_model(self, request, obj, form, change):
        if not obj.owner_id:
            obj.owner = request.user
        services.save_classification(classification=obj)


@admin.register(Tag)
class TagAdmin(OwnedAdmin):
    form = NameUniquePerOwnerForm
    list_display = ("name", "owner")
    search_fields = ("name",)


@admin.register(Interaction)
class InteractionAdmin(OwnedAdmin):
    list_display = ("contact", "occurred_at", "kind", "summary", "contribution_direction")
    list_filter = ("kind", "contribution_direction", "contribution_kind", "occurred_at")
    search_fields = ("summary", "notes", "next_step", "contact__first_name", "contact__last_name")
    autocomplete_fields = ("contact",)
    date_hierarchy = "occurred_at"
    list_select_related = ("contact",)

    def save_model(self, request, obj, form, change):
        obj.owner_id = obj.contact.owner_id
        super().save_model(request, obj, form, change)
        refresh_cadence(Contact.objects.filter(pk=obj.contact_id))

    def delete_model(self, request, obj):
        services.delete_interaction(interaction=obj)

    def delete_queryset(self, request, queryset):
        contact_ids = set(queryset.values_list("contact_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_cadence(Contact.objects.filter(pk__in=contact_ids))
