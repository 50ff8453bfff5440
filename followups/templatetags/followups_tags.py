"""Follow-up cards other pages embed (the contact page), each with its own fixed queries."""

from urllib.parse import urlsplit

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from contacts.models import Classification
from followups import selectors
from followups.board import selectors as board
from followups.board.forms import blank_commitment_fields_html
from netcrm.row_urls import row_url as _row_url
from netcrm.rows import render_rows

register = template.Library()


@register.simple_tag
def row_url(name: str, pk: int) -> str:
    """``{% url name pk %}`` for a list's rows, without ``reverse``'s cost per row (netcrm.row_urls)."""
    return _row_url(name, pk)


@register.filter
def thousands(number) -> str:
    """``50000`` → ``"50,000"`` (counts on the follow-ups page and in the digest)."""
    try:
        return f"{int(number):,}"
    except (TypeError, ValueError):
        return str(number)


@register.simple_tag(takes_context=True)
def section_rows(context, section):
    """A follow-ups section's rows, rendered by Jinja2 (netcrm/jinja2.py says why)."""
    return render_rows("followups/includes/section_rows.jinja", context, section=section)


@register.simple_tag(takes_context=True)
def promise_items(context, promises, today):
    """A contact's open promises; "Kept" and "Drop" come back to this page."""
    request = context.get("request")
    back_url = request.path if request else ""
    return render_rows(
        "followups/includes/promise_items.jinja", context, promises=promises, today=today, back_url=back_url
    )


@register.inclusion_tag("followups/includes/contact_card.html", takes_context=True)
def contact_followups(context, contact):
    request = context.get("request")
    reminders, promises = selectors.open_items_for_contact(owner=request.user, contact=contact)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "contact": contact,
        "reminders": reminders,
        "promises": promises,
        "promise_fields": blank_commitment_fields_html(),
        "today": timezone.localdate(),
    }


@register.inclusion_tag("followups/includes/board_counts_oob.html", takes_context=True)
def board_counts_oob(context):
    """After an in-place action (log, snooze, dismiss) on the follow-ups page: the sections'
    new counts, swapped out of band into their badges. The page, and so its filter, is the
    one htmx says the user is on (HX-Current-URL); from anywhere else, nothing (no query)."""
    request = context.get("request")
    htmx = getattr(request, "htmx", None)
    page = urlsplit(htmx.current_url_abs_path or "") if htmx else None
    if not page or page.path != reverse("followups:board"):
        return {"counts": None}
    query = board.BoardQuery.from_params(
        QueryDict(page.query), classifications=Classification.objects.for_user(request.user)
    )
    day = selectors.Day.of(timezone.now(), timezone.get_current_timezone())
    return {"counts": board.board_counts(owner=request.user, day=day, query=query)}
