"""vCard 3.0 and 4.0: many cards, folded lines, quoted-printable, photos, bad values and bad cards."""

import datetime

import pytest

from contacts.importing import parse_text
from contacts.models import Contact

from .import_helpers import fixture_bytes, import_file, upload

V3 = fixture_bytes("contacts_v3.vcf")
V4 = fixture_bytes("contacts_v4.vcf")
pytestmark = pytest.mark.django_db


def test_vcard_3_cards_with_folding_quoted_printable_and_a_photo(owner_client, owner):
    _response, job = upload(owner_client, V3, "contacts.vcf")
    assert job.file_format == "vcard"
    assert job.preview["counts"]["new"] == 3
    errors = {e["line"]: e["message"] for e in job.preview["entries"] if e["action"] == "error"}
    assert errors == {38: "no name and no email address (a contact needs one of them)"}
    left_out = {e["line"]: e["left_out"] for e in job.preview["entries"] if e.get("left_out")}
    assert left_out == {
        1: ["photo left out: not kept in netcrm"],
        32: ["birthday left out: not a date (“sometime in spring”)"],  # the person stays, the birthday goes
    }
    import_file(owner_client, V3, "again.vcf")  # the second upload is the one confirmed; nothing doubles
    marie = Contact.objects.get(last_name="Curie")
    assert marie.first_name == "Marie"
    assert marie.company == "Institut du Radium"
    assert marie.notes.endswith("still needs an introduction to the ministry.")  # the folded line, unfolded
    assert [e.address for e in marie.emails.all()] == ["marie@radium.example", "marie.curie@example.org"]
    assert [p.number for p in marie.phones.all()] == ["+33 1 55 55 01 01", "+33 1 55 55 01 02"]
    assert marie.birthday == datetime.date(1867, 11, 7)
    assert marie.location == "Paris, France"
    assert sorted(t.name for t in marie.tags.all()) == ["mentors", "science"]
    jurgen = Contact.objects.get(last_name="Müller")
    assert jurgen.first_name == "Jürgen"
    assert jurgen.notes == "Grüße aus München. Wir sprachen über den Stand auf der Messe."
    assert Contact.objects.get(last_name="Birthday").birthday is None
    assert Contact.objects.count() == 3


def test_vcard_4_with_uri_phones_data_uri_photo_and_escaped_text(owner_client):
    import_file(owner_client, V4, "contacts.vcf")
    grace = Contact.objects.get(last_name="Hopper")
    assert [p.number for p in grace.phones.all()] == ["+1-202-555-0100", "+1-202-555-0111"]
    assert [e.address for e in grace.emails.all()] == ["grace@navy.example", "amazing.grace@example.org"]
    assert grace.linkedin_url == "https://www.linkedin.com/in/gracehopper/"
    assert grace.website_url == "https://hopper.example.org"
    assert grace.birthday == datetime.date(1906, 12, 9)
    assert "COBOL history article, and ask about the talk; she offered an intro." in grace.notes
    assert Contact.objects.get(last_name="Berners-Lee").location == "Cambridge, USA"


def test_an_unreadable_line_is_left_out_and_only_an_unended_card_is_an_error():
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good One\r\nN:One;Good;;;\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half Read\r\nthis line has no colon\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Never Ends\r\n"
    )
    parsed = parse_text(text, file_format="vcard", max_rows=10)
    assert [r.full_name for r in parsed.rows] == ["Good One", "Half Read"]
    assert [item.text for item in parsed.rows[1].left_out] == ["line 9 left out: not a vCard property"]
    assert [(e.line, e.message) for e in parsed.errors] == [(11, "the card has no END:VCARD")]


def test_a_vcard_chosen_for_a_csv_is_refused_clearly(owner_client):
    response, job = upload(owner_client, V4, "contacts.vcf", file_format="linkedin")
    assert response.status_code == 400
    assert "This is a vCard file, not a CSV; choose vCard." in response.content.decode()
    assert job is None


def test_control_characters_decoded_from_a_card_are_dropped(owner_client):
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN;ENCODING=QUOTED-PRINTABLE:A=00da Byron\r\nN:;;;;\r\nEND:VCARD\r\n"
    import_file(owner_client, text.encode(), "nul.vcf")
    assert Contact.objects.get().first_name == "Ada"
