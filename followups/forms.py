import datetime
import zoneinfo

from django import forms
from django.utils import timezone

from contacts.models import Contact
from netcrm.dates import check_within_years_of_today

from .models import Commitment, FollowupPreferences

COMMON_ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


class SnoozeForm(forms.Form):
    days = forms.TypedChoiceField(choices=[(1, "1 day"), (7, "1 week")], coerce=int, required=False)
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_until(self):
        until = self.cleaned_data.get("until")
        if until:
            check_within_years_of_today(until, today=timezone.localdate())
        return until

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("days") and not cleaned.get("until") and not self.errors:
            raise forms.ValidationError("Choose how long to snooze: 1 day, 1 week or a date.")
        return cleaned


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["description", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"description": "What you promised", "due_on": "By when"}
        error_messages = {"due_on": {"required": "A promise needs a due date."}}

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate() - datetime.timedelta(days=1):
            raise forms.ValidationError("That date has passed; when will you keep this promise?")
        check_within_years_of_today(due_on, today=timezone.localdate())
        return due_on


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=[(name, name) for name in COMMON_ZONES], label="Your time zone")

    class Meta:
        model = FollowupPreferences
        fields = [
            "time_zone",
            "outreach_list_size",
            "digest_enabled",
            "digest_weekday",
            "digest_hour",
            "digest_when_empty",
            "digest_size",
        ]


class WeekPlanForm(forms.Form):
    """Pick this week's contacts. Only the owner's contacts are valid choices; any other id is
    refused with a message, never saved."""

    contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "One of the picked contacts is not in your network.",
                        "invalid_pk_value": "“%(pk)s” is not a contact id."},
    )  # fmt: skip

    def __init__(self, *args, owner, day, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import week_plan_candidates

        self.sections = week_plan_candidates(owner=owner, day=day)
        self.fields["contacts"].queryset = Contact.objects.for_user(owner)
        self.initial.setdefault("contacts", [c.pk for c in self.sections["planned"]])
