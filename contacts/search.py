"""Contact search: what the user typed, looked for in the contact's own words and in what was said.

On PostgreSQL it is full-text search over two documents, each an expression with its own GIN
index (migration 0007): the contact's text (names, company, title, where and how you met,
location, notes) and each interaction's text (summary, next step, notes). Indexing expressions
rather than a stored search column means nothing has to be kept in step when a contact or an
interaction is saved, imported, restored or bulk-updated: the index is the database's job. Each word
typed must be found somewhere in the contact's record (its text, an interaction, an email address
or a tag), as a prefix ("lov" finds "Lovelace"), in the ``simple`` configuration: names and
mixed-language notes are not stemmed as English. Matches are ranked by ``ts_rank`` over the
contact's weighted text (name above company above the rest), a match in what was said adding a
fixed step.

Elsewhere (SQLite, the embedded default) every field is matched with a plain ``icontains``, no
index and no ranking.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.models import Q, QuerySet, Value

SEARCH_CONFIG = "simple"
MAX_SEARCH_WORDS = 8
# What a match in an interaction adds to the rank (ts_rank of a one-word match in a name is ~0.6).
INTERACTION_MATCH_RANK = 0.1

CONTACT_TEXT_FIELDS = (
    ("A", ("first_name", "last_name")),
    ("B", ("company", "job_title")),
    ("C", ("how_we_met", "where_we_met", "location")),
    ("D", ("notes",)),
)
INTERACTION_TEXT_FIELDS = ("summary", "next_step", "notes")
# The SQLite fallback looks in the same fields.
CONTACT_PLAIN_FIELDS = tuple(name for _weight, names in CONTACT_TEXT_FIELDS for name in names)


def contact_document() -> SearchVector:
    """The contact's own words, weighted; the expression the contact's GIN index is built on
    (migration 0007 holds a frozen copy: change both, in a new migration, or lose the index)."""
    vectors = [SearchVector(*names, config=SEARCH_CONFIG, weight=weight) for weight, names in CONTACT_TEXT_FIELDS]
    document = vectors[0]
    for vector in vectors[1:]:
        document = document + vector
    return document


def interaction_document() -> SearchVector:
    """What was said in an interaction; the expression the interaction's GIN index is built on."""
    return SearchVector(*INTERACTION_TEXT_FIELDS, config=SEARCH_CONFIG)


def search_words(text: str) -> list[str]:
    """The words of a search: whitespace-separated, NUL characters removed, at most eight."""
    return text.replace("\x00", "").split()[:MAX_SEARCH_WORDS]


def _prefix_query(word: str) -> SearchQuery | None:
    """``'ada':* & 'lovelace':*`` for the letters and digits of ``word``; None when it has none.
    Only \\w runs reach to_tsquery, so no typed character can break its syntax."""
    tokens = re.findall(r"\w+", word)
    if not tokens:
        return None
    return SearchQuery(" & ".join(f"'{token}':*" for token in tokens), config=SEARCH_CONFIG, search_type="raw")


def _owned(queryset: QuerySet, owner, owner_path: str) -> QuerySet:
    return queryset.filter(**{owner_path: owner}) if owner is not None else queryset


def _in_emails_or_tags(word: str, owner) -> Q:
    """The word inside one of the contact's email addresses or tag names (plain match: a part of
    an address is not a word)."""
    from .models import Contact, ContactEmail

    emails = _owned(ContactEmail.objects.filter(address__icontains=word), owner, "contact__owner")
    tagged = _owned(Contact.tags.through.objects.filter(tag__name__icontains=word), owner, "tag__owner")
    return Q(pk__in=emails.values("contact_id")) | Q(pk__in=tagged.values("contact_id"))


def _said(query: SearchQuery, owner) -> QuerySet:
    """The contact ids of the owner's interactions whose text matches ``query``."""
    from .models import Interaction

    said = Interaction.objects.alias(search_document=interaction_document()).filter(search_document=query)
    return _owned(said, owner, "owner").values("contact_id")


def full_text_search(contacts: QuerySet, words: list[str], owner=None) -> QuerySet:
    """PostgreSQL: the contacts in which every word is found; annotated ``search_rank``.

    Each place a word may be found is its own uncorrelated ``pk IN (…)``, so each is read once
    through its own index (the contact's or the interactions' GIN index, owner-scoped) and the
    list only probes the results; an OR of the expressions themselves could use no index."""
    from .models import Contact

    document = contact_document()
    own_text = _owned(Contact.objects.alias(search_document=document), owner, "owner")
    any_word = None
    for word in words:
        found = _in_emails_or_tags(word, owner)
        query = _prefix_query(word)
        if query is not None:
            found |= Q(pk__in=own_text.filter(search_document=query).values("pk")) | Q(pk__in=_said(query, owner))
            any_word = query if any_word is None else any_word | query
        contacts = contacts.filter(found)
    if any_word is None:
        return contacts.annotate(search_rank=Value(0.0, output_field=models.FloatField()))
    # Asked of each matching contact's own interactions (a few, through the index on contact),
    # not as another pass over all the owner's interactions: that pass is already in the filter.
    said_to_them = _said(any_word, owner).filter(contact=models.OuterRef("pk"))
    return contacts.annotate(
        search_rank=SearchRank(document, any_word)
        + models.Case(
            models.When(models.Exists(said_to_them), then=Value(INTERACTION_MATCH_RANK)),
            default=Value(0.0),
            output_field=models.FloatField(),
        )
    )


def plain_search(contacts: QuerySet, words: list[str], owner=None) -> QuerySet:
    """Any other database: every word somewhere in the record, matched with icontains; no ranking."""
    from .models import Interaction

    for word in words:
        own_text = Q()
        for field in CONTACT_PLAIN_FIELDS:
            own_text |= Q(**{f"{field}__icontains": word})
        said = Q()
        for field in INTERACTION_TEXT_FIELDS:
            said |= Q(**{f"{field}__icontains": word})
        interactions = _owned(Interaction.objects.filter(said), owner, "owner").values("contact_id")
        contacts = contacts.filter(own_text | Q(pk__in=interactions) | _in_emails_or_tags(word, owner))
    return contacts.annotate(search_rank=Value(0.0, output_field=models.FloatField()))


def search_contacts(contacts: QuerySet, text: str, *, owner=None) -> QuerySet:
    """``contacts`` narrowed to those matching ``text`` (unchanged when it holds no word), each
    annotated ``search_rank`` (0 without full-text search). ``owner``, when known, scopes the
    interactions looked into, which lets the database use the owner's index too."""
    words = search_words(text)
    if not words:
        return contacts
    if connections[contacts.db].vendor == "postgresql":
        return full_text_search(contacts, words, owner)
    return plain_search(contacts, words, owner)


def is_ranked(contacts: QuerySet) -> bool:
    return connections[contacts.db].vendor == "postgresql"
