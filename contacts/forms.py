"""Forms for contacts, classifications and interactions. Every choice list is owner-scoped."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone

from . import services
from .models import Classification, Contact, Interaction

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
            Row(Column("classification"), Column("contact_every_days_override")),
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
        fields = ["name", "contact_every_days", "message_guidance", "preferred_channel", "is_business"]
        widgets = {"message_guidance": forms.Textarea(attrs={"rows": 3})}

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
