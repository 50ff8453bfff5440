"""Property-based: whatever bytes or CSV shape arrives, every importer answers without a 500,
and a confirmed import writes all of its preview's new rows or nothing."""

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.importing.formats import FORMATS, HEADER_SYNONYMS
from contacts.models import Contact, ContactEmail, ContactPhone, ImportJob

from .import_helpers import accept_mapping, confirm, upload

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
FORMAT_CHOICES = ["auto", *FORMATS]
KNOWN_HEADERS = sorted({name for names in HEADER_SYNONYMS.values() for name in names} | {"First Name", "Connected On"})


def import_end_to_end(client, raw: bytes, file_format: str, mapping=None):
    """Upload, map, confirm as a user would; check no 500 and all-or-nothing at each step."""
    before = Contact.objects.count()
    response, job = upload(client, raw, "fuzz.csv", file_format)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert job is None or job.status != ImportJob.Status.DONE
        assert Contact.objects.count() == before
        return
    if job.status == ImportJob.Status.NEEDS_MAPPING:
        accept_mapping(client, job, mapping)
    assert client.get(job.get_absolute_url()).status_code in (200, 302)
    assert Contact.objects.count() == before  # nothing before the confirm
    if job.status != ImportJob.Status.PREVIEWED:
        return
    expected_new = job.preview["counts"]["new"]
    assert confirm(client, job).status_code == 302
    assert job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED)
    created = Contact.objects.count() - before
    assert created == (expected_new if job.status == ImportJob.Status.DONE else 0)


@FUZZ
@given(raw=st.binary(max_size=3000), file_format=st.sampled_from(FORMAT_CHOICES))
def test_random_bytes_never_give_a_500(owner_client, raw, file_format):
    import_end_to_end(owner_client, raw, file_format)


cell_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30) | st.sampled_from(
    ["", "Ada", "ada@example.org", "not@@mail", "05 Mar 2021", "=cmd()", "https://linkedin.com/in/x"]
)


@st.composite
def csv_files(draw):
    columns = draw(st.integers(min_value=1, max_value=8))
    header = [draw(st.sampled_from(KNOWN_HEADERS) | st.text(max_size=12)) for _ in range(columns)]
    rows = draw(st.lists(st.lists(cell_text, min_size=0, max_size=columns + 2), max_size=25))
    preamble = draw(st.sampled_from(["", 'Notes:\n"Some free text, with a comma"\n\n']))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ";", "\t"])))
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return (preamble + out.getvalue()).encode(encoding, errors="replace"), columns


@FUZZ
@given(file=csv_files(), file_format=st.sampled_from(FORMAT_CHOICES), data=st.data())
def test_random_csv_shapes_never_give_a_500_or_a_partial_write(owner_client, file, file_format, data):
    raw, columns = file
    targets = st.sampled_from(["", "first_name", "last_name", "full_name", "email", "phone", "birthday", "tags"])
    mapping = data.draw(st.lists(targets, min_size=columns, max_size=columns))
    import_end_to_end(owner_client, raw, file_format, mapping)


vcard_line = st.sampled_from(
    [
        "FN:Ada Lovelace",
        "N:Lovelace;Ada;;;",
        "N:;;;;",
        "EMAIL:ada@example.org",
        "EMAIL:broken@@",
        "TEL;TYPE=CELL:+44 20 0000",
        "BDAY:18151210",
        "BDAY:--1210",
        "BDAY:never",
        "ORG:Engines;Dept",
        "NOTE;ENCODING=QUOTED-PRINTABLE:caf=C3=A9=",
        "NOTE;ENCODING=QUOTED-PRINTABLE:=ZZ",
        "NOTE;ENCODING=QUOTED-PRINTABLE:nul=00byte=01",
        "FN;ENCODING=QUOTED-PRINTABLE:A=00da",
        "EMAIL;ENCODING=QUOTED-PRINTABLE:a=00@example.org",
        "PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=",
        " folded continuation",
        "ADR:;;;City;;;Country",
        "URL:https://www.linkedin.com/in/ada",
        "CATEGORIES:a,b",
        "X-CUSTOM;PARAM=1:value",
        "garbage without colon",
        "END:VCARD",
    ]
) | st.text(max_size=40)


@FUZZ
@given(
    cards=st.lists(st.lists(vcard_line, max_size=8), min_size=1, max_size=6), version=st.sampled_from(["3.0", "4.0"])
)
def test_random_vcards_never_give_a_500_or_a_partial_write(owner_client, cards, version):
    text = "".join(
        "BEGIN:VCARD\r\nVERSION:" + version + "\r\n" + "\r\n".join(lines) + "\r\nEND:VCARD\r\n" for lines in cards
    )
    import_end_to_end(owner_client, text.encode("utf-8", errors="replace"), "auto")


def test_a_failure_half_way_through_writing_leaves_nothing_behind(owner_client, monkeypatch):
    raw = b"First Name,Email,Phone\nAda,ada@example.org,+1 555\nGrace,grace@example.org,+1 556\n"
    _response, job = upload(owner_client, raw, "people.csv")
    accept_mapping(owner_client, job)

    def explode(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ContactPhone.objects, "bulk_create", explode)  # after contacts and emails are inserted
    confirm(owner_client, job)
    assert job.status == ImportJob.Status.FAILED
    assert "nothing was imported" in job.error
    assert not Contact.objects.exists()
    assert not ContactEmail.objects.exists()


@FUZZ
@given(file=csv_files() | st.binary(max_size=2000).map(lambda raw: (raw, 0)))
def test_random_files_to_the_admin_import_never_give_a_500_or_a_partial_write(admin_staff_client, file):
    raw, _columns = file
    before = Contact.objects.count()
    buffer = io.BytesIO(raw)
    buffer.name = "fuzz.csv"
    preview = admin_staff_client.post(
        reverse("admin:contacts_contact_import"), {"import_file": buffer, "format": 0, "resource": 0}
    )
    assert preview.status_code == 200
    assert Contact.objects.count() == before  # the admin's preview writes nothing
    confirm_form = (preview.context or {}).get("confirm_form")
    if confirm_form is not None:
        done = admin_staff_client.post(reverse("admin:contacts_contact_process_import"), confirm_form.initial)
        assert done.status_code in (200, 302)


@pytest.fixture
def admin_staff_client(client, db):
    from .test_admin import make_staff

    client.force_login(make_staff("fuzz-staffer"))
    return client
