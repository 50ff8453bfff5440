"""UTF-8 with and without BOM, UTF-16 and Windows-1252 read correctly; anything else refused clearly."""

import codecs

import pytest
from django.urls import reverse

from contacts.importing import ImportFileError, decode_upload
from contacts.models import Contact, ImportJob

from .import_helpers import accept_mapping, upload

TEXT = "First Name,Last Name,Company\r\nJosé,Núñez,Café Società\r\nZoë,Ångström,Œuvre “Quotes” €\r\n"


@pytest.mark.parametrize(
    "raw",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with BOM, as Excel's "Unicode text"
        TEXT.encode("utf-16-le"),
        TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le", "utf-16-be", "windows-1252"],
)
@pytest.mark.django_db
def test_every_supported_encoding_gives_the_same_people(owner_client, raw):
    _response, job = upload(owner_client, raw, "people.csv")
    assert job.status == ImportJob.Status.NEEDS_MAPPING
    accept_mapping(owner_client, job)
    assert job.status == ImportJob.Status.PREVIEWED, job.error
    names = [(e["name"], e["company"]) for e in job.preview["entries"]]
    assert names == [("José Núñez", "Café Società"), ("Zoë Ångström", "Œuvre “Quotes” €")]


def test_text_decoding_is_strict():
    assert decode_upload("Ærø\n".encode("cp1252")) == ("Ærø\n", "cp1252")
    with pytest.raises(ImportFileError, match="not readable text"):
        decode_upload(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(ImportFileError, match="not readable text"):
        decode_upload(b"name\n\x81\x8d\x8f\x90\x9d\n")  # bytes Windows-1252 does not define
    with pytest.raises(ImportFileError, match="empty"):
        decode_upload(b"  \n ")


@pytest.mark.django_db
def test_a_binary_file_is_refused_on_the_upload_form(owner_client):
    response, job = upload(owner_client, bytes(range(256)) * 20, "photo.jpg")
    assert response.status_code == 400
    assert "This file is not readable text" in response.content.decode()
    assert job is None and not Contact.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_clearly(owner_client, settings):
    settings.NETCRM_IMPORT_MAX_BYTES = 1024
    response, job = upload(owner_client, b"First Name\n" + b"Ada\n" * 1000, "big.csv")
    assert response.status_code == 400
    assert "the limit is 0.0 MB" in response.content.decode() or "the limit is" in response.content.decode()
    assert job is None


@pytest.mark.django_db
def test_a_file_over_the_row_limit_is_refused_clearly(owner_client, settings):
    settings.NETCRM_IMPORT_MAX_ROWS = 10
    _response, job = upload(owner_client, b"First Name\n" + b"Ada\n" * 11, "many.csv")
    accept_mapping(owner_client, job)
    assert job.status == ImportJob.Status.FAILED
    page = owner_client.get(job.get_absolute_url()).content.decode()
    assert "The file has more than 10 rows; split it into smaller files." in page
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_the_upload_page_lists_only_the_users_own_imports(owner_client):
    upload(owner_client, TEXT.encode(), "mine.csv")
    page = owner_client.get(reverse("transfer:import_start")).content.decode()
    assert "mine.csv" in page
