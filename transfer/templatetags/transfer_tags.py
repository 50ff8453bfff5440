from django import template
from django.core.exceptions import FieldDoesNotExist

from contacts.models import Contact

register = template.Library()


@register.filter
def field_label(name: str) -> str:
    """``"job_title"`` → ``"Job title"``, as the contact form names it."""
    try:
        return str(Contact._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name
