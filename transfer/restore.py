"""Restoring a backup (see backup.py for the format and how to add a section).

Into an account with no contacts yet: the backup's classifications and tags replace the
account's (a new account's starter set included), everything else is created. All sections
in one transaction: a damaged file changes nothing and says which item is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from contacts.cadence import refresh_cadence
from contacts.models import Classification, Contact, ContactEmail, ContactPhone, Interaction, Tag

from .backup import BACKUP_FORMAT, BACKUP_VERSION, CONTACT_DERIVED, SECTIONS, Refs

RESTORERS: dict[str, Callable] = {}
BATCH_SIZE = 2000


class RestoreError(ValueError):
    """The backup cannot be restored; the message names the item and field when it can."""


def restorer(name: str):
    def register(restore: Callable) -> Callable:
        RESTORERS[name] = restore
        return restore

    return register


def build(model, item, *, where: str, exclude: tuple[str, ...] = (), **extra):
    """A validated, unsaved ``model`` from a backup item's plain fields (as dumped by ``plain_fields``)."""
    if not isinstance(item, dict):
        raise RestoreError(f"{where} is not an object.")
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.is_relation or field.name in exclude or field.name not in item:
            continue
        try:
            values[field.attname] = field.to_python(item[field.name])
        except ValidationError as error:
            raise RestoreError(f"{where}.{field.name}: {' '.join(error.messages)}")
    obj = model(**values, **extra)
    try:
        obj.full_clean(
            exclude=["owner", "contact", "classification"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        raise RestoreError(f"{where}: {problems}")
    return obj


def _bulk_create_keeping(model, objs: list, stamp: str) -> list:
    """bulk_create, then put back the backed-up value of an auto_now(_add) field it overwrote."""
    kept = [getattr(obj, stamp) for obj in objs]
    created = model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    restamp = []
    for obj, value in zip(created, kept, strict=True):
        if value is not None:
            setattr(obj, stamp, value)
            restamp.append(obj)
    model.objects.bulk_update(restamp, [stamp], batch_size=BATCH_SIZE)
    return created


def _list(data: dict, key: str, where: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise RestoreError(f"{where}.{key} is not a list.")
    return value


@restorer("contacts")
def restore_contacts(owner, data: dict, refs: Refs) -> dict:
    Classification.objects.for_user(owner).delete()
    Tag.objects.for_user(owner).delete()
    classifications = Classification.objects.bulk_create(
        build(Classification, item, where=f"classifications[{i}]", owner=owner)
        for i, item in enumerate(_list(data, "classifications", "contacts"))
    )
    tags = Tag.objects.bulk_create(
        build(Tag, item, where=f"tags[{i}]", owner=owner) for i, item in enumerate(_list(data, "tags", "contacts"))
    )
    classification_by_name = {c.name: c for c in classifications}
    tag_by_name = {t.name: t for t in tags}

    items = _list(data, "contacts", "contacts")
    contacts = []
    for i, item in enumerate(items):
        where = f"contacts[{i}]"
        contact = build(Contact, item, where=where, exclude=CONTACT_DERIVED, owner=owner)
        name = item.get("classification")
        if name is not None and name not in classification_by_name:
            raise RestoreError(f"{where}: there is no classification called “{name}” in the backup.")
        contact.classification = classification_by_name.get(name)
        contacts.append(contact)
    created_contacts = _bulk_create_keeping(Contact, contacts, "updated_at")

    emails, phones, links = [], [], []
    through = Contact.tags.through
    for i, (item, contact) in enumerate(zip(items, created_contacts, strict=True)):
        where = f"contacts[{i}]"
        refs.remember("contact", str(item.get("ref", "")), contact.pk)
        for position, address in enumerate(_list(item, "emails", where)):
            emails.append(build(ContactEmail, {"address": address, "position": position}, where=f"{where}.emails"))
            emails[-1].contact = contact
        for position, number in enumerate(_list(item, "phones", where)):
            phones.append(build(ContactPhone, {"number": number, "position": position}, where=f"{where}.phones"))
            phones[-1].contact = contact
        for name in _list(item, "tags", where):
            if name not in tag_by_name:
                raise RestoreError(f"{where}: there is no tag called “{name}” in the backup.")
            links.append(through(contact_id=contact.pk, tag_id=tag_by_name[name].pk))
    ContactEmail.objects.bulk_create(emails, batch_size=BATCH_SIZE)
    ContactPhone.objects.bulk_create(phones, batch_size=BATCH_SIZE)
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)

    interactions = []
    for i, item in enumerate(_list(data, "interactions", "contacts")):
        where = f"interactions[{i}]"
        try:
            contact_id = refs.pk("contact", str(item.get("contact")))
        except (KeyError, AttributeError):
            raise RestoreError(f"{where}: its contact is not in the backup.")
        interactions.append(build(Interaction, item, where=where, owner=owner, contact_id=contact_id))
    created_interactions = _bulk_create_keeping(Interaction, interactions, "created_at")
    refresh_cadence(Contact.objects.for_user(owner))
    return {"contacts": len(created_contacts), "interactions": len(created_interactions)}


def restore_backup(*, owner, raw: bytes) -> dict:
    """Restore a backup file into ``owner``'s account, which must have no contacts yet.
    All or nothing; raises ``RestoreError`` with a message naming what is wrong."""
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise RestoreError("This is not a netcrm backup: the file is not JSON.")
    if not isinstance(document, dict) or document.get("format") != BACKUP_FORMAT:
        raise RestoreError("This is not a netcrm backup (its “format” is not netcrm-backup).")
    if document.get("version") != BACKUP_VERSION:
        raise RestoreError(f"This backup has version {document.get('version')!r}; this netcrm reads {BACKUP_VERSION}.")
    sections = document.get("sections")
    if not isinstance(sections, dict):
        raise RestoreError("The backup has no sections.")
    unknown = set(sections) - set(RESTORERS)
    if unknown:
        raise RestoreError(f"The backup has sections this netcrm cannot restore: {', '.join(sorted(unknown))}.")
    counts = {}
    try:
        with transaction.atomic():
            get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
            if Contact.objects.for_user(owner).exists():
                raise RestoreError("Restore goes into an account without contacts; this one already has some.")
            refs = Refs()
            for name in SECTIONS:
                if name in sections:
                    if not isinstance(sections[name], dict):
                        raise RestoreError(f"The section “{name}” is damaged.")
                    counts.update(RESTORERS[name](owner, sections[name], refs))
    except IntegrityError as error:
        raise RestoreError(f"The backup contradicts itself (e.g. two classifications with one name): {error}")
    return counts
