"""Reading is bounded: one property over 1 MB or one card over 2 MB is refused with its line, a big
file is read by a worker whatever its rows, and rows are counted whatever the line endings."""

import pytest

from contacts.importing import parse_text
from contacts.importing.formats import estimate_rows
from contacts.models import Contact, ImportJob
from transfer import tasks

from .import_helpers import upload

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def quoted_printable_lines(size: int) -> str:
    """A quoted-printable value of about ``size`` characters in 76-character soft-broken lines."""
    line = "=41" * 25 + "=\r\n"  # "AAAA…" encoded, then a soft line break
    return line * (size // len(line) + 1) + "end"


def card(*lines: str) -> str:
    return "BEGIN:VCARD\r\nVERSION:2.1\r\n" + "\r\n".join(lines) + "\r\nEND:VCARD\r\n"


@pytest.fixture
def queued(monkeypatch):
    """Tasks handed to the broker (none really is): (step, job id)."""
    handed = []
    for step, task in (("build", tasks.build_import_preview), ("run", tasks.run_import)):
        monkeypatch.setattr(task, "apply_async", lambda args, step=step, **_: handed.append((step, args[0])))
    return handed


def test_a_property_over_1_mb_is_left_out_with_its_line_and_the_card_is_read_on(
    owner_client, queued, django_capture_on_commit_callbacks
):
    note = "NOTE;ENCODING=QUOTED-PRINTABLE:" + quoted_printable_lines(MB + 50_000)
    text = card("N:Lovelace;Ada", note, "EMAIL:ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        _response, job = upload(owner_client, text.encode(), "one-card.vcf")
    assert job.in_background and queued == [("build", job.pk)]  # one card, but a big file: a worker reads it
    tasks.build_import_preview(job.pk)
    job.refresh_from_db()
    (entry,) = job.preview["entries"]
    assert (entry["action"], entry["name"], entry["emails"]) == ("new", "Ada Lovelace", ["ada@example.org"])
    assert entry["left_out"] == ["notes left out: over 1 MB (line 4)"]


def test_a_card_over_2_mb_is_an_error_naming_its_line_and_the_cards_around_it_import():
    big_note = "NOTE;ENCODING=QUOTED-PRINTABLE:" + quoted_printable_lines(MB - 10_000)
    text = (
        card("N:One;Before")
        + card("N:Big;Card", big_note, big_note, big_note)  # each note under 1 MB, the card over 2 MB
        + card("N:One;After")
    )
    parsed = parse_text(text, file_format="vcard", max_rows=10)
    assert [row.full_name for row in parsed.rows] == ["Before One", "After One"]
    assert [(error.line, error.message) for error in parsed.errors] == [(5, "the card starting on line 5 is over 2 MB")]
    assert parsed.rows[1].line == text.count("\r\n", 0, text.rindex("BEGIN:VCARD")) + 1


@pytest.mark.parametrize("tiny_line", ["X-A:1", "x"], ids=["properties", "lines that are not properties"])
def test_a_card_of_thousands_of_tiny_lines_is_refused_naming_its_line(tiny_line):
    text = card("N:Many;Lines", *[tiny_line] * 2500) + card("N:Next;Card")
    parsed = parse_text(text, file_format="vcard", max_rows=10)
    assert [row.full_name for row in parsed.rows] == ["Card Next"]
    assert [(error.line, error.message) for error in parsed.errors] == [
        (1, "the card starting on line 1 is more than 2,000 lines long")
    ]


def test_quoted_printable_over_thousands_of_soft_breaks_is_joined_exactly():
    note = "Grüße aus München. " * 3000  # about 60 KB of text, 170 KB encoded
    encoded = "".join(f"={byte:02X}" for byte in note.encode())
    lines = [encoded[i : i + 72] for i in range(0, len(encoded), 72)]  # 72: whole =XX triplets
    text = card("N:Müller;Jürgen", "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + "=\r\n".join(lines))
    (row,) = parse_text(text, file_format="vcard", max_rows=10).rows
    assert row.notes == note.strip()
    assert row.left_out == []


def test_rows_are_counted_whatever_the_line_endings():
    rows = "".join(f"Person{i},Surname{i}{{end}}" for i in range(12))
    for end in ("\r\n", "\n", "\r"):  # Windows, Unix, old Mac "CSV (Macintosh)"
        text = ("First Name,Last Name{end}" + rows).format(end=end)
        assert estimate_rows(text) >= 13, repr(end)
        assert len(parse_text(text, file_format="csv", max_rows=100).rows) == 12, repr(end)
    cards = "".join(card(f"N:Surname{i};Person{i}") for i in range(12))
    for end in ("\r\n", "\n", "\r"):
        text = cards.replace("\r\n", end)
        assert estimate_rows(text) == 12, repr(end)
        assert len(parse_text(text, file_format="vcard", max_rows=100).rows) == 12, repr(end)


def test_a_cr_only_csv_with_many_rows_is_read_in_the_background(
    owner_client, settings, queued, django_capture_on_commit_callbacks
):
    settings.NETCRM_IMPORT_BACKGROUND_ROWS = 10
    raw = ("First Name,Last Name\r" + "".join(f"A{i},B\r" for i in range(12))).encode()
    with django_capture_on_commit_callbacks(execute=True):
        _response, job = upload(owner_client, raw, "mac.csv", file_format="linkedin")
    assert job.in_background and queued == [("build", job.pk)]
    assert job.status == ImportJob.Status.PLANNING and not Contact.objects.exists()


def test_the_file_size_alone_sends_a_file_to_the_background(
    owner_client, settings, queued, django_capture_on_commit_callbacks
):
    one_card = card("N:Hopper;Grace", "EMAIL:grace@navy.example").encode()
    with django_capture_on_commit_callbacks(execute=True):
        _response, small = upload(owner_client, one_card, "small.vcf")
    assert not small.in_background and small.status == ImportJob.Status.PREVIEWED and queued == []

    settings.NETCRM_IMPORT_BACKGROUND_BYTES = len(one_card)  # "from N bytes", N included
    with django_capture_on_commit_callbacks(execute=True):
        _response, big = upload(owner_client, one_card, "same-card-bigger-than-the-setting.vcf")
    assert big.in_background and big.status == ImportJob.Status.PLANNING
    assert queued == [("build", big.pk)]


def test_a_one_card_file_of_256_kb_is_read_in_the_background_by_default(
    owner_client, queued, django_capture_on_commit_callbacks
):
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "\r\n ".join(["QUFB" * 18] * 3600)  # folded base64, about 256 KB
    raw = card("N:Hopper;Grace", photo).encode()
    assert 256 * 1024 <= len(raw) < 270 * 1024
    with django_capture_on_commit_callbacks(execute=True):
        _response, job = upload(owner_client, raw, "grace.vcf")
    assert job.in_background and queued == [("build", job.pk)]
