"""The introduce form: the other person (picked from search matches), how, and why they should meet."""

from django import forms

from contacts.forms import PickedContactField
from contacts.models import InteractionKind, Introduction


class IntroduceForm(forms.Form):
    kind = forms.ChoiceField(
        label="How", choices=InteractionKind.choices, initial=InteractionKind.EMAIL, required=False
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=Introduction._meta.get_field("note").max_length,
        widget=forms.TextInput(attrs={"placeholder": "Why they should meet"}),
    )

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or InteractionKind.EMAIL  # most introductions are an email to both

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["introduced_to"] = PickedContactField(
            owner=owner,
            label="Introduced to",
            error_messages={
                "required": "Pick the person you introduced them to.",
                "invalid_choice": "Pick one of your contacts (search for them by name).",
            },
        )
