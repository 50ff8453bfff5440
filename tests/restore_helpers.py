"""Backups written the way ``transfer.backup`` writes them, of any size, without building the
account first; and the restore page driven the way a browser does."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from transfer.backup import BACKUP_FORMAT, BACKUP_VERSION
from transfer.models import RestoreJob


def backup_document(*, contacts: int, interactions_each: int = 1, note: str = "") -> dict:
    people = [
        {
            "ref": f"contact-{i}",
            "first_name": f"Person{i}",
            "last_name": f"Surname{i}",
            "company": f"Company {i % 40}",
            "notes": note,
            "classification": "Clients",
            "tags": ["vip"] if i % 3 == 0 else [],
            "emails": [f"person{i}@example.org"],
            "phones": [f"+44 20 7946 {i:04d}"],
        }
        for i in range(contacts)
    ]
    interactions = [
        {
            "ref": f"interaction-{i}-{j}",
            "contact": f"contact-{i}",
            "occurred_at": f"2026-0{1 + j % 9}-1{j % 10}T09:30:00+00:00",
            "kind": "call",
            "summary": f"Call {j} with person {i}",
        }
        for i in range(contacts)
        for j in range(interactions_each)
    ]
    return {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "sections": {
            "contacts": {
                "classifications": [{"name": "Clients", "contact_every_days": 30}],
                "tags": [{"name": "vip"}],
                "contacts": people,
                "interactions": interactions,
            }
        },
    }


def backup_bytes(**kwargs) -> bytes:
    return json.dumps(backup_document(**kwargs)).encode()


def post_restore(client, raw: bytes, name: str = "backup.json"):
    """POST the file to the restore form; returns (response, the job it made or None)."""
    newest_before = RestoreJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.post(reverse("transfer:restore"), {"file": SimpleUploadedFile(name, raw)})
    job = RestoreJob.objects.filter(pk__gt=newest_before).order_by("-pk").first()
    return response, job
