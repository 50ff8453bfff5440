"""Google Contacts CSV: the classic export (Given Name, E-mail 1 - Value, ::: lists) and the newer one."""

import datetime

import pytest

from contacts.importing import parse_text
from contacts.importing.formats import detect_format
from contacts.models import Contact

from .import_helpers import fixture_bytes, import_file, upload

GOOGLE = fixture_bytes("google_contacts.csv")
pytestmark = pytest.mark.django_db


def test_a_google_export_is_recognised_and_previewed(owner_client):
    _response, job = upload(owner_client, GOOGLE, "contacts.csv")
    assert job.file_format == "google"
    assert job.encoding == "utf-8-sig"
    assert job.preview["counts"]["new"] == 4
    assert job.preview["counts"]["error"] == 0
    left_out = {e["line"]: e["left_out"] for e in job.preview["entries"] if e.get("left_out")}
    assert left_out == {
        7: ["email address left out: not valid (“broken@@example”)"],  # the row is kept, its email is not
    }


def test_every_email_phone_label_and_the_linkedin_website_are_kept(owner_client, owner):
    import_file(owner_client, GOOGLE, "contacts.csv")
    margaret = Contact.objects.get(first_name="Margaret")
    assert [e.address for e in margaret.emails.all()] == [
        "margaret@mit.example",
        "mh@hamilton.example",
        "margaret.home@example.org",
    ]
    assert [p.number for p in margaret.phones.all()] == ["+1 617 555 0101", "+1 617 555 0199"]
    assert margaret.company == "Hamilton Technologies"
    assert margaret.job_title == "CEO"
    assert margaret.location == "Boston"
    assert margaret.birthday == datetime.date(1936, 8, 17)
    assert margaret.linkedin_url == "https://www.linkedin.com/in/margaret-hamilton"
    assert margaret.notes.splitlines() == [
        "Met at the Apollo anniversary.",
        "Wants the article on",
        "software engineering.",
    ]
    assert [t.name for t in margaret.tags.all()] == ["Mentors"]  # not Google's own myContacts / starred
    alan = Contact.objects.get(first_name="Alan")
    assert alan.birthday == datetime.date(1604, 6, 23)  # --06-23: kept in the year that stands for "unknown"
    assert alan.website_url == "https://turing.example.org"
    assert Contact.objects.get(first_name="Hedy").tags.get().name == "Inventors"


def test_the_newer_google_export_is_recognised_too():
    text = (
        "First Name,Middle Name,Last Name,Organization Name,Organization Title,Birthday,Notes,Labels,"
        "E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\n"
        "Barbara,,Liskov,MIT,Professor,1939-11-07,,* myContacts ::: Friends,"
        "Work,barbara@mit.example,Mobile,+1 555 0107\n"
    )
    assert detect_format(text) == "google"
    parsed = parse_text(text, file_format="google", max_rows=10)
    (barbara,) = parsed.rows
    assert (barbara.first_name, barbara.last_name, barbara.company) == ("Barbara", "Liskov", "MIT")
    assert barbara.emails == ["barbara@mit.example"]
    assert barbara.tags == ["Friends"]
