"""The cadence band badge (contacts.bands decides; templates/includes/band.html shows it)."""

from django import template

from ..bands import Band, band_of

register = template.Library()


@register.inclusion_tag("includes/band.html")
def band_badge(contact, day, quiet: bool = True):
    """``contact``'s band today, in words and colour. ``day`` is the user's today (StatusBounds
    or followups' Day). ``quiet`` shows only "Due" and "Overdue", as lists want."""
    band = band_of(next_due_at=contact.next_due_at, overdue_at=contact.overdue_at, day=day)
    shown = band in (Band.OVERDUE, Band.DUE) or (not quiet and band == Band.NOT_DUE)
    return {"band": band if shown else None, "label": band.label if shown else ""}
