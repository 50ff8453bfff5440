"""Imports fill birthdays and other dates where the file has them: vCard BDAY / ANNIVERSARY /
Apple's X-ABDATE, Google's CSV Birthday and "Event N - Type/Value", Outlook's Birthday and
Anniversary. A date written without its year is kept in 1604 (contacts.occasions.YEAR_UNKNOWN)."""

import datetime

import pytest

from contacts.models import Contact, ImportJob, Occasion

from .factories import ContactEmailFactory, ContactFactory
from .import_helpers import accept_mapping, confirm, upload

pytestmark = pytest.mark.django_db


def imported(client, text: str, name: str):
    _response, job = upload(client, text.encode(), name)
    if job.status == ImportJob.Status.NEEDS_MAPPING:
        job = accept_mapping(client, job)
    assert job.status == ImportJob.Status.PREVIEWED, job.error
    confirm(client, job)
    assert job.status == ImportJob.Status.DONE, job.error
    return job


def dates_of(first_name: str) -> list[tuple]:
    contact = Contact.objects.get(first_name=first_name)
    return [(o.kind, o.label, o.on) for o in contact.occasions.order_by("on", "pk")]


VCARDS = """BEGIN:VCARD
VERSION:4.0
FN:Ada Lovelace
N:Lovelace;Ada;;;
BDAY:--1210
ANNIVERSARY:18350708
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:Hopper;Grace;;;
BDAY:--0230
item1.X-ABDATE:2019-05-05
item1.X-ABLabel:First day at Navy
item2.X-ABDATE;X-APPLE-OMIT-YEAR=1604:1604-03-01
item2.X-ABLabel:_$!<Anniversary>!$_
END:VCARD
"""


def test_vcard_birthdays_without_a_year_and_anniversaries_are_kept(owner_client, owner):
    job = imported(owner_client, VCARDS, "people.vcf")
    ada = Contact.objects.get(first_name="Ada")
    assert ada.birthday == datetime.date(1604, 12, 10)
    assert dates_of("Ada") == [("anniversary", "", datetime.date(1835, 7, 8))]
    assert dates_of("Grace") == [
        ("anniversary", "", datetime.date(1604, 3, 1)),
        ("other", "First day at Navy", datetime.date(2019, 5, 5)),
    ]
    grace = next(e for e in job.preview["entries"] if e["name"] == "Grace Hopper")
    assert grace["left_out"] == ["birthday left out: impossible (“--0230”)"]  # 30 February: left out, named
    assert set(Occasion.objects.values_list("owner", flat=True)) == {owner.pk}


def test_importing_the_same_file_again_adds_no_date_twice(owner_client):
    imported(owner_client, VCARDS, "people.vcf")
    _response, again = upload(owner_client, VCARDS.encode(), "people.vcf")
    assert again.preview["counts"]["unchanged"] == 2
    assert Occasion.objects.count() == 3


def test_a_known_contact_gains_the_files_dates_but_keeps_the_year_of_its_birthday(owner_client, owner):
    ada = ContactFactory(owner=owner, first_name="Ada", last_name="Lovelace", birthday=datetime.date(1815, 12, 10))
    ContactEmailFactory(contact=ada, address="ada@engines.example")
    card = (
        "BEGIN:VCARD\nVERSION:4.0\nFN:Ada Lovelace\nEMAIL:ada@engines.example\n"
        "BDAY:--1210\nANNIVERSARY:18350708\nEND:VCARD\n"
    )
    _response, job = upload(owner_client, card.encode(), "ada.vcf")
    assert job.preview["counts"]["update"] == 1
    confirm(owner_client, job)
    ada.refresh_from_db()
    assert ada.birthday == datetime.date(1815, 12, 10)
    assert dates_of("Ada") == [("anniversary", "", datetime.date(1835, 7, 8))]


GOOGLE_CSV = (
    "Given Name,Family Name,Birthday,E-mail 1 - Type,E-mail 1 - Value,Event 1 - Type,Event 1 - Value,"
    "Event 2 - Type,Event 2 - Value\n"
    "Margaret,Hamilton,1936-08-17,* Work,margaret@mit.example,Anniversary,1958-06-15,First launch,1969-07-16\n"
    "Alan,Turing, --06-23,* Home,alan@bletchley.example,Other,--09-01,,\n"
)


def test_google_csv_events_become_dates_with_their_labels(owner_client):
    imported(owner_client, GOOGLE_CSV, "contacts.csv")
    assert dates_of("Margaret") == [
        ("anniversary", "", datetime.date(1958, 6, 15)),
        ("other", "First launch", datetime.date(1969, 7, 16)),
    ]
    assert Contact.objects.get(first_name="Alan").birthday == datetime.date(1604, 6, 23)
    assert dates_of("Alan") == [("other", "Date", datetime.date(1604, 9, 1))]


OUTLOOK_CSV = (
    '"First Name","Last Name","E-mail Address","Anniversary","Birthday"\n'
    '"Grace","Hopper","grace@navy.example","6/15/1930","12/9/1906"\n'
    '"Hedy","Lamarr","hedy@inventors.example","0/0/00","11/9/1914"\n'
    '"Alan","Kay","alan@parc.example","31/31/1990",""\n'
)


def test_outlook_csv_birthday_and_anniversary(owner_client):
    job = imported(owner_client, OUTLOOK_CSV, "outlook.csv")
    assert Contact.objects.get(first_name="Grace").birthday == datetime.date(1906, 12, 9)
    assert dates_of("Grace") == [("anniversary", "", datetime.date(1930, 6, 15))]
    assert dates_of("Hedy") == []  # Outlook's "no date"
    alan = next(e for e in job.preview["entries"] if e["name"] == "Alan Kay")
    assert alan["left_out"] == ["anniversary left out: impossible (“31/31/1990”)"]
    assert Contact.objects.filter(first_name="Alan").exists()  # a bad date never drops the person
