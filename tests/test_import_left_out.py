"""A bad field never drops a contact: it is left out, named on the row, and counted for the whole
file above the preview, so the person can decide before confirming."""

import pytest
from django.urls import reverse

from contacts.models import Contact

from .factories import ContactEmailFactory, ContactFactory
from .import_helpers import confirm, contact_fields, import_file, left_out_by_name, upload

pytestmark = pytest.mark.django_db


def test_each_kind_of_unusable_value_is_left_out_and_named_and_the_person_is_imported(owner_client):
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\nEMAIL:ada@example.org\r\nEMAIL:ada@@example\r\n"
        "URL:not a web address\r\nBDAY:1990-02-30\r\nTITLE:" + "Countess " * 40 + "\r\n"
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ=A\r\nX-FAVOURITE-ENGINE:Analytical\r\n"
        "ORG:Analytical Engines\r\nEND:VCARD\r\n"
    )
    job = import_file(owner_client, text.encode(), "ada.vcf")
    assert left_out_by_name(job) == {
        "Ada Lovelace": [
            "birthday left out: impossible (“1990-02-30”)",
            "photo left out: cannot be decoded (line 9)",
            "X-FAVOURITE-ENGINE left out: not kept in netcrm (“Analytical”)",
            "website left out: not a URL (“not a web address”)",
            "job title left out: longer than 200 characters",
            "email address left out: not valid (“ada@@example”)",
        ]
    }
    assert contact_fields(Contact.objects.get()) == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "emails": ["ada@example.org"],
        "company": "Analytical Engines",
    }


def test_only_a_row_with_neither_a_name_nor_an_email_is_an_error(owner_client):
    raw = (
        b"Full Name,Email,Company,Phone\n"
        b"Grace Hopper,not-an-email,US Navy,\n"  # a name: kept, without the email
        b",grace.hopper@navy.example,,\n"  # an email: kept, named after it
        b",not-an-email,Lonely Corp,+1 555 0100\n"  # neither: the one error
    )
    _response, job = upload(owner_client, raw, "people.csv")
    owner_client.post(
        reverse("transfer:import_mapping", args=[job.pk]),
        {"column_0": "full_name", "column_1": "email", "column_2": "company", "column_3": "phone"},
    )
    job.refresh_from_db()
    actions = [(e["line"], e["action"], e["name"]) for e in job.preview["entries"]]
    assert actions == [(2, "new", "Grace Hopper"), (3, "new", "Grace Hopper"), (4, "error", "")]
    named, from_address, error = job.preview["entries"]
    assert named["left_out"] == ["email address left out: not valid (“not-an-email”)"]
    assert from_address["flags"] == ["name taken from the email address"]
    assert error["message"] == "no name and no email address (a contact needs one of them)"
    page = owner_client.get(job.get_absolute_url()).content.decode()
    assert "email address left out: not valid (“not-an-email”)" in page
    assert "name taken from the email address" in page
    assert "1 field left out: 1 email address not valid." in page
    assert "1 name taken from an email address" in page


def test_a_name_made_up_from_an_address_never_renames_the_contact_it_matches(owner_client, owner):
    ada = ContactFactory(owner=owner, first_name="Ada", last_name="Lovelace", company="")
    ContactEmailFactory(contact=ada, address="countess@example.org")
    raw = b"BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:countess@example.org\r\nORG:Analytical Engines\r\nEND:VCARD\r\n"
    _response, job = upload(owner_client, raw, "ada.vcf")
    (entry,) = job.preview["entries"]
    assert (entry["action"], entry["contact_id"], entry["changes"]) == (
        "update",
        ada.pk,
        {"company": ["", "Analytical Engines"]},
    )
    confirm(owner_client, job)
    ada.refresh_from_db()
    assert (ada.first_name, ada.last_name, ada.company) == ("Ada", "Lovelace", "Analytical Engines")


def test_the_preview_says_how_many_fields_are_left_out_of_the_whole_file_and_why(owner_client):
    lines = ["First Name,Last Name,Website,Birthday"]
    lines += [f"Person{i},Web,not a url {i}," for i in range(9)]
    lines += [f"Person{i},Born,https://example.org/{i},2001-02-{29 + i % 2}" for i in range(3)]
    lines += ["Fine,Person,https://example.org,1970-01-01"]
    _response, job = upload(owner_client, "\n".join(lines).encode(), "Connections.csv", file_format="linkedin")
    assert job.preview["left_out"] == {
        "total": 12,
        "rows": 12,
        "text": "12 fields left out: 9 websites not a URL, 3 birthdays impossible",
        "names_from_email": 0,
        "rows_to_check": 12,
    }
    page = owner_client.get(job.get_absolute_url()).content.decode()
    assert "12 fields left out: 9 websites not a URL, 3 birthdays impossible." in page
    assert "12 contacts will be imported without these values" in page
    assert "Left out or guessed" in page  # a tab listing just those rows

    only_left_out = owner_client.get(job.get_absolute_url() + "?show=left_out").content.decode()
    assert only_left_out.count('class="preview-left-out') == 12
    assert "Fine Person" in page and "Fine Person" not in only_left_out

    confirm(owner_client, job)
    assert job.result["created"] == 13  # every person, each without the value that could not be used
    assert Contact.objects.filter(website_url="").count() == 9


def test_a_file_with_nothing_left_out_says_nothing_about_it(owner_client):
    job = import_file(owner_client, b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nEND:VCARD\r\n", "g.vcf")
    assert job.preview["left_out"]["total"] == 0
    page = owner_client.get(job.get_absolute_url()).content.decode()
    assert "left out" not in page


def test_properties_netcrm_does_not_know_are_counted_together_and_named(owner_client):
    cards = "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nX-SHOE-SIZE:4{i}\r\nX-STAR-SIGN:Leo\r\n"
        f"IMPP:xmpp:p{i}@chat.example\r\nEND:VCARD\r\n"
        for i in range(3)
    )
    _response, job = upload(owner_client, cards.encode(), "odd.vcf")
    assert job.preview["left_out"]["text"] == (
        "9 fields left out: 6 other properties not kept in netcrm (X-SHOE-SIZE, X-STAR-SIGN), "
        "3 instant messaging addresses not kept in netcrm"
    )
