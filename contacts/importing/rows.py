"""The common row shape every format is parsed into, and the rules a row must meet."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from ..models import Contact, ContactEmail, ContactPhone
from .dates import parse_date
from .leftout import LeftOut

__all__ = [
    "ImportRow",
    "ParsedFile",
    "RowError",
    "clean_row",
    "is_url",
    "parse_date",
    "split_values",
    "without_control_chars",
]

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
NAME_FROM_EMAIL = "name taken from the email address"


@dataclasses.dataclass
class ImportRow:
    """One person as read from a file; ``line`` is where they start in it (1-based).

    ``left_out`` lists the values the file had for this person that the import cannot use;
    ``name_from_email`` marks a name made up from the address because the file had none."""

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
    # Anniversaries and other dates, as stored: {"kind": an Occasion.Kind, "label": "", "on": ISO date}.
    occasions: list[dict] = dataclasses.field(default_factory=list)
    name_from_email: bool = False
    left_out: list[LeftOut] = dataclasses.field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def leave_out(self, label: str, reason: str, value: str = "", group: str = "", *, where: str = "") -> None:
        """Record that ``value`` (quoted on the preview) or the thing ``where`` names is left out."""
        detail = f"“{_short(value)}”" if value else where
        self.left_out.append(LeftOut(label, reason, detail, group))

    def add_occasion(self, kind: str, day: datetime.date, label: str = "") -> None:
        occasion = {"kind": kind, "label": label[:80], "on": day.isoformat()}
        if occasion not in self.occasions:
            self.occasions.append(occasion)

    def to_json(self) -> dict:
        # Not dataclasses.asdict: its deep copies cost seconds at 30,000 rows. ``left_out`` is
        # not kept: the preview has already said it, and writing the rows does not need it.
        data = {field.name: getattr(self, field.name) for field in _STORED_FIELDS}
        data["birthday"] = self.birthday.isoformat() if self.birthday else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> ImportRow:
        data = dict(data)
        data["birthday"] = datetime.date.fromisoformat(data["birthday"]) if data.get("birthday") else None
        return cls(**data)


_STORED_FIELDS = [field for field in dataclasses.fields(ImportRow) if field.name != "left_out"]


@dataclasses.dataclass
class RowError:
    line: int
    message: str
    field: str = ""  # the contact field at fault, when there is one (the admin shows it there)
    name: str = ""  # who the row is about, when that could be read

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_values(value) -> list[str]:
    """``"a@x.org; b@y.org"`` (also commas and Google's ``:::``) → a list without blanks or repeats."""
    if value in (None, ""):
        return []
    text = str(value).replace(":::", ";").replace(",", ";")
    return list(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))


