"""Forms for contacts, classifications and interactions. Every choice list is owner-scoped."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Layout, Row
from crispy_forms.utils import render_crispy_form
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode

from . import bulk_actions, selectors, services
from .message_check import check_message, rule_for_script
from .models import Classification, Contact, Interaction, Tag, contact_every_days_validators
from .occasions import YEAR_UNKNOWN
from .ownership import id_from_query
from .selectors import Sort, Status

MAX_EMAILS = MAX_PHONES = 10


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def https_by_default(db_field, **kwargs):
    """URLs typed without a scheme are read as https (Django 6's default, chosen now)."""
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class OwnedModelForm(forms.ModelForm):
    """A ModelForm that knows its owner, so it can scope choices and uniqueness checks."""

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.instance.owner = owner
        self.helper = FormHelper()
        self.helper.form_tag = False


class ContactForm(OwnedModelForm):
    emails = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="One per line; the first is the main one."
    )
    phones = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="One per line.")
    tag_names = forms.CharField(
        label="Tags", required=False, help_text="Comma-separated; new tags are created for you.", max_length=500
    )

    class Meta:
        model = Contact
        formfield_callback = https_by_default
        fields = [
            "first_name",
            "last_name",
            "company",
            "job_title",
            "location",
            "classification",
            "contact_every_days_override",
            "contact_at_most_days_override",
            "linkedin_url",
            "website_url",
            "how_we_met",
            "where_we_met",
            "birthday",
            "notes",
        ]
        widgets = {
            "birthday": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"birthday": f"No year known? Use {YEAR_UNKNOWN}."}

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, owner=owner, **kwargs)
        self.fields["classification"].queryset = Classification.objects.for_user(owner)
        self.fields["classification"].empty_label = "— not classified —"
        if self.instance.pk:
            self.initial["emails"] = "\n".join(e.address for e in self.instance.emails.all())
            self.initial["phones"] = "\n".join(p.number for p in self.instance.phones.all())
            self.initial["tag_names"] = ", ".join(t.name for t in self.instance.tags.all())
        self.helper.layout = Layout(
            Row(Column("first_name"), Column("last_name")),
            Row(Column("company"), Column("job_title")),
            Row(Column("emails"), Column("phones")),
            Row(
                Column("classification"), Column("contact_every_days_override"), Column("contact_at_most_days_override")
            ),
            Row(Column("tag_names"), Column("location")),
            Row(Column("linkedin_url"), Column("website_url")),
            Row(Column("how_we_met"), Column("where_we_met"), Column(Field("birthday"))),
            "notes",
        )

    def clean_emails(self):
        addresses = _lines(self.cleaned_data["emails"])
        if len(addresses) > MAX_EMAILS:
            raise ValidationError(f"At most {MAX_EMAILS} email addresses.")
        for number, address in enumerate(addresses, start=1):
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(f"Line {number}: “{address}” is not a valid email address.")
            if len(address) > 254:
                raise ValidationError(f"Line {number}: an email address can be at most 254 characters.")
        return list(dict.fromkeys(addresses))

    def clean_phones(self):
        numbers = [line for line in self.cleaned_data["phones"].splitlines() if line.strip()]
        numbers = [n.strip() for n in numbers]
        if len(numbers) > MAX_PHONES:
            raise ValidationError(f"At most {MAX_PHONES} phone numbers.")
        for number, phone in enumerate(numbers, start=1):
            if len(phone) > 40:
                raise ValidationError(f"Line {number}: a phone number can be at most 40 characters.")
            if not any(ch.isdigit() for ch in phone):
                raise ValidationError(f"Line {number}: “{phone}” has no digits; is it a phone number?")
        return numbers

    def clean_tag_names(self):
        names = [n.strip() for n in self.cleaned_data["tag_names"].split(",") if n.strip()]
        for name in names:
            if len(name) > 50:
                raise ValidationError(f"The tag “{name[:20]}…” is longer than 50 characters.")
        return names

    def save(self, commit=True):
        return services.save_contact_with_details(
            contact=super().save(commit=False),
            emails=self.cleaned_data["emails"],
            phones=self.cleaned_data["phones"],
            tag_names=self.cleaned_data["tag_names"],
        )


