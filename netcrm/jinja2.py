"""The rows that pages repeat 25 to 75 times, rendered with Jinja2 (``templates/**/*.jinja``).

Everything else is Django's template language. A row of the follow-ups page cost about 0.17 ms
in it (each variable is looked up as a key, an attribute and a call; each ``include`` pushes a
context), so the rows were half of that page's time and a third of the contacts list's; the
same rows in Jinja2, which compiles a template to Python, cost a third of that. Only the rows
moved: a page stays one Django template that asks for its rows with a tag
(``netcrm.rows.render_rows``), so pages, their blocks and includes read as before.

The filters below are Django's own, so a row says a date or a URL exactly as the page around
it does; autoescaping is on (Django's backend default), and Django's safe strings stay safe.
"""

from __future__ import annotations

from django.template import defaultfilters
from django.utils import timezone
from jinja2 import Environment

from contacts.templatetags.band_tags import band_badge
from contacts.templatetags.contact_list_tags import machine_moment
from followups.templatetags.followups_tags import thousands
from netcrm.row_urls import row_url


def _date(value, arg: str = "") -> str:
    """Django's ``date`` filter, in the user's zone as Django's template language shows it."""
    if not value:
        return ""
    return defaultfilters.date(timezone.template_localtime(value), arg)


def _timesince(value) -> str:
    return defaultfilters.timesince_filter(value) if value else ""


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(row_url=row_url, band_badge=band_badge)
    env.filters.update(
        date=_date,
        timesince=_timesince,
        urlencode=defaultfilters.urlencode,
        machine_moment=machine_moment,
        thousands=thousands,
    )
    return env
