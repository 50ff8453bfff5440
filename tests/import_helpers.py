"""Driving the import pages the way a browser does: upload, (map columns), preview, confirm."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.models import ImportJob

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def upload(client, raw: bytes, name: str = "contacts.csv", file_format: str = "auto"):
    """POST the file; returns (response, the job this upload made, or None)."""
    newest_before = ImportJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.post(
        reverse("transfer:import_start"),
        {"file": SimpleUploadedFile(name, raw), "file_format": file_format},
    )
    user_id = client.session.get("_auth_user_id")
    job = ImportJob.objects.filter(owner_id=user_id, pk__gt=newest_before).order_by("-pk").first()
    return response, job


def confirm(client, job, *, classification=None, tags="", update_matches=True):
    data = {"classification": classification.pk if classification else "", "tags": tags}
    if update_matches:
        data["update_matches"] = "on"
    response = client.post(reverse("transfer:import_confirm", args=[job.pk]), data)
    job.refresh_from_db()
    return response


def import_file(client, raw: bytes, name: str = "contacts.csv", **confirm_options):
    """Upload and confirm in one go; returns the finished job."""
    _response, job = upload(client, raw, name)
    assert job is not None and job.status == ImportJob.Status.PREVIEWED, job and job.error
    confirm(client, job, **confirm_options)
    assert job.status == ImportJob.Status.DONE, job.error
    return job


def accept_mapping(client, job, mapping=None):
    """Post the mapping page (the guessed columns unless ``mapping`` is given); returns the job."""
    mapping = job.column_mapping if mapping is None else mapping
    client.post(reverse("transfer:import_mapping", args=[job.pk]), {f"column_{i}": t for i, t in enumerate(mapping)})
    job.refresh_from_db()
    return job


def contact_fields(contact) -> dict:
    """What an import put on a contact, as one dict a test can compare (empty fields left out)."""
    fields = {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "emails": [e.address for e in contact.emails.all()],
        "phones": [p.number for p in contact.phones.all()],
        "company": contact.company,
        "job_title": contact.job_title,
        "birthday": contact.birthday.isoformat() if contact.birthday else "",
        "notes": contact.notes,
        "website_url": contact.website_url,
        "linkedin_url": contact.linkedin_url,
        "location": contact.location,
        "tags": sorted(t.name for t in contact.tags.all()),
        "dates": [f"{occasion.title} {occasion.on.isoformat()}" for occasion in contact.occasions.order_by("on", "pk")],
    }
    return {name: value for name, value in fields.items() if value}


def left_out_by_name(job) -> dict[str, list[str]]:
    """Each previewed person's left-out lines (and flags), by the name the preview shows."""
    return {
        entry["name"]: [*entry.get("flags", []), *entry.get("left_out", [])]
        for entry in job.preview["entries"]
        if entry.get("flags") or entry.get("left_out")
    }
