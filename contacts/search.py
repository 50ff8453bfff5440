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

import dataclasses
import functools
import re

from django.contrib.postgres.search import SearchVector
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Q, QuerySet, Value
from django.db.models.expressions import RawSQL

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


def _prefix_query_text(word: str) -> str | None:
    """``'ada':* & 'lovelace':*`` for the letters and digits of ``word``; None when it has none.
    Only \\w runs reach to_tsquery, so no typed character can break its syntax."""
    tokens = re.findall(r"\w+", word)
    if not tokens:
        return None
    return " & ".join(f"'{token}':*" for token in tokens)


def _owned(queryset: QuerySet, owner, owner_path: str) -> QuerySet:
    return queryset.filter(**{owner_path: owner}) if owner is not None else queryset


def _in_emails_or_tags(word: str, owner) -> Q:
    """SQLite: the word inside one of the contact's email addresses or tag names (plain match:
    a part of an address is not a word)."""
    from .models import Contact, ContactEmail

    emails = _owned(ContactEmail.objects.filter(address__icontains=word), owner, "contact__owner")
    tagged = _owned(Contact.tags.through.objects.filter(tag__name__icontains=word), owner, "tag__owner")
    return Q(pk__in=emails.values("contact_id")) | Q(pk__in=tagged.values("contact_id"))


@functools.cache
def _compiled(document_of: str) -> tuple[str, tuple]:
    """The SQL of the search document of ``document_of`` ("contact" or "interaction") over its
    model's table, compiled once per process: the expression never changes, and building and
    compiling it with the rest of a search was most of a search's time (bench/load)."""
    from .models import Contact, Interaction

    documents = {"contact": (Contact, contact_document), "interaction": (Interaction, interaction_document)}
    model, document = documents[document_of]
    query = model.objects.all().query
    compiler = query.get_compiler(using=DEFAULT_DB_ALIAS)
    sql, params = compiler.compile(document().resolve_expression(query))
    return sql, tuple(params)


@dataclasses.dataclass
class _Sql:
    """SQL text and its parameters, built up in order."""

    parts: list = dataclasses.field(default_factory=list)
    params: list = dataclasses.field(default_factory=list)

    def add(self, sql: str, *params) -> None:
        self.parts.append(sql)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return "".join(self.parts)


def _owner_clause(sql: _Sql, column: str, owner) -> None:
    if owner is not None:
        sql.add(f" AND {column} = %s", owner.pk)


def _where_word_is_found(sql: _Sql, word: str, owner) -> None:
    """``id IN (…) OR …``: the word in one of the contact's email addresses or tag names (a plain
    match: a part of an address is not a word), or as a prefix in their own words or in what was
    said to them. Each place is its own uncorrelated ``id IN (…)``, so each is read once through
    its own index (the contact's or the interactions' GIN index, owner-scoped) and the list only
    probes the results; an OR of the expressions themselves could use no index. The plain match
    is Django's ``icontains`` (UPPER … LIKE UPPER, the word's wildcards escaped)."""
    like = f"%{connection.ops.prep_for_like_query(word)}%"
    sql.add(
        '("contacts_contact"."id" IN (SELECT e."contact_id" FROM "contacts_contactemail" e'
        ' INNER JOIN "contacts_contact" c ON (e."contact_id" = c."id") WHERE UPPER(e."address"::text) LIKE UPPER(%s)',
        like,
    )
    _owner_clause(sql, 'c."owner_id"', owner)
    sql.add(
        ') OR "contacts_contact"."id" IN (SELECT l."contact_id" FROM "contacts_contact_tags" l'
        ' INNER JOIN "contacts_tag" t ON (l."tag_id" = t."id") WHERE UPPER(t."name"::text) LIKE UPPER(%s)',
        like,
    )
    _owner_clause(sql, 't."owner_id"', owner)
    sql.add(")")
    query = _prefix_query_text(word)
    if query is not None:
        own_text, own_params = _compiled("contact")
        said, said_params = _compiled("interaction")
        # Inside each subquery its own FROM shadows the outer "contacts_contact".
        sql.add(' OR "contacts_contact"."id" IN (SELECT "contacts_contact"."id" FROM "contacts_contact" WHERE (')
        sql.add(own_text, *own_params)
        sql.add(f") @@ to_tsquery('{SEARCH_CONFIG}'::regconfig, %s)", query)
        _owner_clause(sql, '"contacts_contact"."owner_id"', owner)
        sql.add(
            ') OR "contacts_contact"."id" IN'
            ' (SELECT "contacts_interaction"."contact_id" FROM "contacts_interaction" WHERE ('
        )
        sql.add(said, *said_params)
        sql.add(f") @@ to_tsquery('{SEARCH_CONFIG}'::regconfig, %s)", query)
        _owner_clause(sql, '"contacts_interaction"."owner_id"', owner)
        sql.add(")")
    sql.add(")")


def _rank(any_word: str, owner) -> _Sql:
    """``ts_rank`` over the contact's weighted words, a match in what was said to them adding a
    fixed step; asked of each matching contact's own interactions (a few, through the index on
    contact), not as another pass over all the owner's interactions."""
    own_text, own_params = _compiled("contact")
    said, said_params = _compiled("interaction")
    tsquery = f"to_tsquery('{SEARCH_CONFIG}'::regconfig, %s)"
    sql = _Sql()
    sql.add("(ts_rank((")
    sql.add(own_text, *own_params)
    sql.add(f'), {tsquery}) + CASE WHEN EXISTS(SELECT 1 FROM "contacts_interaction" WHERE (', any_word)
    sql.add(said, *said_params)
    sql.add(f") @@ {tsquery}", any_word)
    _owner_clause(sql, '"contacts_interaction"."owner_id"', owner)
    sql.add(
        ' AND "contacts_interaction"."contact_id" = "contacts_contact"."id")'
        f" THEN {INTERACTION_MATCH_RANK} ELSE 0.0 END)"
    )
    return sql


def full_text_search(contacts: QuerySet, words: list[str], owner=None) -> QuerySet:
    """PostgreSQL: the contacts in which every word is found; annotated ``search_rank``. The
    conditions are SQL written out around the documents' compiled expressions (``_compiled``)."""
    where = _Sql()
    for number, word in enumerate(words):
        if number:
            where.add(" AND ")
        _where_word_is_found(where, word, owner)
    contacts = contacts.filter(RawSQL(where.sql, where.params, output_field=models.BooleanField()))
    queries = [query for word in words if (query := _prefix_query_text(word)) is not None]
    if not queries:
        return contacts.annotate(search_rank=Value(0.0, output_field=models.FloatField()))
    rank = _rank(" | ".join(f"({query})" for query in queries), owner)
    return contacts.annotate(search_rank=RawSQL(rank.sql, rank.params, output_field=models.FloatField()))


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
