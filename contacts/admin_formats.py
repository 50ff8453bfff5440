"""The admin's CSV and XLSX formats (django-import-export) with the page import's limits.

The admin reads a file inside the web request, so it takes only what the import page would not
send to the background: up to ``NETCRM_IMPORT_BACKGROUND_BYTES`` and fewer than
``NETCRM_IMPORT_BACKGROUND_ROWS`` rows. Bigger files are refused with a pointer to the import
page, which reads them in a Celery task; nothing is read past those limits (an XLSX is a zip:
its unpacked size and its sheet's row count are checked before its rows are read). Exports are
formula-escaped with the rule of every other export (``resources.escape_formula``).
"""

from __future__ import annotations

import csv
import io
import zipfile

import tablib
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from .importing import ImportFileError, decode_upload
from .importing.formats import find_header
from .resources import escape_formula


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def to_the_import_page(reason: str) -> str:
    """``reason``, then a link to the import page (HTML, safe to show)."""
    return format_html(
        '{} Use the <a href="{}">import page</a>: it reads big files in the background and shows '
        "a preview before anything is written.",
        reason,
        reverse("transfer:import_start"),
    )


def check_row_count(rows: int) -> None:
    """Refuse (before more is read) a file with more rows than the admin reads in a request."""
    if rows > settings.NETCRM_IMPORT_MAX_ROWS:
        raise ImportFileError(
            f"The file has more than {settings.NETCRM_IMPORT_MAX_ROWS:,} rows, the most an import takes. "
            "Split it first."
        )
    if rows >= settings.NETCRM_IMPORT_BACKGROUND_ROWS:
        raise ImportFileError(
            to_the_import_page(
                f"The file has {rows:,} rows or more; the admin reads fewer than "
                f"{settings.NETCRM_IMPORT_BACKGROUND_ROWS:,} at a time."
            )
        )


def _escaped(dataset: tablib.Dataset) -> tablib.Dataset:
    safe = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        safe.append([escape_formula(cell) for cell in row])
    return safe


def _rectangular(headers: list, rows: list[list]) -> tablib.Dataset:
    """A dataset of ``rows`` cut or padded to the header's width (tablib wants every row as wide)."""
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append((list(row) + [""] * width)[:width])
    return dataset


class AdminCSV(CSV):
    """CSV read as bytes and decoded by the page import's rules (UTF-8, UTF-16, Windows-1252;
    a preamble above the header; `,` `;` or tab), row by row up to the admin's limit."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        raw = in_stream.encode() if isinstance(in_stream, str) else bytes(in_stream)
        text, _encoding = decode_upload(raw)
        header = find_header(text)
        reader = csv.reader(io.StringIO(text[header.offset :], newline=""), delimiter=header.delimiter)
        rows = []
        try:
            next(reader)  # the header itself
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.append(row)
                    check_row_count(len(rows))
        except csv.Error as error:
            raise ImportFileError(f"Line {header.line + reader.line_num - 1}: {error}; the file cannot be read as CSV.")
        return _rectangular(header.cells, rows)

    def export_data(self, dataset, **kwargs):
        return super().export_data(_escaped(dataset), **kwargs)


class AdminXLSX(XLSX):
    """The first sheet of a workbook whose unpacked size and row count are checked first."""

    def create_dataset(self, in_stream):
        import openpyxl

        raw = bytes(in_stream)
        try:
            unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(raw)).infolist())
        except (zipfile.BadZipFile, ValueError, OSError):
            raise ImportFileError("This is not an XLSX workbook. Save it from your spreadsheet as .xlsx or CSV.")
        if unpacked > settings.NETCRM_IMPORT_MAX_BYTES:
            raise ImportFileError(
                f"The workbook unpacks to {_megabytes(unpacked)}; the limit is "
                f"{_megabytes(settings.NETCRM_IMPORT_MAX_BYTES)}. Save it as CSV and use the import page."
            )
        try:
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            sheet = book.active
            if sheet is None:
                raise ImportFileError("The workbook has no sheet to import.")
            if sheet.max_row:  # from the sheet's own dimension, before a row is read
                check_row_count(sheet.max_row - 1)
            # The dimension can be missing or understated; read_only would then stop at its claim
            # and drop the rest silently, so read every row, counting them against the limit.
            sheet.reset_dimensions()
            rows = sheet.iter_rows(values_only=True)
            headers = ["" if value is None else str(value) for value in next(rows, ())]
            body = []
            for row in rows:
                body.append(["" if value is None else value for value in row])
                check_row_count(len(body))
        except ImportFileError:
            raise
        except Exception as error:  # a damaged workbook: openpyxl raises many kinds
            raise ImportFileError(f"The workbook cannot be read ({type(error).__name__}).")
        return _rectangular(headers, body)

    def export_data(self, dataset, **kwargs):
        return super().export_data(_escaped(dataset), **kwargs)


class AdminImportForm(ImportForm):
    """The admin's upload form: the size limits come before the file is even written to disk."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.NETCRM_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {_megabytes(upload.size)}; the limit is "
                f"{_megabytes(settings.NETCRM_IMPORT_MAX_BYTES)}. Split it first."
            )
        if upload.size > settings.NETCRM_IMPORT_BACKGROUND_BYTES:
            limit_kb = settings.NETCRM_IMPORT_BACKGROUND_BYTES // 1024
            raise forms.ValidationError(
                to_the_import_page(f"The file is {_megabytes(upload.size)}; the admin reads files up to {limit_kb} KB.")
            )
        return upload