class ClassificationForm(OwnedModelForm):
    class Meta:
        model = Classification
        fields = [
            "name",
            "contact_every_days",
            "contact_at_most_days",
            "message_guidance",
            "preferred_channel",
            "is_business",
        ]
        widgets = {"message_guidance": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The live hint: the page's script counts as the message is typed, by the rule and wording
        # contacts.message_check gives here; the hint below starts as the server's own verdict.
        message = self.fields["message_guidance"]
        message.widget.attrs.update(
            {"data-message-check": rule_for_script(), "data-message-check-output": "message-check"}
        )
        check = check_message(self["message_guidance"].value() or "")
        self.helper.layout = Layout(
            Row(Column("name"), Column("contact_every_days"), Column("contact_at_most_days")),
            "message_guidance",
            HTML(
                format_html(
                    '<p class="form-text message-check mt-n2 mb-3" id="message-check" aria-live="polite" '
                    'data-verdict="{}">{}</p>',
                    check.verdict,
                    check.hint,
                )
            ),
            "preferred_channel",
            "is_business",
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Classification.objects.for_user(self.owner).filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(f"You already have a classification called “{name}”.")
        return name


class InteractionForm(OwnedModelForm):
    class Meta:
        model = Interaction
        fields = [
            "occurred_at",
            "kind",
            "summary",
            "next_step",
            "notes",
            "contribution_direction",
            "contribution_kind",
        ]
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, owner, contact=None, **kwargs):
        super().__init__(*args, owner=owner, **kwargs)
        if contact is not None:
            self.instance.contact = contact
        if not self.instance.pk and "occurred_at" not in self.initial:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        self.helper.layout = Layout(
            Row(Column("occurred_at"), Column("kind")),
            "summary",
            "next_step",
            "notes",
            Row(Column("contribution_direction"), Column("contribution_kind")),
        )

    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        if occurred_at > timezone.now() + datetime.timedelta(days=1):
            raise ValidationError("An interaction cannot be in the future; plan it as a promise instead.")
        return occurred_at


# The blank "log an interaction" form, rendered, per (default moment, time zone): see below.
_blank_interaction_forms: dict[tuple[str, str], str] = {}


def blank_interaction_form_html(*, owner) -> str:
    """The contact page's empty "log an interaction" form, as HTML. It is the same on every
    contact page but for its default moment (now, to the minute, in the active time zone), and
    its layout is a fifth of the page's time, so each process renders it once per minute and
    zone. Should the form ever offer choices of the owner's (a field with a queryset), it would
    no longer be the same for everyone, and it is then rendered afresh each time."""
    form = InteractionForm(owner=owner)
    if any(isinstance(field, forms.ModelChoiceField) for field in form.fields.values()):
        return render_crispy_form(form)
    key = (form.initial["occurred_at"].isoformat(), str(timezone.get_current_timezone()))
    html = _blank_interaction_forms.get(key)
    if html is None:
        if len(_blank_interaction_forms) >= 32:  # old minutes
            _blank_interaction_forms.clear()
        html = _blank_interaction_forms[key] = render_crispy_form(form)
    return html


class DeleteClassificationForm(forms.Form):
    move_to = forms.ModelChoiceField(
        queryset=Classification.objects.none(),
        required=False,
        empty_label="— leave them unclassified —",
        label="Move its contacts to",
    )

    def __init__(self, *args, classification: Classification, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["move_to"].queryset = Classification.objects.for_user(classification.owner).exclude(
            pk=classification.pk
        )


class ContactListFilterForm(forms.Form):
    """The contact list's search, filters and sort, read from the query string (or from the bulk
    form, which carries them for "select all N matching"). A value that cannot be used is left
    out, as if it had not been given: a hand-edited URL never leads to an error page."""

    MAX_SEARCH_CHARACTERS = 200
    PARAMETERS = ("q", "status", "classification", "tag", "sort")

    q = forms.CharField(label="Search", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *Status.choices])
    classification = forms.RegexField(label="Classification", required=False, regex=r"\A(?:none|[0-9]{1,18})\Z")
    tag = forms.RegexField(label="Tag", required=False, regex=r"\A[0-9]{1,18}\Z")
    sort = forms.ChoiceField(label="Sort", required=False, choices=[("", "Default order"), *Sort.choices])

    def clean_q(self):
        return self.cleaned_data["q"][: self.MAX_SEARCH_CHARACTERS]

    @property
    def values(self) -> dict[str, str]:
        """The usable parameters, by their names in the URL."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.PARAMETERS}

    def filters(self) -> dict[str, str]:
        """The keyword arguments of selectors.contacts_for_list."""
        values = self.values
        return {
            "search": values["q"],
            "status": values["status"],
            "classification_id": values["classification"],
            "tag_id": values["tag"],
            "sort": values["sort"],
        }

    def narrows(self) -> bool:
        """Whether these parameters leave some contacts out (a sort alone does not)."""
        values = self.values
        return any(values[name] for name in ("q", "status", "classification", "tag"))

    def query_string(self, **changes: str) -> str:
        """These parameters (with ``changes``) as a query string, empty ones left out."""
        values = {**self.values, **changes}
        return urlencode({name: values[name] for name in self.PARAMETERS if values.get(name)})


class SelectedContactsField(forms.Field):
    """The ids of the contacts ticked on the page (``contact=…`` repeated)."""

    widget = forms.MultipleHiddenInput
    MAX_TICKED = 500

    def to_python(self, value):
        values = [str(v).strip() for v in (value or []) if str(v).strip()]
        if len(values) > self.MAX_TICKED:
            raise ValidationError(
                f"Tick at most {self.MAX_TICKED} contacts one by one; for more, select all matching the filters."
            )
        ids = [id_from_query(v) for v in values]
        if None in ids:
            raise ValidationError("Pick the contacts from the list.")
        return sorted(set(ids))


class BulkActionForm(forms.Form):
    """One bulk action on the ticked contacts, or on all contacts the list's filters match.
    The selection is always the owner's own: ticked ids of anyone else's contacts select nothing."""

    action = forms.ChoiceField(label="Action")
    contact = SelectedContactsField(required=False)
    select_all = forms.BooleanField(required=False)
    to_classification = forms.ChoiceField(label="Classification", required=False)
    tag_name = forms.CharField(label="Tag", max_length=50, required=False)
    every_days = forms.IntegerField(
        label="Own frequency (days)", required=False, validators=contact_every_days_validators
    )
    confirmed = forms.BooleanField(required=False)
    expected_count = forms.IntegerField(required=False, min_value=0)
    next = forms.CharField(required=False)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.actions = {action.key: action for action in bulk_actions.available()}
        self.fields["action"].choices = [("", "Choose an action"), *((a.key, a.label) for a in self.actions.values())]
        self.classifications = {c.pk: c for c in Classification.objects.for_user(owner)}
        self.fields["to_classification"].choices = [
            ("", "Choose a classification"),
            ("none", "No classification"),
            *((str(pk), c.name) for pk, c in self.classifications.items()),
        ]

    @property
    def chosen_action(self) -> bulk_actions.BulkAction:
        return self.actions[self.cleaned_data["action"]]

    def clean(self):
        data = super().clean()
        if not data.get("select_all") and not data.get("contact") and "contact" not in self.errors:
            raise ValidationError("Select at least one contact, or all that match.")
        action = self.actions.get(data.get("action"))
        if action is None:
            return data
        if action.needs == "to_classification":
            chosen = data.get("to_classification") or ""
            if not chosen and "to_classification" not in self.errors:
                self.add_error("to_classification", "Choose the classification to move them to.")
            data["to_classification"] = self.classifications.get(int(chosen)) if chosen.isdigit() else None
        elif action.needs == "tag_name":
            name = (data.get("tag_name") or "").strip()
            if not name:
                self.add_error("tag_name", "Name the tag.")
            elif action.key == "remove_tag":
                data["tag"] = Tag.objects.for_user(self.owner).filter(name__iexact=name).first()
                if data["tag"] is None:
                    self.add_error("tag_name", f"You have no tag called “{name}”.")
        return data

    def error_text(self) -> str:
        """The form's errors as one sentence per field, each naming its field."""
        sentences = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields and name != "contact" else ""
            sentences += [f"{label}: {error}" if label else error for error in errors]
        return " ".join(sentences)

    def selection(self) -> QuerySet[Contact]:
        """The contacts to act on: the owner's ticked ones, or all the owner's matching the filters."""
        if self.cleaned_data["select_all"]:
            filters = ContactListFilterForm(self.data).filters()
            filters.pop("sort")
            return selectors.contacts_matching(owner=self.owner, **filters)
        return Contact.objects.for_user(self.owner).filter(pk__in=self.cleaned_data["contact"])


class PickedContactField(forms.ModelChoiceField):
    """One of the owner's contacts, picked from a bounded list of search matches (radio buttons
    the page renders); an id of anyone else's contact is refused like a made-up one."""

    def __init__(self, *, owner, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": "Pick one of your contacts (search for them by name)."})
        super().__init__(queryset=Contact.objects.for_user(owner), widget=forms.HiddenInput, **kwargs)


class IntroducedByForm(forms.Form):
    """Who introduced you to a contact, picked from the matches; or ``nobody`` to clear it."""

    nobody = forms.BooleanField(required=False)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["introduced_by"] = PickedContactField(
            owner=owner,
            required=False,
            label="Introduced by",
            error_messages={"invalid_choice": "Pick one of your contacts (search for them by name)."},
        )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("nobody") and cleaned.get("introduced_by") is None:
            raise ValidationError("Pick the person who introduced you (search for them by name).")
        if cleaned.get("nobody"):
            cleaned["introduced_by"] = None
        return cleaned