_LINKEDIN_RE = re.compile(r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/", re.IGNORECASE)


def normalize_linkedin_url(url: str) -> str:
    """The part of a LinkedIn profile URL that identifies the person (for matching)."""
    url = (url or "").strip()
    if not url:
        return ""
    url = re.sub(r"^https?://", "", url, flags=re.IGNORECASE)
    url = re.sub(r"^(www|[a-z]{2,3})\.linkedin\.com", "linkedin.com", url, flags=re.IGNORECASE)
    return url.split("?")[0].split("#")[0].rstrip("/").lower()


@functools.cache
def _field_max_length(name: str) -> int:
    return Contact._meta.get_field(name).max_length or 0


@functools.cache
def _label(name: str) -> str:
    return str(Contact._meta.get_field(name).verbose_name)


def _unique_casefolded(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        value = (value or "").strip()
        if value and value.lower() not in seen:
            seen[value.lower()] = value
    return list(seen.values())


_url_validator = URLValidator(schemes=["http", "https"])
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_url(value: str) -> bool:
    """Whether ``value`` is a web address (``www.example.org`` counts: https:// is added)."""
    value = (value or "").strip()
    if value and not re.match(r"^https?://", value, re.IGNORECASE):
        value = "https://" + value
    try:
        _url_validator(value)
    except ValidationError:
        return False
    return True


def without_control_chars(text: str) -> str:
    """Text minus control characters (a NUL from a decoded vCard value would not even store)."""
    return _CONTROL_CHARS.sub("", text)


def clean_row(row: ImportRow, *, leave_out_bad_values: bool = False) -> ImportRow | RowError:
    """Normalise ``row`` in place and check it would make a valid contact.

    With ``leave_out_bad_values`` (the import pages), a value that cannot be used is removed
    and recorded in ``row.left_out``, a row with an email and no name is named after its
    address, and only a row with neither a name nor an email is a ``RowError``. Without it (the
    admin's import, where a person fixes the sheet and tries again), the first bad value makes
    the row a ``RowError`` saying why."""
    result = _clean_row(row, leave_out_bad_values)
    if isinstance(result, RowError) and not result.name:
        result.name = row.full_name[:200] or (row.emails[0][:200] if row.emails else "")
    return result


def _normalise(row: ImportRow) -> None:
    row.left_out = list(dict.fromkeys(row.left_out))  # Outlook's photo twice (PHOTO, X-MS-CARDPICTURE) is one
    for name in TEXT_FIELDS:
        value = getattr(row, name)
        if not value:
            continue
        value = without_control_chars(str(value))
        if name == "notes":  # line breaks as \n, however the file wrote them (QP =0D=0A, CRLF in CSV)
            setattr(row, name, value.replace("\r\n", "\n").replace("\r", "\n").strip())
        else:
            setattr(row, name, " ".join(value.split()))
    row.emails = _unique_casefolded([without_control_chars(e) for e in row.emails])
    row.phones = list(dict.fromkeys(" ".join(without_control_chars(p).split()) for p in row.phones if p and p.strip()))
    row.tags = list(dict.fromkeys(without_control_chars(t).strip()[:50] for t in row.tags if t and t.strip()))
    row.tags = [tag for tag in row.tags if tag]
    if not row.first_name and row.last_name:
        row.first_name, row.last_name = row.last_name, ""


def _problems(row: ImportRow):
    """``(field, value, detail, label, reason, admin message)`` for every value of ``row`` that
    cannot be kept; ``detail`` is what the preview quotes of it."""
    for name in URL_FIELDS:
        value = written = getattr(row, name)
        if value and not re.match(r"^https?://", value, re.IGNORECASE):
            value = "https://" + value
            setattr(row, name, value)
        if value:
            try:
                _url_validator(value)
            except ValidationError:
                message = f"{_label(name)} “{value[:80]}” is not a URL"
                yield name, value, written, _label(name), "not a URL", message
    for name in TEXT_FIELDS:
        limit = _field_max_length(name)
        value = getattr(row, name)
        if limit and len(value) > limit:
            message = f"{_label(name)} is longer than {limit} characters"
            yield name, value, "", _label(name), f"longer than {limit} characters", message
    email_limit = ContactEmail._meta.get_field("address").max_length
    for address in row.emails:
        try:
            if len(address) > email_limit:
                raise ValidationError("too long")
            validate_email(address)
        except ValidationError:
            message = f"“{address[:80]}” is not a valid email address"
            yield "emails", address, address, "email address", "not valid", message
    phone_limit = ContactPhone._meta.get_field("number").max_length
    for number in row.phones:
        if len(number) > phone_limit:
            message = f"phone number “{number[:50]}…” is longer than {phone_limit} characters"
            yield "phones", number, "", "phone number", f"longer than {phone_limit} characters", message


def _clean_row(row: ImportRow, leave_out_bad_values: bool) -> ImportRow | RowError:
    _normalise(row)
    if not leave_out_bad_values and not row.first_name:
        return RowError(row.line, "no name (a contact needs at least a first name)", "first_name")
    for field, value, detail, label, reason, message in list(_problems(row)):
        if not leave_out_bad_values:
            return RowError(row.line, message, field)
        if field == "emails":
            row.emails.remove(value)
        elif field == "phones":
            row.phones.remove(value)
        else:
            setattr(row, field, "")
        row.leave_out(label, reason, detail)
    if not row.first_name and not row.last_name and row.emails:
        row.first_name, row.last_name = name_from_address(row.emails[0])
        row.name_from_email = True
    if not row.first_name and row.last_name:
        row.first_name, row.last_name = row.last_name, ""
    if not row.first_name:
        return RowError(row.line, "no name and no email address (a contact needs one of them)", "first_name")
    return row


def name_from_address(address: str) -> tuple[str, str]:
    """``"ada.lovelace+crm@example.org"`` → ``("Ada", "Lovelace")``: a name a person can correct later."""
    local = address.split("@", 1)[0].split("+", 1)[0]
    words = [word for word in re.split(r"[._\-]+", local) if word] or [local or address]
    first, *rest = (word[:1].upper() + word[1:] for word in words)
    limit = _field_max_length("first_name")
    return first[:limit], " ".join(rest)[: _field_max_length("last_name")]


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
