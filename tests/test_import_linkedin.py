"""LinkedIn's Connections.csv, exactly as exported: notes above the header, dates like 05 Mar 2021."""

import pytest
from django.urls import reverse

from contacts.models import Contact, ImportJob

from .factories import ClassificationFactory, ContactEmailFactory, ContactFactory
from .import_helpers import confirm, fixture_bytes, import_file, upload

LINKEDIN = fixture_bytes("linkedin_connections.csv")
pytestmark = pytest.mark.django_db


def test_the_upload_previews_every_row_and_writes_nothing(owner_client, owner):
    response, job = upload(owner_client, LINKEDIN, "Connections.csv")
    assert response.status_code == 302
    assert job.file_format == "linkedin"
    assert job.status == ImportJob.Status.PREVIEWED
    assert job.preview["counts"] == {"new": 6, "update": 0, "unchanged": 0, "duplicate": 0, "error": 0}
    page = owner_client.get(job.get_absolute_url()).content.decode()
    assert "Ada Lovelace" in page and "Núñez" in page
    # A bad email costs Linus his email, not his place in the import.
    linus = next(e for e in job.preview["entries"] if e["name"] == "Linus Pauling")
    assert linus["line"] == 9  # the row's line number in the file (notes lines included)
    assert linus["left_out"] == ["email address left out: not valid (“linus@example”)"]
    assert "email address left out: not valid (“linus@example”)" in page
    assert "1 field left out: 1 email address not valid." in page
    assert not Contact.objects.exists()


def test_confirming_writes_the_contacts_with_the_chosen_classification_and_tags(owner_client, owner):
    clients = ClassificationFactory(owner=owner, name="Clients", contact_every_days=30)
    _response, job = upload(owner_client, LINKEDIN, "Connections.csv")
    confirm(owner_client, job, classification=clients, tags="linkedin, 2024")
    assert job.status == ImportJob.Status.DONE
    assert job.result["created"] == 6 and job.result["errors"] == 0
    ada = Contact.objects.get(first_name="Ada")
    assert ada.owner == owner
    assert ada.last_name == "Lovelace"
    assert ada.company == "Analytical Engines Ltd"
    assert ada.job_title == "Mathematician, Writer"
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada-lovelace"
    assert ada.how_we_met == "Connected on LinkedIn on 5 Mar 2021"
    assert [e.address for e in ada.emails.all()] == ["ada@analytical.example"]
    assert sorted(t.name for t in ada.tags.all()) == ["2024", "linkedin"]
    assert ada.classification == clients
    assert ada.next_due_at is not None  # the cadence was refreshed for the new contacts
    assert Contact.objects.get(first_name="Katherine").job_title == 'Mathematician "Computer"'
    linus = Contact.objects.get(first_name="Linus")
    assert (linus.company, linus.emails.count()) == ("Caltech", 0)


def test_importing_the_same_file_twice_creates_nothing_the_second_time(owner_client, owner):
    import_file(owner_client, LINKEDIN, "Connections.csv")
    before = Contact.objects.count()
    _response, second = upload(owner_client, LINKEDIN, "Connections.csv")
    assert second.preview["counts"]["new"] == 0
    assert second.preview["counts"]["unchanged"] == 6
    confirm(owner_client, second)
    assert second.result["created"] == 0
    assert Contact.objects.count() == before


def test_two_previews_of_one_file_confirmed_one_after_the_other_create_it_once(owner_client, owner):
    _r, first = upload(owner_client, LINKEDIN, "Connections.csv")
    _r, second = upload(owner_client, LINKEDIN, "Connections.csv")
    confirm(owner_client, first)
    confirm(owner_client, second)  # its preview said "new"; the write re-checks and finds them
    assert Contact.objects.count() == 6
    assert second.result["created"] == 0


