"""Follow-up cards other pages embed (the contact page), each with its own fixed queries."""

from django import template
from django.utils import timezone

from followups import selectors
from followups.forms import CommitmentForm

register = template.Library()


@register.inclusion_tag("followups/includes/contact_card.html", takes_context=True)
def contact_followups(context, contact):
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "contact": contact,
        "reminders": list(selectors.open_reminders_for_contact(contact=contact)),
        "promises": list(selectors.open_commitments_for_contact(contact=contact)),
        "promise_form": CommitmentForm(),
        "today": timezone.localdate(),
    }
