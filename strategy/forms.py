"""Forms for the plan, purposes, venues and events. Every choice list is owner-scoped, and every
bad value gets a message naming what is wrong on the field it belongs to."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from contacts.forms import OwnedModelForm, https_by_default
from contacts.models import Channel, Classification, Contact, ContributionKind
from netcrm.dates import check_within_years_of_today

from .models import MAX_HOURS_SPENT, STANDARD_PURPOSES, Event, Plan, Purpose, Venue
from .services import NewPerson

MAX_PLAN_TEXT = 5000


class PlanForm(OwnedModelForm):
    maintain_channels = forms.MultipleChoiceField(
        label="Channels you use",
        choices=[(value, label) for value, label in Channel.choices if value],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contribution_kinds = forms.MultipleChoiceField(
        label="Kinds of help you offer",
        choices=ContributionKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Plan
        fields = [
            "who_to_invite",
            "how_to_maintain",
            "maintain_channels",
            "how_to_participate",
            "what_to_contribute",
            "contribution_kinds",
            "how_to_contribute",
        ]
        labels = {
            "who_to_invite": "1. Who you will invite into your network",
            "how_to_maintain": "3. How you will maintain contact",
            "how_to_participate": "6. How you will participate with your network",
            "what_to_contribute": "7. What you will contribute",
            "how_to_contribute": "8. How you will contribute",
        }
        help_texts = {
            "who_to_invite": "Roles, industries, places; and the family and friends you welcome as white noise.",
            "how_to_maintain": "When and how you keep in touch: a coffee a week, a monthly newsletter…",
            "how_to_participate": "Which venues and events, how often, in what role (member, speaker, host).",
            "what_to_contribute": "What you can give: your expertise, your network, your time.",
            "how_to_contribute": "How and when you give: an introduction a week, sharing articles, mentoring.",
        }

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, owner=owner, **kwargs)
        for name in (
            "who_to_invite",
            "how_to_maintain",
            "how_to_participate",
            "what_to_contribute",
            "how_to_contribute",
        ):
            self.fields[name].widget = forms.Textarea(attrs={"rows": 3})
        self.helper.layout = Layout(
            "who_to_invite",
            "how_to_maintain",
            InlineCheckboxes("maintain_channels"),
            "how_to_participate",
            "what_to_contribute",
            InlineCheckboxes("contribution_kinds"),
            "how_to_contribute",
        )

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and len(value) > MAX_PLAN_TEXT:
                self.add_error(name, f"Keep it under {MAX_PLAN_TEXT} characters ({len(value)} now).")
        return cleaned


class AddPurposesForm(forms.Form):
    standard = forms.MultipleChoiceField(
        label="Standard purposes", choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )
    own = forms.CharField(label="Your own purpose", max_length=80, required=False)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        chosen = {name.lower() for name in Purpose.objects.for_user(owner).values_list("name", flat=True)}
        self.fields["standard"].choices = [(n, n) for n in STANDARD_PURPOSES if n.lower() not in chosen]
        self._chosen = chosen

    def clean_own(self):
        own = " ".join(self.cleaned_data["own"].split())
        if own and own.lower() in self._chosen:
            raise ValidationError(f"You already have the purpose “{own}”.")
        return own

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("standard") and not cleaned.get("own"):
            raise ValidationError("Tick a standard purpose or write your own.")
        return cleaned

    @property
    def names(self) -> list[str]:
        return [*self.cleaned_data["standard"], *([self.cleaned_data["own"]] if self.cleaned_data["own"] else [])]


class ContactPurposesForm(forms.Form):
    purposes = forms.ModelMultipleChoiceField(
        queryset=Purpose.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purposes"].queryset = Purpose.objects.for_user(owner)


class MetAtForm(forms.Form):
    """Where you met a contact: ``venue:<id>``, ``event:<id>`` or empty (not at a venue or event)."""

    place = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean_place(self) -> dict:
        value = self.cleaned_data["place"].strip()
        if not value:
            return {}
        kind, _, raw_id = value.partition(":")
        model = {"venue": Venue, "event": Event}.get(kind)
        found = model.objects.for_user(self.owner).filter(pk=raw_id).first() if model and raw_id.isdigit() else None
        if found is None:
            raise ValidationError("Pick one of your venues or events.")
        return {kind: found}


class VenueForm(OwnedModelForm):
    hours_spent = forms.DecimalField(
        label="Hours spent", initial=0, help_text="All the time it took: travel, the events, online time."
    )

    class Meta:
        model = Venue
        formfield_callback = https_by_default
        fields = [
            "name",
            "kind",
            "url",
            "target_market_present",
            "interaction_quality",
            "hours_spent",
            "spread_too_thin",
            "notes",
        ]
        widgets = {
            "interaction_quality": forms.Select(
                choices=[
                    ("", "Not sure yet"),
                    (1, "1 — small talk"),
                    (2, "2"),
                    (3, "3 — some real conversations"),
                    (4, "4"),
                    (5, "5 — deep, useful conversations"),
                ]
            ),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"url": {"invalid": "Enter a web address such as https://example.org/group."}}

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, owner=owner, **kwargs)
        self.helper.layout = Layout(
            Row(Column("name"), Column("kind")),
            "url",
            Row(Column("target_market_present"), Column("interaction_quality")),
            Row(Column("hours_spent"), Column("spread_too_thin")),
            "notes",
        )

    def clean_hours_spent(self):
        hours = self.cleaned_data["hours_spent"]
        if hours < 0:
            raise ValidationError("Hours spent cannot be negative.")
        if hours > MAX_HOURS_SPENT:
            raise ValidationError(f"Over {MAX_HOURS_SPENT:,} hours? Enter the hours you really spent there.")
        return hours.quantize(Decimal("0.1"))


class EventForm(OwnedModelForm):
    goal_people = forms.IntegerField(
        label="Goal: new people to meet", initial=2, help_text="For example 2: go with a goal, not to collect cards."
    )

    class Meta:
        model = Event
        fields = ["name", "venue", "held_on", "goal_people", "goal_note", "attended", "notes"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, owner=owner, **kwargs)
        self.fields["venue"].queryset = Venue.objects.for_user(owner)
        self.fields["venue"].empty_label = "— no venue —"
        self.fields["held_on"].input_formats = ["%Y-%m-%d"]
        self.helper.layout = Layout(
            Row(Column("name"), Column("venue")),
            Row(Column("held_on"), Column("goal_people")),
            "goal_note",
            "attended",
            "notes",
        )

    def clean_goal_people(self):
        goal = self.cleaned_data["goal_people"]
        if goal < 1:
            raise ValidationError("Set a goal of at least 1 person; going with a goal is the point.")
        return goal

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        check_within_years_of_today(held_on, today=timezone.localdate())
        return held_on

    def clean(self):
        cleaned = super().clean()
        held_on = cleaned.get("held_on")
        if cleaned.get("attended") and held_on and held_on > timezone.localdate():
            self.add_error(
                "attended",
                f"The event on {held_on:%d %b %Y} has not happened yet; tick “I went” after you have been.",
            )
        return cleaned


class NewPersonForm(forms.Form):
    """One business card: a row of the "people met" formset."""

    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100, required=False)
    company = forms.CharField(max_length=200, required=False)
    email = forms.EmailField(required=False)
    classification = forms.ModelChoiceField(
        queryset=Classification.objects.none(), required=False, empty_label="— not classified —"
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classification"].queryset = Classification.objects.for_user(owner)
        self.fields["first_name"].error_messages["required"] = "Each person needs at least a first name."
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css

    def as_new_person(self) -> NewPerson:
        data = self.cleaned_data
        return NewPerson(
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            company=data["company"].strip(),
            email=data["email"],
            classification=data["classification"],
        )


NewPeopleFormSet = forms.formset_factory(NewPersonForm, extra=3, max_num=20, validate_max=True, absolute_max=20)


class ExistingPeopleForm(forms.Form):
    existing = forms.ModelMultipleChoiceField(queryset=Contact.objects.none(), required=False)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing"].queryset = Contact.objects.for_user(owner)
        self.fields["existing"].error_messages["invalid_choice"] = "That contact is not in your network."
