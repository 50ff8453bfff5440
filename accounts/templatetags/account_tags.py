"""The Settings page's email card, kept with the accounts app that owns its forms."""

from django import template

from ..forms import ChangeEmailForm
from ..selectors import verification_for

register = template.Library()


@register.inclusion_tag("accounts/includes/email_card.html", takes_context=True)
def email_address_card(context):
    user = context["request"].user
    verification = verification_for(user)
    return {
        "csrf_token": context.get("csrf_token"),
        "current_address": user.email,
        "verification": verification,
        "change_form": ChangeEmailForm(user=user),
    }
