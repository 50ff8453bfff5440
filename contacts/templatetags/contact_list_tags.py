"""The contact list's sortable column headers and its rows."""

from django import template
from django.utils import timezone

from netcrm.rows import render_rows

register = template.Library()


@register.inclusion_tag("contacts/includes/sort_header.html", takes_context=True)
def sort_header(context, key: str, label: str, css_class: str = ""):
    """A column header linking to the list sorted by ``key``: ascending first, the other way
    when already sorted by it; filters kept, back to page one. ``aria-sort`` says the current."""
    current = context["sort"]
    direction = "ascending" if current == key else "descending" if current == f"-{key}" else ""
    target = f"-{key}" if direction == "ascending" else key
    return {
        "label": label,
        "css_class": css_class,
        "direction": direction,
        "url": "?" + context["filter_form"].query_string(sort=target),
        "target_label": "descending" if target.startswith("-") else "ascending",
    }


@register.filter
def machine_moment(value):
    """``value`` in the user's zone as a ``<time datetime>`` wants it (2026-12-01T09:30:00+0100):
    what ``date:'Y-m-d\\TH:i:sO'`` says, at a tenth of its cost, twice on every row of the list."""
    if not value:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M:%S%z")


@register.simple_tag(takes_context=True)
def contact_rows(context, contacts, bounds):
    """The list's rows, rendered by Jinja2 (netcrm/jinja2.py says why)."""
    return render_rows("contacts/includes/list_rows.jinja", context, contacts=contacts, bounds=bounds)
