"""django-import-export resources: the admin's CSV/XLSX import and export of contacts.

Every resource is bound to one owner: rows load, match and save only within that owner's
contacts, classifications and tags.
"""

from __future__ import annotations

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from . import services
from .cadence import refresh_cadence
from .importing.formats import guess_mapping, row_from_cells
from .importing.matching import Matcher
from .importing.rows import ImportRow, RowError, clean_row
from .models import Classification, Contact

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(cell):
    """Spreadsheet apps run cells that start with these as formulas; a leading ' keeps them text."""
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell


def contacts_csv(*, queryset, owner) -> str:
    """The contacts as CSV text, safe to open in a spreadsheet."""
    dataset = ContactResource(owner=owner).export(queryset=queryset)
    safe = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        safe.append([escape_formula(cell) for cell in row])
    return safe.csv


class OwnedForeignKeyWidget(widgets.ForeignKeyWidget):
    def __init__(self, model, field, owner):
        super().__init__(model, field)
        self.owner = owner

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(owner=self.owner)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"there is no {self.model._meta.verbose_name} called “{value}”")


class ContactResource(resources.ModelResource):
    """The admin's import reads rows with the same rules as every other import
    (``contacts.importing``): the same column names, cleaning, validation and matching — an
    owned ``id`` first, then email, LinkedIn URL, or name and company."""

    emails = fields.Field(column_name="emails", attribute=None)
    phones = fields.Field(column_name="phones", attribute=None)
    tags = fields.Field(column_name="tags", attribute=None)

    class Meta:
        model = Contact
        fields = (
            "id",
            "first_name",
            "last_name",
            "company",
            "job_title",
            "location",
            "emails",
            "phones",
            "classification",
            "contact_every_days_override",
            "tags",
            "linkedin_url",
            "website_url",
            "how_we_met",
            "where_we_met",
            "birthday",
            "notes",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False

    def __init__(self, *, owner=None, **kwargs):
        super().__init__(**kwargs)
        self.owner = owner
        self.fields["classification"] = fields.Field(
            attribute="classification",
            column_name="classification",
            widget=OwnedForeignKeyWidget(Classification, "name", owner),
        )

    def get_queryset(self):
        queryset = Contact.objects.prefetch_related("emails", "phones", "tags").select_related("classification")
        return queryset.filter(owner=self.owner) if self.owner is not None else queryset

    def dehydrate_emails(self, contact):
        return "; ".join(e.address for e in contact.emails.all())

    def dehydrate_phones(self, contact):
        return "; ".join(p.number for p in contact.phones.all())

    def dehydrate_tags(self, contact):
        return "; ".join(t.name for t in contact.tags.all())

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._headers = list(dataset.headers or [])
        self._column_mapping = guess_mapping(self._headers)
        self._matcher = Matcher(self.owner) if self.owner is not None else None
        self._saved_contact_ids = []

    def _parsed(self, row) -> ImportRow | RowError:
        """The row as ``contacts.importing`` reads it; kept (with the row itself, so its identity
        stays unique) for the later steps of the same row."""
        cached = getattr(self, "_last_parsed", None)
        if cached is not None and cached[0] is row:
            return cached[1]
        cells = ["" if row.get(header) is None else str(row.get(header)) for header in self._headers]
        parsed = row_from_cells(cells, self._column_mapping, line=0)
        parsed = clean_row(parsed) if isinstance(parsed, ImportRow) else parsed
        self._last_parsed = (row, parsed)
        return parsed

    def get_instance(self, instance_loader, row):
        instance = super().get_instance(instance_loader, row)  # an owned id (foreign ids were blanked)
        if instance is not None or getattr(self, "_matcher", None) is None:
            return instance
        parsed = self._parsed(row)
        match = self._matcher.find(parsed) if isinstance(parsed, ImportRow) else None
        if match is None or match.contact_id is None:
            return None
        return self.get_queryset().filter(pk=match.contact_id).first()

    def before_import_row(self, row, **kwargs):
        if self.owner is None:
            raise ValueError("An import needs an owner.")
        row_id = row.get("id")
        if row_id not in (None, "") and not self.get_queryset().filter(pk=str(row_id).strip() or 0).exists():
            # Another user's id (or a stale one) must never update their contact: import it as new.
            row["id"] = None

    def import_instance(self, instance, row, **kwargs):
        """Collect every field's error for the row, the emails column included."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors.update(error.error_dict)
        parsed = self._parsed(row)
        if isinstance(parsed, RowError) and (parsed.field or "__all__") not in errors:
            errors[parsed.field or "__all__"] = [ValidationError(parsed.message)]
        if errors:
            raise ValidationError(errors)

    def init_instance(self, row=None):
        return Contact(owner=self.owner)

    def after_save_instance(self, instance, row, **kwargs):
        parsed = self._parsed(row)
        services.set_contact_emails(contact=instance, addresses=parsed.emails)
        services.set_contact_phones(contact=instance, numbers=parsed.phones)
        instance.tags.set(services.get_or_create_tags(owner=self.owner, names=parsed.tags))
        self._saved_contact_ids.append(instance.pk)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # One set-based cadence refresh for every contact the import saved, not one per row.
        if getattr(self, "_saved_contact_ids", None):
            refresh_cadence(Contact.objects.filter(pk__in=self._saved_contact_ids))
