"""What a CSV column holds, from its header: the names LinkedIn, Google, Outlook, Excel users
and other tools give each contact field, in several languages."""

from __future__ import annotations

import re

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
    "anniversary": "Anniversary (date)",
    "event_type": "Event type (Google's “Event 1 - Type”)",
    "event_date": "Event date (Google's “Event 1 - Value”)",
    "notes": "Notes",
    "tags": "Tags",
    "how_we_met": "How we met",
    "where_we_met": "Where we met",
    "connected_on": "Connected on (date)",
}
NAME_TARGETS = {"first_name", "last_name", "full_name"}

# Header names (lower case) other tools use for each target; LinkedIn's, Google's and Outlook's included.
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
        "mobiltelefon",
        "phone",
        "phones",
        "phone number",
        "mobile",
        "mobile phone",
        "cell phone",
        "telephone",
        "business phone",
        "business phone 2",
        "home phone",
        "home phone 2",
        "primary phone",
        "other phone",
        "company main phone",
        "car phone",
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
        "organization name",
        "employer",
    ],
    "job_title": ["position", "job title", "job_title", "title", "organization title", "role"],
    "location": ["ville", "stadt", "ciudad", "location", "city", "town", "business city", "home city", "other city"],
    "linkedin_url": ["url", "linkedin", "linkedin url", "linkedin_url", "profile url", "linkedin profile"],
    "website_url": ["website", "website_url", "web page", "personal web page", "homepage", "web", "webseite"],
    "birthday": ["birthday", "birth date", "date of birth", "birthdate", "geburtstag", "geburtsdatum"],
    "anniversary": ["anniversary", "wedding anniversary", "jahrestag", "anniversaire", "aniversario"],
    "notes": ["remarques", "notizen", "notas", "notes", "note", "comments"],
    "tags": ["tags", "labels", "group membership", "groups", "categories", "kategorien"],
    "how_we_met": ["how we met", "how_we_met"],
    "where_we_met": ["where we met", "where_we_met"],
    "connected_on": ["connected on", "connected_on", "connected"],
}
_SYNONYM_TO_TARGET = {name: target for target, names in HEADER_SYNONYMS.items() for name in names}
# Numbered columns: Google's "E-mail 3 - Value", "Phone 2 - Value", "Organization 1 - Name"…;
# Outlook's "E-mail 2 Address".
_NUMBERED = [
    (re.compile(r"^e-?mail \d+ - value$"), "email"),
    (re.compile(r"^e-?mail \d+ address$"), "email"),
    (re.compile(r"^phone \d+ - value$"), "phone"),
    (re.compile(r"^website \d+ - value$"), "website_url"),
    (re.compile(r"^address \d+ - city$"), "location"),
    (re.compile(r"^organization \d+ - name$"), "company"),
    (re.compile(r"^organization \d+ - title$"), "job_title"),
    # Google's events: "Event 1 - Type" (Anniversary, Other or the user's label) beside "Event 1 - Value".
    (re.compile(r"^events? \d+ - (type|label)$"), "event_type"),
    (re.compile(r"^events? \d+ - value$"), "event_date"),
]


def target_for(header: str) -> str:
    """The contact field a column named ``header`` holds, or "" (ignore it)."""
    name = " ".join(header.strip().lower().split())
    if name in _SYNONYM_TO_TARGET:
        return _SYNONYM_TO_TARGET[name]
    return next((target for pattern, target in _NUMBERED if pattern.match(name)), "")


def guess_mapping(headers: list[str]) -> list[str]:
    """A target per column from its header name ("" = ignore). Several columns may feed one
    target: lists (email, phone, tags, websites) collect them all, other fields take the first
    non-empty. Beside a "Job Title" column, "Title" is the honorific (Outlook's Mr./Dr.)."""
    lowered = [header.strip().lower() for header in headers]
    mapping = [target_for(header) for header in headers]
    if "job title" in lowered:
        mapping = ["" if name == "title" else target for name, target in zip(lowered, mapping, strict=True)]
    return mapping
