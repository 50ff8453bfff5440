from django import template

from ..occasions import show_date

register = template.Library()


@register.filter
def important_date(day):
    """``6 December 1984``, or ``6 December`` for a date whose year is unknown."""
    return show_date(day)
