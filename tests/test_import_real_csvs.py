"""CSVs as real programs export them, uploaded and confirmed through the import pages.

LinkedIn's Connections.csv and Google's legacy CSV have their own modules (test_import_linkedin,
test_import_google); these are Google's current CSV, Outlook for Windows and Excel's "CSV".
"""

import pytest

from contacts.models import Contact, ImportJob

from .import_helpers import (
    accept_mapping,
    confirm,
    contact_fields,
    fixture_bytes,
    import_file,
    left_out_by_name,
    upload,
)

pytestmark = pytest.mark.django_db


def people() -> dict[str, dict]:
    return {contact.full_name: contact_fields(contact) for contact in Contact.objects.all()}


def test_the_current_google_contacts_csv(owner_client):
    """Google's CSV since 2023: First Name / Organization Name / "E-mail 1 - Label" columns, ::: lists,
    line breaks in notes and in the formatted address, a LinkedIn page and a homepage as websites."""
    job = import_file(owner_client, fixture_bytes("google_contacts_current.csv"), "contacts.csv")
    assert job.file_format == "google"
    assert people() == {
        "Barbara Liskov": {
            "first_name": "Barbara",
            "last_name": "Liskov",
            "emails": ["barbara@mit.example", "liskov@csail.example", "barbara@home.example"],
            "phones": ["+1 617-555-0107"],
            "company": "MIT",
            "job_title": "Institute Professor",
            "birthday": "1939-11-07",
            "notes": "Met at the Turing lecture.\nAsk about CLU.",
            "website_url": "https://pmg.csail.example/liskov",
            "linkedin_url": "https://www.linkedin.com/in/barbara-liskov",
            "location": "Cambridge",
            "tags": ["Mentors"],
        },
        "Frances Allen": {
            "first_name": "Frances",
            "last_name": "Allen",
            "emails": ["fran@ibm.example"],
            "company": "IBM",
            "birthday": "1604-08-04",
        },
        "Jean Sammet": {"first_name": "Jean", "last_name": "Sammet", "emails": ["jean.sammet@acm.example"]},
    }
    assert left_out_by_name(job) == {
        "Frances Allen": ["website left out: not a URL (“see card”)"],
        "Jean Sammet": ["name taken from the email address"],
    }
    assert [e["line"] for e in job.preview["entries"]] == [2, 6, 7]  # Barbara's row spans four lines


def test_an_outlook_for_windows_csv(owner_client):
    """Outlook's "Export to a file > CSV": Windows-1252, every cell quoted, its 92 columns, "Title" the
    honorific beside "Job Title", 0/0/00 for no date, Categories split on ;, CRLF inside a note, an
    Exchange (X.500) address beside a real one, a row with only an email and a phone."""
    job = import_file(owner_client, fixture_bytes("outlook.csv"), "contacts.csv")
    assert (job.file_format, job.encoding) == ("outlook", "cp1252")
    assert people() == {
        "Rosalind Franklin": {
            "first_name": "Rosalind",
            "last_name": "Franklin",
            "emails": ["rosalind@kcl.example", "r.franklin@birkbeck.example"],
            "phones": ["+44 20 7836 5454", "+44 7700 900451"],
            "company": "King's College",
            "job_title": "Research Associate",
            "birthday": "1920-07-25",
            "notes": "Photo 51.\nAsk about the café meeting – she prefers mornings.",
            "website_url": "https://www.franklin.example",
            "location": "London",
            "tags": ["Mentors", "Scientists"],
        },
        "Chien-Shiung Wu": {
            "first_name": "Chien-Shiung",
            "last_name": "Wu",
            "emails": ["cs.wu@columbia.example"],
            "phones": ["+1 212 555 0117"],
            "company": "Columbia University",
            "job_title": "Professor",
        },
        "Grace Murray": {
            "first_name": "Grace",
            "last_name": "Murray",
            "emails": ["grace.murray@navy.example"],
            "phones": ["+1 202 555 0199"],
        },
    }
    assert left_out_by_name(job) == {
        "Chien-Shiung Wu": [
            "birthday left out: impossible (“2/30/1912”)",
            "email address left out: not valid (“/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF2…”)",
        ],
        "Grace Murray": ["name taken from the email address"],
    }


def test_an_excel_csv_with_semicolons_and_a_byte_order_mark(owner_client):
    """Excel in a European locale saves "CSV" with ; between cells, a BOM and day.month.year dates;
    its columns are guessed from the German headers and confirmed on the mapping page."""
    _response, job = upload(owner_client, fixture_bytes("excel_semicolon.csv"), "Kontakte.csv")
    assert (job.status, job.encoding) == (ImportJob.Status.NEEDS_MAPPING, "utf-8-sig")
    assert job.headers[0] == "Vorname"  # the byte-order mark is not part of the first header
    assert job.column_mapping == [
        "first_name",
        "last_name",
        "email",
        "company",
        "job_title",
        "phone",
        "birthday",
        "website_url",
        "notes",
    ]
    accept_mapping(owner_client, job)
    assert left_out_by_name(job) == {
        "Max Planck": [
            "birthday left out: impossible (“31.04.1858”)",
            "website left out: not a URL (“siehe Visitenkarte”)",
            "company left out: longer than 200 characters",
        ]
    }
    confirm(owner_client, job)
    assert people() == {
        "Emmy Noether": {
            "first_name": "Emmy",
            "last_name": "Noether",
            "emails": ["emmy@goettingen.example"],
            "phones": ["+49 551 555 0101"],
            "company": "Universität Göttingen",
            "job_title": "Mathematikerin",
            "birthday": "1882-03-23",
            "notes": "Idealtheorie; Einladung zum Kolloquium",
            "website_url": "https://noether.example.de",
        },
        "Max Planck": {
            "first_name": "Max",
            "last_name": "Planck",
            "emails": ["max@kwg.example"],
            "phones": ["+49 30 555 0158"],
            "job_title": "Physiker",
        },
    }
