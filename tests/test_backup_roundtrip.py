"""The full JSON backup restores into an empty account as exactly what was there, field by field."""

import datetime
import json

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from contacts.cadence import refresh_cadence
from contacts.models import Classification, Contact, ContactEmail, ContactPhone, Interaction, Tag
from contacts.services import create_starter_classifications
from transfer.backup import SECTIONS, backup, backup_json
from transfer.restore import RestoreError, restore_backup

from .factories import ClassificationFactory, ContactFactory, InteractionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

# Models a backup covers, by section; a model added to an app must be listed here (or in
# NOT_BACKED_UP with the reason), so nothing a user owns is silently left out of backups.
COVERED = {"contacts": [Classification, Tag, Contact, ContactEmail, ContactPhone, Interaction]}
NOT_BACKED_UP = {"contacts.importjob": "an upload on its way in, not the user's network"}


def moment(days_ago, hour=9):
    return timezone.now().replace(microsecond=123456) - datetime.timedelta(days=days_ago, hours=hour)


@pytest.fixture
def rich_network(owner, stranger):
    inner = ClassificationFactory(
        owner=owner, name="Inner circle", contact_every_days=14, preferred_channel="meeting", display_order=0
    )
    family = ClassificationFactory(
        owner=owner,
        name="Friends & family",
        contact_every_days=None,
        is_business=False,
        message_guidance="Just catch up; no business.",
        display_order=1,
    )
    speaker, mentor, _unused = (TagFactory(owner=owner, name=n) for n in ("speaker", "Mentor", "unused"))
    ada = ContactFactory(
        owner=owner,
        first_name="Ada",
        last_name="Lovelace",
        company="Analytical Engines",
        job_title="Mathematician",
        location="London",
        linkedin_url="https://www.linkedin.com/in/ada",
        website_url="https://ada.example.org",
        how_we_met="Babbage's salon",
        where_we_met="London",
        birthday=datetime.date(1815, 12, 10),
        notes="Ask about the notes on the engine.\nSecond line — with “quotes”.",
        classification=inner,
        contact_every_days_override=7,
        created_at=moment(400),
    )
    ada.emails.create(address="ada@example.org", position=0)
    ada.emails.create(address="ada@engines.example", position=1)
    ada.phones.create(number="+44 20 7946 0000", position=0)
    ada.tags.add(speaker, mentor)
    mum = ContactFactory(owner=owner, first_name="Mum", last_name="", company="", classification=family,
                         created_at=moment(800))  # fmt: skip
    loner = ContactFactory(owner=owner, first_name="No", last_name="Classification", classification=None,
                           created_at=moment(30))  # fmt: skip
    InteractionFactory(contact=ada, occurred_at=moment(20), kind="call", summary="Talked engines",
                       notes="Long notes", next_step="Send the paper", contribution_direction="given",
                       contribution_kind="introduction")  # fmt: skip
    InteractionFactory(contact=ada, occurred_at=moment(3), kind="email", summary="Sent the paper", next_step="")
    InteractionFactory(contact=mum, occurred_at=moment(100), kind="meeting", summary="Sunday lunch",
                       contribution_direction="received", contribution_kind="advice")  # fmt: skip
    Contact.objects.filter(pk=ada.pk).update(updated_at=moment(2))
    Interaction.objects.filter(contact=mum).update(created_at=moment(99))
    refresh_cadence(Contact.objects.all())
    ContactFactory(owner=stranger, first_name="Not", last_name="Mine")
    return [ada, mum, loner]


def natural(value):
    if isinstance(value, Contact):
        return ("contact", value.first_name, value.last_name, value.created_at)
    if isinstance(value, Classification | Tag):
        return value.name
    return value


def every_field(obj) -> dict:
    return {
        field.name: natural(getattr(obj, field.name))
        for field in type(obj)._meta.concrete_fields
        if not field.primary_key and field.name != "owner"
    }


def snapshot(user) -> dict:
    """Every concrete field of every covered model, relations by natural key, in a stable order."""
    result = {}
    for model in COVERED["contacts"]:
        if hasattr(model, "owner"):
            rows = model.objects.filter(owner=user)
        else:
            rows = model.objects.filter(contact__owner=user)
        items = [every_field(row) for row in rows]
        if model is Contact:
            for item, contact in zip(items, rows, strict=True):
                item["tags"] = sorted(t.name for t in contact.tags.all())
        result[model.__name__] = sorted(items, key=repr)
    return result


