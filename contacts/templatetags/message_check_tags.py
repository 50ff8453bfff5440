"""The message check on a page (contacts.message_check decides)."""

from django import template

from ..message_check import MessageCheck, check_message

register = template.Library()


@register.filter
def message_check(text: str) -> MessageCheck:
    return check_message(text)
