"""The common row shape every format is parsed into, and the rules a row must meet."""

from __future__ import annotations

import dataclasses
import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from ..models import Contact, ContactPhone

# Simple text fields of Contact an import may fill, in the order a preview lists them.
TEXT_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "job_title",
    "location",
    "linkedin_url",
    "website_url",
    "how_we_met",
    "where_we_met",
    "notes",
)
URL_FIELDS = ("linkedin_url", "website_url")
# Fields whose existing value an import never overwrites, only fills when empty.
FILL_ONLY_FIELDS = ("notes", "how_we_met", "where_we_met")

DATE_FORMATS = ("%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%Y%m%d", "%d.%m.%Y", "%Y/%m/%d")


@dataclasses.dataclass
class ImportRow:
    """One person as read from a file; ``line`` is where they start in it (1-based)."""

    line: int
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    job_title: str = ""
    location: str = ""
    linkedin_url: str = ""
    website_url: str = ""
    how_we_met: str = ""
    where_we_met: str = ""
    notes: str = ""
    birthday: datetime.date | None = None
    emails: list[str] = dataclasses.field(default_factory=list)
    phones: list[str] = dataclasses.field(default_factory=list)
    tags: list[str] = dataclasses.field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def to_json(self) -> dict:
        # Not dataclasses.asdict: its deep copies cost seconds at 30,000 rows.
        data = {field.name: getattr(self, field.name) for field in _ROW_FIELDS}
        data["birthday"] = self.birthday.isoformat() if self.birthday else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> ImportRow:
        data = dict(data)
        data["birthday"] = datetime.date.fromisoformat(data["birthday"]) if data.get("birthday") else None
        return cls(**data)


_ROW_FIELDS = dataclasses.fields(ImportRow)


@dataclasses.dataclass
class RowError:
    line: int
    message: str
    field: str = ""  # the contact field at fault, when there is one (the admin shows it there)
    name: str = ""  # who the row is about, when that could be read

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


def split_values(value) -> list[str]:
    """``"a@x.org; b@y.org"`` (also commas and Google's ``:::``) → a list without blanks or repeats."""
    if value in (None, ""):
        return []
    text = str(value).replace(":::", ";").replace(",", ";")
    return list(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))


def parse_date(text: str) -> datetime.date | None:
    """A date as address books and LinkedIn write it; ``None`` if empty; ``ValueError`` if unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"“{text[:40]}” is not a date we can read (try 2021-03-05)")


_LINKEDIN_RE = re.compile(r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/", re.IGNORECASE)


def normalize_linkedin_url(url: str) -> str:
    """The part of a LinkedIn profile URL that identifies the person (for matching)."""
    url = (url or "").strip()
    if not url:
        return ""
    url = re.sub(r"^https?://", "", url, flags=re.IGNORECASE)
    url = re.sub(r"^(www|[a-z]{2,3})\.linkedin\.com", "linkedin.com", url, flags=re.IGNORECASE)
    return url.split("?")[0].split("#")[0].rstrip("/").lower()


def _field_max_length(name: str) -> int:
    return Contact._meta.get_field(name).max_length or 0


def _unique_casefolded(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        value = (value or "").strip()
        if value and value.lower() not in seen:
            seen[value.lower()] = value
    return list(seen.values())


_url_validator = URLValidator(schemes=["http", "https"])


def clean_row(row: ImportRow) -> ImportRow | RowError:
    """Normalise ``row`` in place and check it would make a valid contact; else say why."""
    result = _clean_row(row)
    if isinstance(result, RowError) and not result.name:
        result.name = row.full_name[:200] or (row.emails[0][:200] if row.emails else "")
    return result


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_chars(text: str) -> str:
    """Text minus control characters (a NUL from a decoded vCard value would not even store)."""
    return _CONTROL_CHARS.sub("", text)


def _clean_row(row: ImportRow) -> ImportRow | RowError:
    for name in TEXT_FIELDS:
        value = without_control_chars(str(getattr(row, name) or ""))
        setattr(row, name, value.strip() if name == "notes" else " ".join(value.split()))
    row.emails = _unique_casefolded([without_control_chars(e) for e in row.emails])
    row.phones = list(dict.fromkeys(without_control_chars(p).strip() for p in row.phones if p and p.strip()))
    row.tags = list(dict.fromkeys(without_control_chars(t).strip()[:50] for t in row.tags if t and t.strip()))
    row.tags = [tag for tag in row.tags if tag]
    if not row.first_name and row.last_name:
        row.first_name, row.last_name = row.last_name, ""
    if not row.first_name:
        return RowError(row.line, "no name (a contact needs at least a first name)", "first_name")
    for name in URL_FIELDS:
        value = getattr(row, name)
        if value and not re.match(r"^https?://", value, re.IGNORECASE):
            value = "https://" + value
            setattr(row, name, value)
        if value:
            try:
                _url_validator(value)
            except ValidationError:
                label = Contact._meta.get_field(name).verbose_name
                return RowError(row.line, f"{label} “{value[:80]}” is not a URL", name)
    for name in TEXT_FIELDS:
        limit = _field_max_length(name)
        if limit and len(getattr(row, name)) > limit:
            label = Contact._meta.get_field(name).verbose_name
            return RowError(row.line, f"{label} is longer than {limit} characters", name)
    for address in row.emails:
        try:
            validate_email(address)
        except ValidationError:
            return RowError(row.line, f"“{address[:80]}” is not a valid email address", "emails")
    phone_limit = ContactPhone._meta.get_field("number").max_length
    for number in row.phones:
        if len(number) > phone_limit:
            return RowError(
                row.line, f"phone number “{number[:50]}…” is longer than {phone_limit} characters", "phones"
            )
    return row


@dataclasses.dataclass
class ParsedFile:
    format: str
    rows: list[ImportRow]
    errors: list[RowError]
    headers: list[str] = dataclasses.field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.errors)

    def to_json(self) -> dict:
        return {
            "format": self.format,
            "headers": self.headers,
            "rows": [row.to_json() for row in self.rows],
            "errors": [error.to_json() for error in self.errors],
        }

    @classmethod
    def from_json(cls, data: dict) -> ParsedFile:
        return cls(
            format=data["format"],
            headers=data.get("headers", []),
            rows=[ImportRow.from_json(row) for row in data["rows"]],
            errors=[RowError(**error) for error in data["errors"]],
        )
