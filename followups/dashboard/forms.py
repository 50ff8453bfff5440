"""The week plan's form (the dashboard's "plan this week")."""

from django import forms

from contacts.models import Contact

from ..selectors import week_plan_candidates


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
        self.sections = week_plan_candidates(owner=owner, day=day)
        self.fields["contacts"].queryset = Contact.objects.for_user(owner)
        self.initial.setdefault("contacts", [c.pk for c in self.sections["planned"]])
