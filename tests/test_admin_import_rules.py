"""The admin's django-import-export import reads and matches rows with contacts.importing's rules."""

import io

import pytest
from django.urls import reverse

from contacts.models import Contact

from .factories import ContactEmailFactory, ContactFactory
from .test_admin import NamedFile, make_staff


@pytest.fixture
def staff_client(client, db):
    staff = make_staff("staffer")
    client.force_login(staff)
    client.staff = staff
    return client


def admin_import(client, text):
    preview = client.post(
        reverse("admin:contacts_contact_import"),
        {"import_file": io.BytesIO(text.encode()) | NamedFile("contacts.csv"), "format": 0, "resource": 0},
    )
    assert preview.status_code == 200
    if "confirm_form" in (preview.context or {}):
        client.post(reverse("admin:contacts_contact_process_import"), preview.context["confirm_form"].initial)
    return preview


def test_a_row_without_id_updates_the_contact_with_the_same_email(staff_client):
    ada = ContactFactory(owner=staff_client.staff, first_name="Ada", last_name="Lovelace", company="Old")
    ContactEmailFactory(contact=ada, address="Ada@Example.org")
    admin_import(staff_client, "first_name,last_name,emails,company\nAda,Lovelace,ada@example.org,Analytical\n")
    assert Contact.objects.count() == 1
    ada.refresh_from_db()
    assert ada.company == "Analytical"


def test_a_row_matches_by_linkedin_url_then_by_name_and_company(staff_client):
    grace = ContactFactory(owner=staff_client.staff, first_name="Grace", linkedin_url="https://linkedin.com/in/grace")
    alan = ContactFactory(owner=staff_client.staff, first_name="Alan", last_name="Turing", company="NPL", job_title="")
    admin_import(
        staff_client,
        "first_name,last_name,linkedin_url,company,job_title\n"
        "Grace,Hopper,https://www.linkedin.com/in/grace/,US Navy,Admiral\n"
        "alan,turing,,NPL,Mathematician\n",
    )
    assert Contact.objects.count() == 2
    grace.refresh_from_db()
    alan.refresh_from_db()
    assert grace.company == "US Navy"
    assert alan.job_title == "Mathematician"


def test_another_users_contact_is_never_matched(staff_client):
    other = make_staff("other")
    theirs = ContactFactory(owner=other, first_name="Ada", company="Theirs")
    ContactEmailFactory(contact=theirs, address="ada@example.org")
    admin_import(staff_client, "first_name,emails,company\nAda,ada@example.org,Mine\n")
    theirs.refresh_from_db()
    assert theirs.company == "Theirs"
    assert Contact.objects.get(owner=staff_client.staff).company == "Mine"


def test_the_admin_names_a_bad_url_with_the_same_message_as_the_pages(staff_client):
    preview = admin_import(staff_client, "first_name,website_url\nAda,not a url\n")
    page = preview.content.decode()
    assert "website “https://not a url” is not a URL" in page
    assert not Contact.objects.exists()
