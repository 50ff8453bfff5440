"""Text → ``ParsedFile``: LinkedIn Connections.csv, Google Contacts CSV, vCard, any CSV by mapping.

Every CSV format is the same thing underneath: a header row and a *mapping* from its
columns to contact fields. LinkedIn and Google are CSVs whose mapping we know (and LinkedIn
puts free-text notes before its header); any other CSV gets a mapping the user confirms,
pre-filled by ``guess_mapping``. vCards are parsed by vobject (``vcard.py``).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re

from .decoding import ImportFileError
from .rows import ImportRow, ParsedFile, RowError, clean_row, parse_date, split_values
from .vcard import is_vcard, parse_vcards

__all__ = ["FORMATS", "MAPPING_TARGETS", "ParsedFile", "detect_format", "guess_mapping", "parse_text"]

FORMATS = {
    "linkedin": "LinkedIn (Connections.csv)",
    "google": "Google Contacts (CSV)",
    "vcard": "vCard (.vcf, from Apple, Outlook, Android…)",
    "csv": "Another CSV (you choose the columns)",
}

# Mapping targets for a CSV column, as offered on the mapping page.
MAPPING_TARGETS = {
    "": "— ignore —",
    "first_name": "First name",
    "last_name": "Last name",
    "full_name": "Full name (split into first and last)",
    "email": "Email",
    "phone": "Phone",
    "company": "Company",
    "job_title": "Job title",
    "location": "Location",
    "linkedin_url": "LinkedIn URL",
    "website_url": "Website",
    "birthday": "Birthday",
    "notes": "Notes",
    "tags": "Tags",
    "how_we_met": "How we met",
    "where_we_met": "Where we met",
    "connected_on": "Connected on (date)",
}

# Header names (lower case) other tools use for each target; LinkedIn's and Google's included.
HEADER_SYNONYMS = {
    "first_name": ["nombre", "first name", "first_name", "given name", "firstname", "first", "vorname", "prénom"],
    "last_name": [
        "apellido",
        "apellidos",
        "last name",
        "last_name",
        "family name",
        "surname",
        "lastname",
        "last",
        "nachname",
        "nom",
    ],
    "full_name": [
        "nom complet",
        "nombre completo",
        "contact",
        "contact name",
        "name",
        "full name",
        "display name",
        "full_name",
    ],
    "email": [
        "courriel",
        "e-mail-adresse",
        "correo",
        "correo electrónico",
        "email address",
        "email",
        "e-mail",
        "emails",
        "e-mail address",
        "mail",
        "e-mail 1 - value",
        "e-mail 2 - value",
        "e-mail 3 - value",
        "email 1",
        "email 2",
        "primary email",
    ],
    "phone": [
        "téléphone",
        "telefon",
        "teléfono",
        "portable",
        "handy",
        "phone",
        "phones",
        "phone number",
        "mobile",
        "mobile phone",
        "telephone",
        "phone 1 - value",
        "phone 2 - value",
        "phone 3 - value",
        "business phone",
        "home phone",
    ],
    "company": [
        "société",
        "entreprise",
        "firma",
        "empresa",
        "unternehmen",
        "company",
        "organization",
        "organisation",
        "organization 1 - name",
        "organization name",
        "employer",
    ],
    "job_title": [
        "position",
        "job title",
        "job_title",
        "title",
        "organization 1 - title",
        "organization title",
        "role",
    ],
    "location": ["ville", "stadt", "ciudad", "location", "city", "address 1 - city", "town"],
    "linkedin_url": ["url", "linkedin", "linkedin url", "linkedin_url", "profile url", "linkedin profile"],
    "website_url": ["website", "website_url", "web page", "website 1 - value", "homepage", "web"],
    "birthday": ["birthday", "birth date", "date of birth", "birthdate"],
    "notes": ["remarques", "notizen", "notas", "notes", "note", "comments"],
    "tags": ["tags", "labels", "group membership", "groups", "categories"],
    "how_we_met": ["how we met", "how_we_met"],
    "where_we_met": ["where we met", "where_we_met"],
    "connected_on": ["connected on", "connected_on", "connected"],
}
_SYNONYM_TO_TARGET = {name: target for target, names in HEADER_SYNONYMS.items() for name in names}

GOOGLE_SIGNATURE = ("e-mail 1 - value", "given name", "organization 1 - name", "organization name", "labels")
IGNORED_GOOGLE_LABELS = {"mycontacts", "starred"}
MAX_HEADER_SEARCH_LINES = 40


def estimate_rows(text: str) -> int:
    """A cheap upper bound of the people in a file, to pick "now" or "in the background"."""
    if is_vcard(text):
        return len(re.findall(r"^BEGIN:VCARD", text, flags=re.IGNORECASE | re.MULTILINE))
    return text.count("\n") + 1


def detect_format(text: str) -> str:
    if is_vcard(text):
        return "vcard"
    try:
        header = find_header(text)
    except ImportFileError:
        return "csv"
    lowered = {cell.strip().lower() for cell in header.cells}
    if {"first name", "last name", "url", "connected on"} <= lowered:
        return "linkedin"
    if lowered & set(GOOGLE_SIGNATURE) and ({"given name", "family name"} <= lowered or "e-mail 1 - value" in lowered):
        return "google"
    return "csv"


def parse_text(text: str, *, file_format: str, mapping: list[str] | None = None, max_rows: int) -> ParsedFile:
    """Parse a whole file. Per-row problems become ``RowError``; whole-file ones raise ``ImportFileError``."""
    if file_format == "vcard":
        if not is_vcard(text):
            raise ImportFileError("This is not a vCard file: it does not start with BEGIN:VCARD.")
        return parse_vcards(text, max_rows=max_rows)
    if file_format not in FORMATS:
        raise ImportFileError(f"Unknown format “{file_format}”.")
    if is_vcard(text):
        raise ImportFileError("This is a vCard file, not a CSV; choose vCard.")
    header = find_header(text, require_names=file_format == "linkedin")
    if mapping is None:
        mapping = guess_mapping(header.cells)
    if len(mapping) != len(header.cells):
        raise ImportFileError("The column mapping does not fit this file's columns; choose them again.")
    if not {"first_name", "last_name", "full_name"} & set(mapping):
        raise ImportFileError("No column holds a name: map at least one column to first, last or full name.")
    rows, errors = [], []
    for line, cells in _records(text, header):
        if len(rows) + len(errors) >= max_rows:
            raise ImportFileError(f"The file has more than {max_rows:,} rows; split it into smaller files.")
        result = clean_row(row_from_cells(cells, mapping, line=line, linkedin=file_format == "linkedin"))
        (errors if isinstance(result, RowError) else rows).append(result)
    return ParsedFile(format=file_format, rows=rows, errors=errors, headers=header.cells)


@dataclasses.dataclass
class Header:
    cells: list[str]
    line: int
    delimiter: str
    offset: int  # character offset where the header line starts


def _delimiter(lines: list[str]) -> str:
    sample = "\n".join(lines[:10])
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def find_header(text: str, *, require_names: bool = False) -> Header:
    """The header row: the first row naming a name column (LinkedIn writes notes above it)."""
    lines = text.splitlines(keepends=True)[:MAX_HEADER_SEARCH_LINES]
    offset = 0
    first_nonblank = None
    candidates = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            candidates.append((number, offset))
        offset += len(line)
    delimiter = _delimiter([line for line in lines if line.strip()][-10:] or lines)
    for number, start in candidates:
        try:
            cells = next(csv.reader(io.StringIO(text[start : start + 10000], newline=""), delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        cells = [cell.strip() for cell in cells]
        if first_nonblank is None and len(cells) > 1:
            first_nonblank = Header(cells, number, delimiter, start)
        if {_SYNONYM_TO_TARGET.get(cell.lower()) for cell in cells} & {"first_name", "last_name", "full_name"}:
            return Header(cells, number, delimiter, start)
    if first_nonblank is not None and not require_names:
        return first_nonblank
    raise ImportFileError("No header row found: the file needs a first row naming its columns (e.g. First Name).")


def _records(text: str, header: Header):
    """``(line number, cells)`` for every non-blank data row after the header."""
    reader = csv.reader(io.StringIO(text[header.offset :], newline=""), delimiter=header.delimiter)
    try:
        next(reader)
        previous_end = reader.line_num
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield header.line + start - 1, cells
    except csv.Error as error:
        raise ImportFileError(f"Line {header.line + reader.line_num - 1} is not valid CSV ({error}).")


def guess_mapping(headers: list[str]) -> list[str]:
    """A target per column from its header name ("" = ignore). Several columns may feed one
    target: lists (email, phone, tags) collect them all, other fields take the first non-empty."""
    return [_SYNONYM_TO_TARGET.get(header.strip().lower(), "") for header in headers]


def row_from_cells(cells: list[str], mapping: list[str], *, line: int, linkedin: bool = False) -> ImportRow | RowError:
    row = ImportRow(line=line)
    full_name = ""
    for target, cell in zip(mapping, cells, strict=False):
        value = (cell or "").strip()
        if not target or not value:
            continue
        if target == "email":
            row.emails += split_values(value)
        elif target == "phone":
            row.phones += [p.strip() for p in value.replace(":::", ";").split(";") if p.strip()]
        elif target == "tags":
            row.tags += [
                t.lstrip("* ") for t in split_values(value) if t.lstrip("* ").lower() not in IGNORED_GOOGLE_LABELS
            ]
        elif target == "full_name":
            full_name = value
        elif target in ("birthday", "connected_on"):
            try:
                moment = None if value.startswith("--") else parse_date(value)
            except ValueError as error:
                if target == "birthday":
                    return RowError(line, f"birthday {error}", "birthday")
                moment = None
            if target == "birthday":
                row.birthday = moment
            else:
                when = f"{moment.day} {moment:%b %Y}" if moment else value
                row.how_we_met = row.how_we_met or (
                    f"Connected on LinkedIn on {when}" if linkedin else f"Connected {when}"
                )
        elif not getattr(row, target):
            setattr(row, target, value)
    if full_name and not (row.first_name or row.last_name):  # a full name only when no name parts
        row.first_name, _, row.last_name = full_name.partition(" ")
    if row.website_url and "linkedin.com/" in row.website_url.lower() and not row.linkedin_url:
        row.linkedin_url, row.website_url = row.website_url, ""
    return row
