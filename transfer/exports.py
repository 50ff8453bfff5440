"""Contacts out, in formats other tools read: CSV (formula-safe) and vCard 4.0."""

from __future__ import annotations

import vobject

from contacts.models import Contact
from contacts.resources import contacts_csv as _contacts_csv


def contacts_csv(*, owner) -> str:
    """Every contact of ``owner`` as CSV, the admin's columns; cells that start a formula are escaped."""
    return _contacts_csv(queryset=Contact.objects.for_user(owner), owner=owner)


def _card(contact: Contact) -> vobject.base.Component:
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("fn").value = contact.full_name
    card.add("n").value = vobject.vcard.Name(family=contact.last_name, given=contact.first_name)
    for email in contact.emails.all():
        card.add("email").value = email.address
    for phone in contact.phones.all():
        card.add("tel").value = phone.number
    if contact.company:
        card.add("org").value = [contact.company]
    if contact.job_title:
        card.add("title").value = contact.job_title
    for url in (contact.linkedin_url, contact.website_url):
        if url:
            card.add("url").value = url
    if contact.location:
        card.add("adr").value = vobject.vcard.Address(city=contact.location)
    if contact.birthday:
        card.add("bday").value = contact.birthday.strftime("%Y%m%d")
    if contact.notes:
        card.add("note").value = contact.notes
    tags = [tag.name for tag in contact.tags.all()]
    if tags:
        card.add("categories").value = tags
    return card


def contacts_vcard(*, owner) -> str:
    """Every contact of ``owner`` as vCard 4.0 cards (RFC 6350), one after another."""
    contacts = Contact.objects.for_user(owner).prefetch_related("emails", "phones", "tags")
    return "".join(_card(contact).serialize() for contact in contacts.iterator(chunk_size=1000))
