"""vCard files (3.0, 4.0, and the 2.1 quoted-printable that phones still write) through vobject.

Cards are parsed one at a time, so one broken card is one error row, not a lost file.
"""

from __future__ import annotations

import re

import vobject

from .decoding import ImportFileError
from .rows import ImportRow, ParsedFile, RowError, clean_row, parse_date, split_values, without_control_chars


def is_vcard(text: str) -> bool:
    return text.lstrip()[:11].upper() == "BEGIN:VCARD"


_QP_PROPERTY = re.compile(r"^[^:]*ENCODING=QUOTED-PRINTABLE[^:]*:", re.IGNORECASE)


def _join_quoted_printable_soft_breaks(lines: list[str]) -> list[str]:
    """vCard 2.1 continues a quoted-printable value with ``=`` at a line's end; vobject does not."""
    joined: list[str] = []
    continuing = False
    for line in lines:
        if continuing:
            joined[-1] = joined[-1][:-1] + line
        else:
            joined.append(line)
        current = joined[-1]
        continuing = bool(_QP_PROPERTY.match(current)) and current.endswith("=")
    return joined


def _vcard_chunks(text: str):
    """``(line of BEGIN, card text)`` for every card; a card's problems stay inside it."""
    current: list[str] | None = None
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            current, start = [line.strip()], number
        elif current is not None:
            current.append(line)
            if upper == "END:VCARD":
                yield start, "\r\n".join(_join_quoted_printable_soft_breaks(current)) + "\r\n"
                current = None
    if current is not None:
        yield start, None


def parse_vcards(text: str, *, max_rows: int) -> ParsedFile:
    rows, errors = [], []
    for line, card_text in _vcard_chunks(text):
        if len(rows) + len(errors) >= max_rows:
            raise ImportFileError(f"The file has more than {max_rows:,} cards; split it into smaller files.")
        if card_text is None:
            errors.append(RowError(line, "the card has no END:VCARD"))
            continue
        try:
            card = vobject.readOne(card_text)
            row = row_from_vcard(card, line=line)
        except Exception as error:  # vobject raises many kinds on bad input; one bad card is one row error
            reason = without_control_chars(str(error))[:120] or type(error).__name__
            errors.append(RowError(line, f"the card could not be read ({reason})"))
            continue
        result = clean_row(row) if isinstance(row, ImportRow) else row
        (errors if isinstance(result, RowError) else rows).append(result)
    if not rows and not errors:
        raise ImportFileError("No contact cards found in this vCard file.")
    return ParsedFile(format="vcard", rows=rows, errors=errors)


def _values(card, name: str) -> list:
    return [item.value for item in card.contents.get(name, [])]


def _text(value) -> str:
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value if v)
    return str(value or "").strip()


def row_from_vcard(card, *, line: int) -> ImportRow | RowError:
    row = ImportRow(line=line)
    names = _values(card, "n")
    if names and (names[0].given or names[0].family):
        row.first_name = _text(names[0].given)
        row.last_name = _text(names[0].family)
    elif full := _text(next(iter(_values(card, "fn")), "")):
        row.first_name, _, row.last_name = full.partition(" ")
    row.emails = [_text(v) for v in _values(card, "email")]
    row.phones = [re.sub(r"^tel:", "", _text(v), flags=re.IGNORECASE) for v in _values(card, "tel")]
    orgs = _values(card, "org")
    if orgs:
        row.company = _text(orgs[0][0] if isinstance(orgs[0], list | tuple) and orgs[0] else orgs[0])
    row.job_title = _text(next(iter(_values(card, "title")), ""))
    row.notes = "\n".join(_text(v) for v in _values(card, "note")).strip()
    for url in (_text(v) for v in _values(card, "url")):
        if "linkedin.com/" in url.lower():
            row.linkedin_url = row.linkedin_url or url
        else:
            row.website_url = row.website_url or url
    for address in _values(card, "adr"):
        row.location = ", ".join(filter(None, (_text(address.city), _text(address.country))))
        break
    for categories in _values(card, "categories"):
        row.tags += split_values(",".join(categories) if isinstance(categories, list) else categories)
    birthday = _text(next(iter(_values(card, "bday")), ""))
    if birthday and not birthday.startswith("--"):
        try:
            row.birthday = parse_date(birthday.split("T")[0])
        except ValueError as error:
            return RowError(line, f"birthday {error}", "birthday")
    return row
