"""Strategy cards other pages embed (contact page, contact list), each with its own fixed queries."""

from django import template

from strategy import selectors

register = template.Library()


@register.inclusion_tag("strategy/includes/contact_card.html", takes_context=True)
def contact_strategy(context, contact, timeline=None):
    """The contact's givers-gain balance, the purposes they serve and where you met them (one
    query on PostgreSQL, four on SQLite; one more when ``timeline``, the page's newest
    interactions, is not all of them)."""
    card = selectors.strategy_card(owner=context["request"].user, contact=contact)
    return {
        "met_at": card.met_at,
        "venues": card.venues,
        "events": card.events,
        "csrf_token": context.get("csrf_token"),
        "contact": contact,
        "ledger": selectors.contact_ledger(contact=contact, timeline=timeline),
        "purposes": card.purposes,
    }


@register.inclusion_tag("strategy/includes/purpose_filter.html", takes_context=True)
def purpose_filter(context):
    """Purpose chips over the contact list; each opens the list filtered by that purpose."""
    request = context["request"]
    active = context.get("purpose")
    return {
        "purposes": selectors.purpose_chips(owner=request.user),
        "active_id": active.pk if active else None,
    }
