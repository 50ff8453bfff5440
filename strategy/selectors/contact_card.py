"""The contact page's strategy card: the owner's purposes (which of them this contact serves),
the venues and events to pick where you met them, and where you did.

The contact page is the page opened most (a third of the load bench's requests, and it is shown
again after every interaction logged). Read as three querysets, this card cost it three round
trips and about a millisecond of Django building and compiling each, more than PostgreSQL
spent on the rows. On PostgreSQL it is one hand-written statement, each part a JSON column
(netcrm.json_rows), written once per process and prepared once per connection
(netcrm/prepared.py); on SQLite, the embedded default, the querysets stay
(tests/test_contact_page_statements.py compares the two on random networks).
"""

from __future__ import annotations

import dataclasses
import functools

from django.db import connection

from contacts.models import Contact
from netcrm.json_rows import instance, parsed, row_sql
from netcrm.prepared import PreparedStatement

from ..models import Event, MetAt, Purpose, Venue
from .purposes_venues_events import PLACES_TO_PICK, in_picker_order, places_to_pick, purposes_for_contact, where_met

__all__ = ["StrategyCard", "strategy_card"]


@dataclasses.dataclass
class StrategyCard:
    purposes: list[Purpose]  # each with ``serves``: whether this contact serves it
    venues: list[Venue]  # to pick where you met: pk and name
    events: list[Event]  # to pick where you met: pk, name and date; the one you met at among them
    met_at: MetAt | None  # with its venue, or its event and the event's venue


def reads_card_in_one_statement() -> bool:
    return connection.vendor == "postgresql"


def strategy_card(*, owner, contact: Contact) -> StrategyCard:
    """What the contact page's strategy card shows of ``contact`` (already read owner-scoped):
    one query on PostgreSQL, every part of it scoped to ``owner``; four on SQLite."""
    if reads_card_in_one_statement():
        card = _card_in_one_statement(owner=owner, contact=contact)
    else:
        venues, events = places_to_pick(owner=owner)
        card = StrategyCard(
            purposes=list(purposes_for_contact(contact=contact)),
            venues=venues,
            events=events,
            met_at=where_met(contact=contact),
        )
    met_at = card.met_at
    if met_at and met_at.event and met_at.event not in card.events:  # an older event is still offered
        card.events.append(met_at.event)
    return card


@functools.cache
def _card_statement() -> PreparedStatement:
    return PreparedStatement("netcrm_contact_strategy_card", _card_sql())


def _card_sql() -> str:
    """The card's statement: one row, a JSON column per part (written once per process; the
    table and column names come from the models)."""
    models = (Purpose, Venue, Event, MetAt, Contact)
    table = {model: connection.ops.quote_name(model._meta.db_table) for model in models}
    serves = connection.ops.quote_name(Purpose.contacts.through._meta.db_table)
    # A subquery with ORDER BY and LIMIT is not flattened into the aggregate above it, but the
    # order is still asked of json_agg itself: a part's order is then never the planner's choice.
    return f"""
SELECT
  (SELECT json_agg(json_build_array({row_sql(Purpose, "p")},
                                    EXISTS (SELECT 1 FROM {serves} s
                                            WHERE s.purpose_id = p.id AND s.contact_id = %(contact)s))
                   ORDER BY p.is_main DESC, p.name, p.id)::text
     FROM {table[Purpose]} p WHERE p.owner_id = %(owner)s) AS purposes,
  (SELECT json_agg(json_build_array(v.id, v.name) ORDER BY v.name, v.id)::text
     FROM (SELECT id, name FROM {table[Venue]} WHERE owner_id = %(owner)s
           ORDER BY name, id LIMIT %(places)s) v) AS venues,
  (SELECT json_agg(json_build_array(e.id, e.name, e.held_on) ORDER BY e.held_on DESC, e.id DESC)::text
     FROM (SELECT id, name, held_on FROM {table[Event]} WHERE owner_id = %(owner)s
           ORDER BY held_on DESC, id DESC LIMIT %(places)s) e) AS events,
  (SELECT json_build_array({row_sql(MetAt, "m")}, {row_sql(Venue, "mv")},
                           {row_sql(Event, "me")}, {row_sql(Venue, "ev")})::text
     FROM {table[MetAt]} m
     JOIN {table[Contact]} c ON c.id = m.contact_id AND c.owner_id = %(owner)s
     LEFT JOIN {table[Venue]} mv ON mv.id = m.venue_id
     LEFT JOIN {table[Event]} me ON me.id = m.event_id
     LEFT JOIN {table[Venue]} ev ON ev.id = me.venue_id
    WHERE m.contact_id = %(contact)s) AS met_at
"""


def _card_in_one_statement(*, owner, contact: Contact) -> StrategyCard:
    (row,) = _card_statement().fetch({"owner": owner.pk, "contact": contact.pk, "places": PLACES_TO_PICK})
    purposes = []
    for purpose_row, serves in parsed(row["purposes"]) or []:
        purpose = instance(Purpose, purpose_row)
        purpose.serves = serves
        purposes.append(purpose)
    # Built as places_to_pick builds them: only what the picker shows.
    venues = [Venue(pk=pk, name=name, owner_id=owner.pk) for pk, name in parsed(row["venues"]) or []]
    events = [
        Event(pk=pk, name=name, held_on=Event._meta.get_field("held_on").to_python(held_on), owner_id=owner.pk)
        for pk, name, held_on in parsed(row["events"]) or []
    ]
    venues, events = in_picker_order(venues, events)
    return StrategyCard(purposes=purposes, venues=venues, events=events, met_at=_met_at_of(parsed(row["met_at"])))


def _met_at_of(rows: list | None) -> MetAt | None:
    """The MetAt of its JSON row with its venue, or its event and the event's venue, where
    ``select_related("venue", "event__venue")`` would have put them."""
    if rows is None:
        return None
    met_at_row, venue_row, event_row, event_venue_row = rows
    met_at = instance(MetAt, met_at_row)
    met_at.venue = instance(Venue, venue_row)
    event = instance(Event, event_row)
    if event is not None:
        event.venue = instance(Venue, event_venue_row)
    met_at.event = event
    return met_at
