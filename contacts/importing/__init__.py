"""Bringing contacts in: the one set of parsing and matching rules.

Both the import pages (the ``transfer`` app) and the admin's django-import-export
resource (``contacts.resources``) go through this package, so a file means the same thing
whichever door it comes in by:

- ``decoding``  bytes → text (UTF-8 with/without BOM, UTF-16, Windows-1252) or a clear refusal;
- ``formats``   text → ``ParsedFile``: LinkedIn, Google, Outlook, any CSV through a mapping
                (``csv_headers`` knows the column names), and vCard via ``vcard``;
- ``vcard_reader`` vCard 2.1/3.0/4.0 text → cards of properties, tolerant and bounded;
- ``vcard``     a card → a row: what each property means, what is left out;
- ``rows``      ``ImportRow``, the common shape every format is parsed into, and its validation;
- ``leftout``   the values a row leaves out and why, per row and counted for the whole file;
- ``dates``     dates and birthdays as address books write them;
- ``matching``  which existing contact a row is (email, then LinkedIn URL, then name + company);
- ``plan``      the preview: each row new, matching (with the fields that would change),
                unchanged, a duplicate of an earlier line, or an error with its reason;
- ``apply``     writes a plan in one transaction, set-based (bulk statements, no per-row query).
"""

from .decoding import ImportFileError, decode_upload
from .formats import FORMATS, ParsedFile, parse_text
from .plan import Plan, build_plan
from .rows import ImportRow, RowError

__all__ = [
    "FORMATS",
    "ImportFileError",
    "ImportRow",
    "ParsedFile",
    "Plan",
    "RowError",
    "build_plan",
    "decode_upload",
    "parse_text",
]
