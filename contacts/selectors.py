"""Reads for the contacts pages: each returns an owner-scoped queryset with what its page shows."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import Classification, Contact, Interaction, Tag
from .ownership import get_owned_or_404, id_from_query


def contacts_for_list(*, owner, search: str = "", classification_id: str = "", tag_id: str = "") -> QuerySet[Contact]:
    contacts = Contact.objects.for_user(owner).search(search)
    if classification_id == "none":
        contacts = contacts.filter(classification__isnull=True)
    elif (classification_pk := id_from_query(classification_id)) is not None:
        contacts = contacts.filter(classification_id=classification_pk)
    if (tag_pk := id_from_query(tag_id)) is not None:
        contacts = contacts.filter(tags__id=tag_pk)
    return contacts.with_list_data()


def contact_for_page(*, owner, pk) -> Contact:
    return get_owned_or_404(
        Contact.objects.select_related("classification").prefetch_related("tags", "emails", "phones"),
        owner,
        pk=pk,
    )


def timeline(*, contact: Contact, limit: int = 100) -> list[Interaction]:
    return list(contact.interactions.all()[:limit])


def classifications_with_counts(*, owner) -> QuerySet[Classification]:
    return Classification.objects.for_user(owner).annotate(contact_count=Count("contacts"))


def tags_for(*, owner) -> QuerySet[Tag]:
    return Tag.objects.for_user(owner)
