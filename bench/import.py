"""bench import: a 30,000-row LinkedIn Connections.csv, our import end to end vs a plain
django-import-export ModelResource import of the same rows, in the same run and database.

Ours is the whole user path through transfer.services: keep the upload, decode and parse
it (notes lines, dates), preview it (match every row against the owner's contacts, store
the preview on the job), then confirm it (re-match, write in one transaction with bulk
statements, refresh the cadence). The peer is a plain ModelResource
keyed on the LinkedIn URL, importing the same rows (already as its own columns) without a
dry run first — the kindest possible setting for it.

Then reading alone (decode + parse, no database), at 2 MB and 20 MB of a quoted-printable
vCard (phones' vCard 2.1: every note soft-broken over thousands of lines) and of a CSV: the
time per MB must not grow with the file (``*_per_mb_ratio``, 20 MB over 2 MB, at most 1.5).

Run: ./scripts/bench.sh import [ROWS]   (gives it a throwaway PostgreSQL via DATABASE_URL)
Last line: bench import: rows=N app_s=S peer_s=S ratio=R vcard_qp_parse_mb_per_s_2mb=… … csv_per_mb_ratio=R
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")

import django

django.setup()

import tablib  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from import_export import resources  # noqa: E402

from contacts.importing import decode_upload, parse_text  # noqa: E402
from contacts.importing.apply import apply_import  # noqa: E402
from contacts.models import Classification, Contact, ImportJob  # noqa: E402
from tests.factories import UserFactory  # noqa: E402
from transfer import services  # noqa: E402

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def linkedin_rows(count: int) -> list[list[str]]:
    rows = []
    for i in range(count):
        email = f"person{i}@example{i % 97}.org" if i % 3 else ""  # LinkedIn hides most emails
        rows.append(
            [f"First{i}", f"Last{i}", f"https://www.linkedin.com/in/person-{i:06d}", email,
             f"Company {i % 1500}", f"Role {i % 40}", f"{1 + i % 28:02d} {MONTHS[i % 12]} {2010 + i % 15}"]
        )  # fmt: skip
    return rows


def linkedin_file(rows: list[list[str]]) -> bytes:
    notes = 'Notes:\n"When exporting your connection data, you may notice that some emails are missing."\n\n'
    body = "\n".join(",".join(row) for row in rows)
    return (notes + HEADER + "\n" + body + "\n").encode()


def ours(owner, raw: bytes) -> tuple[float, int]:
    """The app's own path, as the import pages drive it (minus HTTP): upload → preview stored on
    the job → confirm → written. Run in-process (the Celery task calls these same services)."""
    classification = Classification.objects.create(owner=owner, name="Acquaintances", contact_every_days=180)
    settings.NETCRM_IMPORT_BACKGROUND_ROWS = 10**9  # in this process, not through a broker
    settings.NETCRM_IMPORT_BACKGROUND_BYTES = 10**12
    started = time.perf_counter()
    job = services.start_import(owner=owner, file_name="Connections.csv", raw=raw)
    assert job.status == ImportJob.Status.PREVIEWED, job.error
    services.confirm_import(job=job, classification=classification, tag_names=["linkedin"], update_matches=True)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.preview["counts"]["new"] == job.result["created"], (job.preview["counts"], job.result)
    return elapsed, job.result["created"]


def peer(owner, rows: list[list[str]]) -> tuple[float, int]:
    class PeerContactResource(resources.ModelResource):
        class Meta:
            model = Contact
            fields = ("first_name", "last_name", "linkedin_url", "company", "job_title")
            import_id_fields = ("linkedin_url",)

        def get_queryset(self):
            return Contact.objects.filter(owner=owner)

        def before_save_instance(self, instance, row, **kwargs):
            instance.owner = owner

    dataset = tablib.Dataset(headers=["first_name", "last_name", "linkedin_url", "company", "job_title"])
    for first, last, url, _email, company, position, _connected in rows:
        dataset.append([first, last, url, company, position])
    started = time.perf_counter()
    result = PeerContactResource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    elapsed = time.perf_counter() - started
    return elapsed, result.totals["new"]


MB = 1024 * 1024
LINEARITY_LIMIT = 1.5


def quoted_printable_vcard(size: int) -> bytes:
    """vCard 2.1 cards as Android writes them, each with a ~64 KB quoted-printable note."""
    note_line = "Gr=C3=BC=C3=9Fe aus M=C3=BCnchen, wir sprachen =C3=BCber die Messe und den Stand. =\r\n"
    cards, total, i = [], 0, 0
    while total < size:
        card = (
            f"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller{i};J=C3=BCrgen;;;\r\n"
            f"TEL;CELL:+49 170 555{i:04d}\r\nEMAIL;HOME:person{i}@example.org\r\n"
            f"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{note_line * 800}Ende.\r\nEND:VCARD\r\n"
        )
        cards.append(card)
        total += len(card)
        i += 1
    return "".join(cards).encode()


def google_csv(size: int) -> bytes:
    header = (
        "Name,Given Name,Family Name,Birthday,Notes,Group Membership,E-mail 1 - Value,Phone 1 - Value,"
        "Organization 1 - Name"
    )
    rows, total, i = [header], len(header), 0
    while total < size:
        row = (
            f'Person {i},Person,Surname{i},1980-0{1 + i % 9}-1{i % 9},"Met at the fair.\nAsked about the '
            f'project, and the next step.",* myContacts ::: Friends,person{i}@example.org ::: p{i}@work.example,'
            f"+1 555 {i:07d},Company {i % 1500}"
        )
        rows.append(row)
        total += len(row) + 1
        i += 1
    return ("\n".join(rows) + "\n").encode()


def parse_seconds(raw: bytes, file_format: str, runs: int) -> float:
    """The best of ``runs`` reads of ``raw`` (decode + parse), the way an import reads it."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        text, _encoding = decode_upload(raw)
        parsed = parse_text(text, file_format=file_format, max_rows=10**7)
        best = min(best, time.perf_counter() - started)
        assert parsed.rows and not parsed.errors, parsed.errors[:3]
    return best


