"""Errors as JSON: DRF's own, and the services' Django ValidationError, each naming its field."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD_ERRORS = "non_field_errors"


def as_field_errors(error: DjangoValidationError, rename: dict[str, str] | None = None) -> dict[str, list[str]]:
    """``{"field": ["message", …]}`` from a Django ValidationError (a service's or a form's);
    errors of no field go under ``non_field_errors``, as DRF's own do."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        return {
            rename.get(field, NON_FIELD_ERRORS if field == "__all__" else field): [
                message for item in items for message in item.messages
            ]
            for field, items in error.error_dict.items()
        }
    return {NON_FIELD_ERRORS: error.messages}


def exception_handler(exc, context):
    """DRF's handler, which also answers a service's ValidationError with a 400 naming the field."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_field_errors(exc))
    return drf_exception_handler(exc, context)
