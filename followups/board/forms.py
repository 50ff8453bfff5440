"""The follow-ups page's forms: snoozing a reminder and recording a promise."""

import datetime
import functools

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.utils import timezone

from netcrm.dates import check_within_years_of_today

from ..models import Commitment


class SnoozeForm(forms.Form):
    days = forms.TypedChoiceField(choices=[(1, "1 day"), (7, "1 week")], coerce=int, required=False)
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_until(self):
        if self.cleaned_data.get("days"):  # "1 day" or "1 week" clicked: whatever the date box holds
            return None
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


@functools.cache
def blank_commitment_fields_html() -> dict[str, str]:
    """The contact page's empty "add a promise" fields, as HTML: the same on every contact page
    (no initial value, no choices), so each process lays them out once (crispy's layout of two
    fields was a tenth of the page's time)."""
    form = CommitmentForm()
    return {name: as_crispy_field(form[name]) for name in form.fields}
