"""Rows rendered by the Jinja2 engine from a Django template tag (netcrm/jinja2.py says why)."""

from __future__ import annotations

from django.template import engines
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

ENGINE = "rows"  # settings.TEMPLATES' NAME for the Jinja2 backend


def render_rows(template_name: str, context, **values) -> SafeString:
    """The Jinja2 template ``template_name`` with ``values``, for a Django template tag that
    takes its context. Its forms carry the page's own CSRF token, taken once: Django's Jinja2
    backend would mask the secret anew for every form of every row."""
    template = engines[ENGINE].get_template(template_name).template  # Jinja2's own, run as is
    token = context.get("csrf_token")
    csrf_input = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token) if token else ""
    return mark_safe(template.render(values, request=context.get("request"), csrf_input=csrf_input))
