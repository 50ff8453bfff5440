"""The cadence band badge (contacts.bands decides; this tag shows it in words and colour)."""

from django import template
from django.utils.html import format_html

from ..bands import Band, band_of

register = template.Library()


@register.simple_tag
def band_badge(contact, day, quiet: bool = True):
    """``contact``'s band today, in words and colour. ``day`` is the user's today (StatusBounds
    or followups' Day). ``quiet`` shows only "Due" and "Overdue", as lists want. A simple tag,
    not a template: lists show it on every row."""
    band = band_of(next_due_at=contact.next_due_at, overdue_at=contact.overdue_at, day=day)
    if band in (Band.OVERDUE, Band.DUE) or (not quiet and band == Band.NOT_DUE):
        return format_html('<span class="band band-{}" data-band="{}">{}</span>', band, band, band.label)
    return ""
