"""The API applies the pages' own rules by running the pages' own forms.

A serializer parses the JSON (types, lengths, choices: what the schema says); the form the page
uses then decides whether the values are acceptable (an interaction a day in the future, a
promise due yesterday, a classification name already taken, a phone without digits…), so no
rule is written twice. The form is fed Python values, which Django's form fields accept as they
accept the strings of a POST.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db import models
from rest_framework import serializers

from .exceptions import NON_FIELD_ERRORS


def form_value(value: Any) -> Any:
    """What a form field expects for a model value: a pk for a row, "" for nothing."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return value.pk
    return value


def current_values(instance: models.Model | None, fields: Iterable[str]) -> dict[str, Any]:
    """The instance's values of ``fields``, as a form expects them (nothing for a new row): a
    partial update changes only what it names."""
    if instance is None or instance.pk is None:
        return {}
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = form_value(getattr(instance, field.attname))
    return values


def check(form: forms.BaseForm, *, rename: dict[str, str] | None = None) -> forms.BaseForm:
    """The form if valid; else a 400 whose errors name the API's fields (``rename`` maps a form
    field to its API name, e.g. the page's comma-separated ``tag_names`` to ``tags``)."""
    if form.is_valid():
        return form
    rename = rename or {}
    errors = {}
    for field, messages in form.errors.items():
        name = NON_FIELD_ERRORS if field == "__all__" else rename.get(field, field)
        errors.setdefault(name, []).extend(messages)
    raise serializers.ValidationError(errors)
