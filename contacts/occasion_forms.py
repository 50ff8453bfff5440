"""The contact form's important dates: a small inline formset (one blank row to add a date,
a box to remove one), saved with the contact in one transaction."""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.forms import BaseInlineFormSet, inlineformset_factory

from .models import Contact
from .occasions import YEAR_UNKNOWN, Occasion

MAX_OCCASIONS = 20


class OccasionForm(forms.ModelForm):
    class Meta:
        model = Occasion
        fields = ["kind", "label", "on", "is_yearly"]
        widgets = {"on": forms.DateInput(attrs={"type": "date"}), "label": forms.TextInput(attrs={"maxlength": 80})}
        help_texts = {"on": f"No year known? Use {YEAR_UNKNOWN}."}

    def has_changed(self):
        """The blank row is left alone until a date or a label is typed in it (its kind and
        "every year" box have defaults, which alone add nothing)."""
        if self.instance.pk is None and self.empty_permitted:
            return bool(self["on"].value() or (self["label"].value() or "").strip())
        return super().has_changed()


class BaseOccasionFormSet(BaseInlineFormSet):
    def save(self, commit=True):
        """Each new or changed date gets the contact's owner (the rows are owner-scoped)."""
        occasions = super().save(commit=False)
        for occasion in occasions:
            occasion.owner_id = self.instance.owner_id
            occasion.save()
        for occasion in self.deleted_objects:
            occasion.delete()
        return occasions


OccasionFormSet = inlineformset_factory(
    Contact,
    Occasion,
    form=OccasionForm,
    formset=BaseOccasionFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_OCCASIONS,
    validate_max=True,
)


PREFIX = "occasions"


def occasion_formset(request, contact: Contact | None = None) -> OccasionFormSet:
    """The formset of ``contact``'s dates, bound on POST. A POST without the formset (a script,
    an older page) changes no date rather than failing the whole contact."""
    data = request.POST or None
    if data is not None and f"{PREFIX}-TOTAL_FORMS" not in data:
        data = {f"{PREFIX}-TOTAL_FORMS": "0", f"{PREFIX}-INITIAL_FORMS": "0"}
    return OccasionFormSet(data, instance=contact or Contact(), prefix=PREFIX)


@transaction.atomic
def save_contact_and_occasions(form, occasions: OccasionFormSet) -> Contact:
    """The contact and its dates, all of it or none of it."""
    contact = form.save()
    occasions.instance = contact
    occasions.save()
    return contact
