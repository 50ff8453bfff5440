from django import forms
from django.conf import settings

from contacts.importing.csv_headers import NAME_TARGETS
from contacts.importing.formats import FORMATS, MAPPING_TARGETS
from contacts.models import Classification

from .restore_jobs import max_restore_bytes
from .services import megabytes


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text=f"CSV or vCard, up to {megabytes(settings.NETCRM_IMPORT_MAX_BYTES)}. "
        "Nothing is saved until you confirm.",
    )
    file_format = forms.ChoiceField(
        label="What is it?",
        choices=[("auto", "Find out from the file"), *FORMATS.items()],
        initial="auto",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.NETCRM_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {megabytes(upload.size)}; the limit is {megabytes(limit)}. Split it first."
            )
        return upload


class MappingForm(forms.Form):
    """One choice per column of the file: which contact field it holds, or ignore it."""

    def __init__(self, *args, headers: list[str], initial_mapping: list[str], samples: list[list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        for index, header in enumerate(headers):
            examples = ", ".join(s for s in (row[index] if index < len(row) else "" for row in samples) if s)[:80]
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or f"Column {index + 1}",
                choices=list(MAPPING_TARGETS.items()),
                required=False,
                initial=initial_mapping[index] if index < len(initial_mapping) else "",
                help_text=f"e.g. {examples}" if examples else "empty in the first rows",
            )
        self.column_count = len(headers)

    def clean(self):
        cleaned = super().clean()
        mapping = [cleaned.get(f"column_{i}", "") for i in range(self.column_count)]
        if not (NAME_TARGETS | {"email"}) & set(mapping):
            raise forms.ValidationError(
                "Choose at least one column holding a name (first, last or full name) or an email address."
            )
        cleaned["column_mapping"] = mapping
        return cleaned


class ConfirmForm(forms.Form):
    classification = forms.ModelChoiceField(
        queryset=Classification.objects.none(),
        required=False,
        empty_label="No classification",
        help_text="For the new contacts. Their cadence follows it.",
    )
    tags = forms.CharField(
        required=False, max_length=500, help_text="Comma-separated, added to the new contacts, e.g. linkedin, 2024."
    )
    update_matches = forms.BooleanField(
        required=False, initial=True, label="Update the contacts that match with what the file says"
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classification"].queryset = Classification.objects.for_user(owner)

    def clean_tags(self):
        names = [name.strip() for name in self.cleaned_data["tags"].split(",") if name.strip()]
        for name in names:
            if len(name) > 50:
                raise forms.ValidationError(f"“{name[:20]}…” is longer than 50 characters.")
        return list(dict.fromkeys(names))


class RestoreForm(forms.Form):
    file = forms.FileField(
        label="Backup file (.json)",
        help_text=f"A netcrm full backup, up to {megabytes(max_restore_bytes())}. "
        "A big one is restored in the background; you can follow it on its page.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_restore_bytes()
        if upload.size > limit:
            raise forms.ValidationError(f"The file is {megabytes(upload.size)}; the limit is {megabytes(limit)}.")
        return upload
