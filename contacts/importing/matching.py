"""Which existing contact a row is: by email, else LinkedIn URL, else name and company.

``Matcher`` reads the owner's contacts once (three queries, whatever the number of rows)
and answers in memory, so matching 30,000 rows costs the same queries as matching one.
Rows taken as new are remembered too, so the same person twice in one file is caught.
"""

from __future__ import annotations

import dataclasses
import re

from ..models import Contact, ContactEmail, ContactPhone, Occasion
from .rows import TEXT_FIELDS, ImportRow, normalize_linkedin_url

BY_EMAIL = "email"
BY_LINKEDIN = "LinkedIn URL"
BY_NAME = "name and company"


def name_key(first_name: str, last_name: str, company: str) -> tuple[str, str, str]:
    return (first_name.casefold().strip(), last_name.casefold().strip(), company.casefold().strip())


def phone_key(number: str) -> str:
    digits = re.sub(r"[^\d+]", "", number)
    return digits or number.strip()


@dataclasses.dataclass
class Match:
    contact_id: int | None = None  # an existing contact
    duplicate_of_line: int | None = None  # an earlier row of the same file
    matched_by: str = ""


class Matcher:
    def __init__(self, owner):
        self.contacts: dict[int, dict] = {}
        self._by_email: dict[str, int] = {}
        self._by_linkedin: dict[str, int] = {}
        self._by_name: dict[tuple, int] = {}
        self.emails: dict[int, list[str]] = {}
        self.phones: dict[int, list[str]] = {}
        self._new_by_email: dict[str, int] = {}
        self._new_by_linkedin: dict[str, int] = {}
        self._new_by_name: dict[tuple, int] = {}
        fields = ("pk", *TEXT_FIELDS, "birthday")
        for values in Contact.objects.for_user(owner).order_by("pk").values(*fields).iterator(chunk_size=5000):
            pk = values["pk"]
            self.contacts[pk] = values
            if url := normalize_linkedin_url(values["linkedin_url"]):
                self._by_linkedin.setdefault(url, pk)
            self._by_name.setdefault(name_key(values["first_name"], values["last_name"], values["company"]), pk)
        emails = ContactEmail.objects.filter(contact__owner=owner).order_by("contact_id", "position", "pk")
        for address, contact_id in emails.values_list("address", "contact_id").iterator(chunk_size=5000):
            self._by_email.setdefault(address.lower(), contact_id)
            self.emails.setdefault(contact_id, []).append(address)
        phones = ContactPhone.objects.filter(contact__owner=owner).order_by("contact_id", "position", "pk")
        for number, contact_id in phones.values_list("number", "contact_id").iterator(chunk_size=5000):
            self.phones.setdefault(contact_id, []).append(number)
        # Each contact's important dates as an import row holds them, so a file's dates are added once.
        self.occasions: dict[int, list[dict]] = {}
        dates = Occasion.objects.filter(owner=owner).values_list("contact_id", "kind", "label", "on")
        for contact_id, kind, label, on in dates.iterator(chunk_size=5000):
            self.occasions.setdefault(contact_id, []).append({"kind": kind, "label": label, "on": on.isoformat()})

    def find(self, row: ImportRow) -> Match | None:
        """The existing contact (or earlier row) ``row`` is, by the strongest key first."""
        url = normalize_linkedin_url(row.linkedin_url)
        name = name_key(row.first_name, row.last_name, row.company)
        for existing, new, keys, matched_by in (
            (self._by_email, self._new_by_email, [e.lower() for e in row.emails], BY_EMAIL),
            (self._by_linkedin, self._new_by_linkedin, [url] if url else [], BY_LINKEDIN),
            (self._by_name, self._new_by_name, [] if row.name_from_email else [name], BY_NAME),
        ):
            for key in keys:
                if key in existing:
                    return Match(contact_id=existing[key], matched_by=matched_by)
                if key in new:
                    return Match(duplicate_of_line=new[key], matched_by=matched_by)
        return None

    def remember_new(self, row: ImportRow) -> None:
        for address in row.emails:
            self._new_by_email.setdefault(address.lower(), row.line)
        if url := normalize_linkedin_url(row.linkedin_url):
            self._new_by_linkedin.setdefault(url, row.line)
        if not row.name_from_email:
            self._new_by_name.setdefault(name_key(row.first_name, row.last_name, row.company), row.line)