def test_a_match_by_linkedin_url_shows_and_applies_what_changes(owner_client, owner):
    grace = ContactFactory(
        owner=owner,
        first_name="Grace",
        last_name="Hopper",
        company="Eckert-Mauchly",
        job_title="",
        linkedin_url="http://linkedin.com/in/GraceHopper/",
    )
    _r, job = upload(owner_client, LINKEDIN, "Connections.csv")
    entry = next(e for e in job.preview["entries"] if e.get("contact_id") == grace.pk)
    assert entry["action"] == "update"
    assert entry["matched_by"] == "LinkedIn URL"
    assert entry["changes"]["company"] == ["Eckert-Mauchly", "US Navy"]
    page = owner_client.get(job.get_absolute_url() + "?show=update").content.decode()
    assert "Eckert-Mauchly" in page and "US Navy" in page
    confirm(owner_client, job)
    grace.refresh_from_db()
    assert grace.company == "US Navy"
    assert grace.job_title == "Rear Admiral"
    assert Contact.objects.filter(first_name="Grace").count() == 1


def test_matches_are_left_alone_when_the_user_says_so(owner_client, owner):
    ada = ContactFactory(owner=owner, first_name="Ada", last_name="L.", company="Old company")
    ContactEmailFactory(contact=ada, address="ADA@analytical.example")
    _r, job = upload(owner_client, LINKEDIN, "Connections.csv")
    assert next(e for e in job.preview["entries"] if e.get("contact_id") == ada.pk)["matched_by"] == "email"
    confirm(owner_client, job, update_matches=False)
    ada.refresh_from_db()
    assert ada.company == "Old company"
    assert job.result["skipped_matches"] == 1
    assert Contact.objects.count() == 6


def test_a_match_by_name_and_company(owner_client, owner):
    katherine = ContactFactory(owner=owner, first_name="katherine", last_name="JOHNSON", company="NASA", job_title="")
    _r, job = upload(owner_client, LINKEDIN, "Connections.csv")
    entry = next(e for e in job.preview["entries"] if e.get("contact_id") == katherine.pk)
    assert entry["matched_by"] == "name and company"
    assert "first_name" not in entry["changes"]  # only the case differs: left as the user wrote it


def test_a_stranger_gets_404_on_every_url_of_someone_elses_import(owner_client, owner, stranger, client):
    _r, job = upload(owner_client, LINKEDIN, "Connections.csv")
    client.force_login(stranger)
    for name in ("import_detail", "import_mapping", "import_progress", "import_confirm", "import_discard"):
        url = reverse(f"transfer:{name}", args=[job.pk])
        assert client.get(url).status_code in (404, 405), name
        assert client.post(url, {"update_matches": "on"}).status_code == 404, name
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    assert not Contact.objects.exists()
    assert job.get_absolute_url() not in client.get(reverse("transfer:import_start")).content.decode()


def test_another_users_classification_cannot_be_picked(owner_client, owner, stranger):
    theirs = ClassificationFactory(owner=stranger, name="Theirs")
    _r, job = upload(owner_client, LINKEDIN, "Connections.csv")
    response = owner_client.post(reverse("transfer:import_confirm", args=[job.pk]), {"classification": theirs.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Contact.objects.exists()


def test_confirming_twice_imports_once(owner_client, owner):
    _r, job = upload(owner_client, LINKEDIN, "Connections.csv")
    confirm(owner_client, job)
    response = confirm(owner_client, job)
    assert response.status_code == 302
    assert Contact.objects.count() == 6


def test_a_discarded_preview_is_gone_and_wrote_nothing(owner_client, owner):
    _r, job = upload(owner_client, LINKEDIN, "Connections.csv")
    owner_client.post(reverse("transfer:import_discard", args=[job.pk]))
    assert not ImportJob.objects.filter(pk=job.pk).exists()
    assert not Contact.objects.exists()


def test_two_rows_matching_one_contact_update_it_once(owner_client, owner):
    ada = ContactFactory(owner=owner, first_name="Ada", last_name="Lovelace", company="Analytical Engines Ltd")
    raw = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Ada,Lovelace,https://www.linkedin.com/in/ada,ada@new.example,Analytical Engines Ltd,Countess,05 Mar 2021\n"
        b"Ada,Lovelace,https://www.linkedin.com/in/ada,ada@new.example,Analytical Engines Ltd,Writer,06 Mar 2021\n"
    )
    _r, job = upload(owner_client, raw, "Connections.csv")
    assert [e["action"] for e in job.preview["entries"]] == ["update", "duplicate"]
    assert job.preview["entries"][1]["message"] == "the same contact as line 2"
    confirm(owner_client, job)
    assert [e.address for e in ada.emails.all()] == ["ada@new.example"]
    ada.refresh_from_db()
    assert ada.job_title == "Countess"