def parse_speed(name: str, make_file, file_format: str) -> dict[str, str]:
    """MB/s at 2 MB and at 20 MB, and how the time per MB grows between them."""
    per_mb = {}
    for megabytes, runs in ((2, 7), (20, 3)):  # the best of several: the machine may be busy
        raw = make_file(megabytes * MB)
        seconds = parse_seconds(raw, file_format, runs)
        per_mb[megabytes] = seconds / (len(raw) / MB)
        print(f"{name}: {len(raw) / MB:.1f} MB read in {seconds:.2f} s ({1 / per_mb[megabytes]:.1f} MB/s)")
    ratio = per_mb[20] / per_mb[2]
    print(f"{name}: time per MB at 20 MB / at 2 MB = {ratio:.2f} (at most {LINEARITY_LIMIT})")
    return {
        f"{name}_parse_mb_per_s_2mb": f"{1 / per_mb[2]:.1f}",
        f"{name}_parse_mb_per_s_20mb": f"{1 / per_mb[20]:.1f}",
        f"{name}_per_mb_ratio": f"{ratio:.2f}",
    }


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 30_000
    if not os.environ.get("DATABASE_URL"):
        sys.exit("bench import needs DATABASE_URL (run it with ./scripts/bench.sh import)")
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; rows: {count}")
    rows = linkedin_rows(count)
    raw = linkedin_file(rows)
    print(f"file: {len(raw) / 1e6:.1f} MB LinkedIn Connections.csv")

    app_s, created = ours(UserFactory(username="bench-ours"), raw)
    print(f"ours: {created} contacts (with emails, tag, classification, cadence) in {app_s:.2f} s")
    again_started = time.perf_counter()
    owner = Contact.objects.filter(owner__username="bench-ours").first().owner
    text, _ = decode_upload(raw)
    again = apply_import(owner=owner, parsed=parse_text(text, file_format="linkedin", max_rows=count + 1))
    print(f"ours, same file again: {again.created} created, {again.unchanged} unchanged in "
          f"{time.perf_counter() - again_started:.2f} s")  # fmt: skip

    peer_s, peer_created = peer(UserFactory(username="bench-peer"), rows)
    print(f"peer (plain ModelResource): {peer_created} contacts in {peer_s:.2f} s")
    ratio = peer_s / app_s

    reading = {**parse_speed("vcard_qp", quoted_printable_vcard, "vcard"), **parse_speed("csv", google_csv, "google")}
    figures = " ".join(f"{key}={value}" for key, value in reading.items())
    print(f"bench import: rows={count} app_s={app_s:.2f} peer_s={peer_s:.2f} ratio={ratio:.1f} {figures}")
    grown = [key for key, value in reading.items() if key.endswith("_per_mb_ratio") and float(value) > LINEARITY_LIMIT]
    if grown:
        sys.exit(f"reading grows faster than the file: {', '.join(grown)} over {LINEARITY_LIMIT}")


if __name__ == "__main__":
    main()