def test_every_model_a_user_owns_is_covered_by_a_backup_section():
    covered = {m._meta.label_lower for models in COVERED.values() for m in models}
    for app_label in ("contacts", "strategy", "followups"):
        for model in apps.get_app_config(app_label).get_models():
            label = model._meta.label_lower
            assert label in covered or label in NOT_BACKED_UP, f"{label} is in no backup section"
    assert set(COVERED) <= set(SECTIONS)


def test_a_backup_restored_into_a_new_account_reproduces_every_field(owner, rich_network):
    document = json.loads(backup_json(owner=owner))
    newcomer = UserFactory(username="newcomer")
    create_starter_classifications(owner=newcomer)  # a real new account has the starter set
    counts = restore_backup(owner=newcomer, raw=json.dumps(document).encode())
    assert counts == {"contacts": 3, "interactions": 3}
    original, restored = snapshot(owner), snapshot(newcomer)
    for model_name in original:
        for before, after in zip(original[model_name], restored[model_name], strict=True):
            assert {k: v for k, v in after.items() if before[k] != v} == {}, (model_name, before)
    assert len(original["Contact"]) == 3 and len(original["Interaction"]) == 3
    # and the file it makes is the same file, but for the moment it was made
    again = backup(owner=newcomer)
    assert json.loads(backup_json(owner=newcomer))["sections"] == document["sections"]
    assert again["format"] == "netcrm-backup"


def test_the_backup_holds_only_the_users_own_rows(owner_client, rich_network):
    response = owner_client.get(reverse("transfer:export_backup"))
    assert response["Content-Type"] == "application/json"
    text = response.content.decode()
    names = [c["first_name"] for c in json.loads(text)["sections"]["contacts"]["contacts"]]
    assert sorted(names) == ["Ada", "Mum", "No"]  # not the stranger's "Not Mine"


def test_restore_through_the_page(client, owner, rich_network):
    raw = backup_json(owner=owner).encode()
    newcomer = UserFactory(username="newcomer")
    client.force_login(newcomer)
    response = client.post(reverse("transfer:restore"), {"file": SimpleUploadedFile("backup.json", raw)})
    assert response.status_code == 302
    assert Contact.objects.filter(owner=newcomer).count() == 3


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x89PNG\x00\x00", "not JSON"),
        (b"[1, 2]", "not a netcrm backup"),
        (b'{"format": "netcrm-backup", "version": 99, "sections": {}}', "version 99"),
        (b'{"format": "netcrm-backup", "version": 1, "sections": {"mystery": {}}}', "mystery"),
        (
            b'{"format": "netcrm-backup", "version": 1, "sections": {"contacts": {"contacts": '
            b'[{"first_name": "A", "linkedin_url": "not a url", "tags": [], "emails": [], "phones": []}]}}}',
            "contacts[0]: linkedin_url: Enter a valid URL.",
        ),
        (
            b'{"format": "netcrm-backup", "version": 1, "sections": {"contacts": {"contacts": '
            b'[{"first_name": "A", "birthday": "yesterday"}]}}}',
            "contacts[0].birthday",
        ),
        (
            b'{"format": "netcrm-backup", "version": 1, "sections": {"contacts": {"interactions": '
            b'[{"contact": "contact-9", "summary": "x"}]}}}',
            "interactions[0]: its contact is not in the backup.",
        ),
    ],
)
def test_a_damaged_backup_is_refused_with_a_message_and_changes_nothing(raw, message):
    newcomer = UserFactory(username="newcomer")
    create_starter_classifications(owner=newcomer)
    with pytest.raises(RestoreError, match=message.replace("[", r"\[").replace(".", r"\.")):
        restore_backup(owner=newcomer, raw=raw)
    assert Classification.objects.filter(owner=newcomer).count() == 6  # the starter set is untouched
    assert not Contact.objects.filter(owner=newcomer).exists()


def test_restore_refuses_an_account_that_already_has_contacts(owner, rich_network):
    raw = backup_json(owner=owner).encode()
    with pytest.raises(RestoreError, match="already has some"):
        restore_backup(owner=owner, raw=raw)
    assert Contact.objects.filter(owner=owner).count() == 3


def test_a_bad_restore_upload_is_shown_on_the_page_not_a_500(owner_client):
    response = owner_client.post(reverse("transfer:restore"), {"file": SimpleUploadedFile("b.json", b"{nope")})
    assert response.status_code == 400
    assert "not JSON" in response.content.decode()
