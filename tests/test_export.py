"""Contacts out: CSV safe to open in a spreadsheet, vCard 4.0 that imports back as the same people."""

import csv
import io

import pytest
import vobject
from django.urls import reverse

from contacts.importing import parse_text
from contacts.models import Contact

from .factories import ContactEmailFactory, ContactFactory, TagFactory
from .import_helpers import import_file, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(owner, stranger):
    eve = ContactFactory(owner=owner, first_name="Eve", last_name="Mallory", company='=HYPERLINK("http://evil")')
    eve.job_title = "+1 trick"
    eve.notes = "@SUM(A1)\nsecond line; with, punctuation"
    eve.save()
    ContactEmailFactory(contact=eve, address="eve@example.com")
    ContactEmailFactory(contact=eve, address="eve.two@example.com")
    eve.phones.create(number="-555 0100", position=0)
    eve.tags.add(TagFactory(owner=owner, name="security"))
    ContactFactory(
        owner=owner,
        first_name="Bob",
        last_name="Builder",
        company="Builders",
        linkedin_url="https://www.linkedin.com/in/bob",
    )
    ContactFactory(owner=stranger, first_name="Stranger", last_name="Danger")
    return eve


def test_the_csv_escapes_cells_that_would_run_as_formulas(owner_client, network):
    response = owner_client.get(reverse("transfer:export_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    rows = {row["first_name"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert set(rows) == {"Eve", "Bob"}  # never another user's contacts
    eve = rows["Eve"]
    assert eve["company"] == '\'=HYPERLINK("http://evil")'
    assert eve["job_title"] == "'+1 trick"
    assert eve["notes"].startswith("'@SUM(A1)")
    assert eve["phones"] == "'-555 0100"
    assert eve["emails"] == "eve@example.com; eve.two@example.com"


def test_the_vcard_export_is_vcard_4_and_reads_back_as_the_same_people(owner_client, network):
    response = owner_client.get(reverse("transfer:export_vcard"))
    assert response["Content-Type"].startswith("text/vcard")
    text = response.content.decode()
    cards = list(vobject.readComponents(text))
    assert [c.version.value for c in cards] == ["4.0", "4.0"]
    parsed = parse_text(text, file_format="vcard", max_rows=10)
    eve = next(row for row in parsed.rows if row.first_name == "Eve")
    assert eve.emails == ["eve@example.com", "eve.two@example.com"]
    assert eve.phones == ["-555 0100"]
    assert eve.notes == "@SUM(A1)\nsecond line; with, punctuation"
    assert eve.tags == ["security"]
    assert "Stranger" not in text


def test_importing_your_own_vcard_export_creates_nothing(owner_client, network):
    text = owner_client.get(reverse("transfer:export_vcard")).content
    before = Contact.objects.count()
    job = import_file(owner_client, text, "mine.vcf")
    assert job.result["created"] == 0
    assert Contact.objects.count() == before


def test_the_export_page_links_every_format(owner_client):
    page = owner_client.get(reverse("transfer:export")).content.decode()
    for name in ("export_csv", "export_vcard", "export_backup"):
        assert reverse(f"transfer:{name}") in page


def test_a_csv_export_imports_back_with_the_admin_columns(owner_client, network, owner):
    exported = owner_client.get(reverse("transfer:export_csv")).content
    Contact.objects.filter(owner=owner).delete()
    _response, job = upload(owner_client, exported, "contacts.csv")
    assert job.column_mapping[:3] == ["", "first_name", "last_name"]  # id is not a contact field
