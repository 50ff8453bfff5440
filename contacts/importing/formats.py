"""Text → ``ParsedFile``: LinkedIn Connections.csv, Google and Outlook CSV, vCard, any CSV by mapping.

Every CSV format is the same thing underneath: a header row and a *mapping* from its
columns to contact fields (``csv_headers``). LinkedIn, Google and Outlook are CSVs whose
mapping we know (LinkedIn puts free-text notes before its header; Outlook's "Title" is the
honorific); any other CSV gets a mapping the user confirms, pre-filled by ``guess_mapping``.
vCards are read by ``vcard``.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import gc
import io
import re

from ..occasions import Occasion
from .csv_headers import HEADER_SYNONYMS, MAPPING_TARGETS, NAME_TARGETS, guess_mapping, target_for
from .dates import BirthdayProblem, parse_date, read_birthday, read_yearly_date
from .decoding import ImportFileError
from .rows import ImportRow, ParsedFile, RowError, clean_row, is_url, split_values
from .vcard import is_vcard, parse_vcards

__all__ = [
    "FORMATS",
    "HEADER_SYNONYMS",
    "MAPPING_TARGETS",
    "ParsedFile",
    "detect_format",
    "estimate_rows",
    "guess_mapping",
    "parse_text",
]

FORMATS = {
    "linkedin": "LinkedIn (Connections.csv)",
    "google": "Google Contacts (CSV)",
    "outlook": "Outlook (CSV)",
    "vcard": "vCard (.vcf, from Apple, Outlook, Android…)",
    "csv": "Another CSV (you choose the columns)",
}

GOOGLE_SIGNATURE = ("e-mail 1 - value", "given name", "organization 1 - name", "organization name", "labels")
OUTLOOK_SIGNATURE = ("e-mail display name", "e-mail type", "business phone", "mobile phone", "web page", "job title")
IGNORED_GOOGLE_LABELS = {"mycontacts", "starred"}
MAX_HEADER_SEARCH_LINES = 40
_CARD_START = re.compile(r"(?:\A|[\r\n])[ \t]*BEGIN:VCARD", re.IGNORECASE)


def estimate_rows(text: str) -> int:
    """A cheap upper bound of the people in a file, to pick "now" or "in the background".
    Lines end in CRLF, LF or a lone CR (old Mac "CSV (Macintosh)"); each kind is counted."""
    if is_vcard(text):
        return sum(1 for _match in _CARD_START.finditer(text))
    return text.count("\n") + text.count("\r") - text.count("\r\n") + 1


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
    if {"first name", "last name", "e-mail address"} <= lowered and len(lowered & set(OUTLOOK_SIGNATURE)) >= 2:
        return "outlook"
    return "csv"


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Rows hold no reference cycles, so the cyclic collector has nothing to free while a file is
    read; left on, each of its full passes rescans every row read so far, and reading a 20 MB
    file costs a third more per MB than reading 2 MB (``bench import``). Reference counting
    still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_text(text: str, *, file_format: str, mapping: list[str] | None = None, max_rows: int) -> ParsedFile:
    """Parse a whole file. Per-row problems become ``RowError``; whole-file ones raise ``ImportFileError``."""
    with _cyclic_gc_paused():
        return _parse_text(text, file_format=file_format, mapping=mapping, max_rows=max_rows)


def _parse_text(text: str, *, file_format: str, mapping: list[str] | None, max_rows: int) -> ParsedFile:
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
    if not (NAME_TARGETS | {"email"}) & set(mapping):
        raise ImportFileError("No column holds a name or an email: map a column to a name or to email.")
    rows, errors = [], []
    for line, cells in _records(text, header):
        if len(rows) + len(errors) >= max_rows:
            raise ImportFileError(f"The file has more than {max_rows:,} rows; split it into smaller files.")
        row = row_from_cells(cells, mapping, line=line, linkedin=file_format == "linkedin", leave_out_bad_values=True)
        result = clean_row(row, leave_out_bad_values=True)
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
        if {target_for(cell) for cell in cells} & NAME_TARGETS:
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


def row_from_cells(
    cells: list[str], mapping: list[str], *, line: int, linkedin: bool = False, leave_out_bad_values: bool = False
) -> ImportRow | RowError:
    """One CSV row as an ``ImportRow``. A birthday that cannot be read is left out (and named)
    with ``leave_out_bad_values``; without it (the admin's import) it makes the row an error."""
    row = ImportRow(line=line)
    full_name = ""
    urls = []
    event_types: list[str] = []  # Google's "Event N - Type", paired in order with "Event N - Value"
    for target, cell in zip(mapping, cells, strict=False):
        value = (cell or "").strip()
        if target == "event_type":
            event_types.append(value)
            continue
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
            full_name = full_name or value
        elif target in ("website_url", "linkedin_url"):
            urls += [url.strip() for url in value.split(":::") if url.strip()]
        elif target == "birthday":
            if leave_out_bad_values:
                try:
                    row.birthday = row.birthday or read_birthday(value)
                except BirthdayProblem as problem:
                    row.leave_out("birthday", problem.reason, problem.text)
                continue
            try:
                row.birthday = None if value.startswith("--") else parse_date(value)
            except ValueError as error:
                return RowError(line, f"birthday {error}", "birthday")
        elif target in ("anniversary", "event_date"):
            kind = event_types[-1] if target == "event_date" and event_types else "Anniversary"
            try:
                day = read_yearly_date(value)
            except BirthdayProblem as problem:
                if not leave_out_bad_values:
                    return RowError(line, f"{target.replace('_', ' ')} “{problem.text}” is {problem.reason}", target)
                row.leave_out(kind.lower() or "date", problem.reason, problem.text)
                continue
            if day is not None:
                _add_event(row, kind, day)
        elif target == "connected_on":
            try:
                moment = None if value.startswith("--") else parse_date(value)
            except ValueError:
                moment = None
            when = f"{moment.day} {moment:%b %Y}" if moment else value
            row.how_we_met = row.how_we_met or (f"Connected on LinkedIn on {when}" if linkedin else f"Connected {when}")
        elif not getattr(row, target):
            setattr(row, target, value)
    if full_name and not (row.first_name or row.last_name):  # a full name only when no name parts
        row.first_name, _, row.last_name = full_name.partition(" ")
    _route_urls(row, urls, leave_out_bad_values)
    return row


def _add_event(row: ImportRow, kind: str, day) -> None:
    """An anniversary, or a date under Google's "Other" or the user's own label."""
    if kind.strip().lower() in ("anniversary", ""):
        row.add_occasion(Occasion.Kind.ANNIVERSARY, day)
    else:
        row.add_occasion(Occasion.Kind.OTHER, day, "Date" if kind.strip().lower() == "other" else kind.strip())


def _route_urls(row: ImportRow, urls: list[str], leave_out_bad_values: bool) -> None:
    """LinkedIn pages to the LinkedIn URL, the first other address to the website; with
    ``leave_out_bad_values``, the first *usable* one of each, the rest named as left out."""
    linkedin = [url for url in urls if "linkedin.com/" in url.lower()]
    websites = [url for url in urls if url not in linkedin]
    for field, label, candidates in (("linkedin_url", "LinkedIn URL", linkedin), ("website_url", "website", websites)):
        if not candidates:
            continue
        if not leave_out_bad_values:
            setattr(row, field, candidates[0])
            continue
        candidates = list(dict.fromkeys(candidates))
        usable = [url for url in candidates if is_url(url)] if len(candidates) > 1 else candidates
        setattr(row, field, usable[0] if usable else candidates[0])  # an unusable one is named by clean_row
        for url in usable[1:]:
            row.leave_out(label, "only one is kept", url)
