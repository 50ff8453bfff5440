"""Any other CSV: the user says what each column holds, then sees the preview."""

import pytest
from django.urls import reverse

from contacts.models import Contact, ImportJob

from .import_helpers import confirm, fixture_bytes, upload

OTHER = fixture_bytes("other_export_cp1252.csv")
pytestmark = pytest.mark.django_db


def mapping_url(job):
    return reverse("transfer:import_mapping", args=[job.pk])


def test_an_unknown_csv_asks_for_its_columns_first(owner_client):
    response, job = upload(owner_client, OTHER, "export.csv")
    assert response.status_code == 302 and response.url == mapping_url(job)
    assert job.status == ImportJob.Status.NEEDS_MAPPING
    assert job.headers == ["Nom complet", "Courriel", "Société", "Téléphone", "Ville", "Remarques"]
    page = owner_client.get(mapping_url(job)).content.decode()
    assert "Nom complet" in page and "e.g. Marie-Anne Lavoisier, Antoine Lavoisier" in page
    assert owner_client.get(job.get_absolute_url()).url == mapping_url(job)  # no preview before a mapping
    assert not Contact.objects.exists()


def test_the_chosen_mapping_is_previewed_then_imported(owner_client, owner):
    _response, job = upload(owner_client, OTHER, "export.csv")
    targets = ["full_name", "email", "company", "phone", "location", "notes"]
    response = owner_client.post(mapping_url(job), {f"column_{i}": t for i, t in enumerate(targets)})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    assert job.column_mapping == targets
    assert job.preview["counts"]["new"] == 2
    confirm(owner_client, job)
    marie = Contact.objects.get(first_name="Marie-Anne")
    assert (marie.last_name, marie.company, marie.location) == ("Lavoisier", "Académie", "Paris")
    assert marie.notes == "Traductrice, illustratrice"
    assert [p.number for p in marie.phones.all()] == ["+33 1 44 55 66 77"]
    assert [e.address for e in marie.emails.all()] == ["marie-anne@chimie.example"]


def test_a_mapping_with_neither_a_name_nor_an_email_column_is_refused_with_a_message(owner_client):
    _response, job = upload(owner_client, OTHER, "export.csv")
    response = owner_client.post(mapping_url(job), {"column_2": "company", "column_3": "phone"})
    assert response.status_code == 400
    assert "Choose at least one column holding a name (first, last or full name) or an email" in (
        response.content.decode()
    )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.NEEDS_MAPPING


def test_an_email_column_alone_imports_people_named_after_their_address(owner_client):
    _response, job = upload(owner_client, OTHER, "export.csv")
    owner_client.post(mapping_url(job), {"column_1": "email", "column_2": "company"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    first = job.preview["entries"][0]
    assert (first["name"], first["flags"]) == ("Marie Anne", ["name taken from the email address"])
    assert "name taken from the email address" in owner_client.get(job.get_absolute_url()).content.decode()
    confirm(owner_client, job)
    marie = Contact.objects.get(emails__address="marie-anne@chimie.example")
    assert (marie.first_name, marie.last_name, marie.company) == ("Marie", "Anne", "Académie")


def test_a_mapping_to_an_unknown_field_is_refused(owner_client):
    _response, job = upload(owner_client, OTHER, "export.csv")
    response = owner_client.post(mapping_url(job), {"column_0": "full_name", "column_1": "owner"})
    assert "Select a valid choice" in response.content.decode()
    assert not Contact.objects.exists()


def test_known_column_names_are_guessed(owner_client):
    raw = (
        b"Vorname,Nachname,E-Mail,Company,Mobile,Tags\n"
        b"Karl,Benz,karl@benz.example,Benz & Cie,+49 621 555,cars;pioneers\n"
    )
    _response, job = upload(owner_client, raw, "people.csv")
    assert job.column_mapping == ["first_name", "last_name", "email", "company", "phone", "tags"]
    owner_client.post(mapping_url(job), {f"column_{i}": t for i, t in enumerate(job.column_mapping)})
    job.refresh_from_db()
    confirm(owner_client, job)
    karl = Contact.objects.get(first_name="Karl")
    assert sorted(t.name for t in karl.tags.all()) == ["cars", "pioneers"]
