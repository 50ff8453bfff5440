"""``Authorization: Bearer <token>`` for other programs; the browser keeps its session (and CSRF)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .tokens import token_for

KEYWORD = "Bearer"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """A personal access token from Settings. Django's ``authenticate()`` is not involved, so
    django-axes (which guards the login form) neither counts nor locks token requests."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None  # not ours: the session may still authenticate the request
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the token as “Authorization: Bearer <token>”.")
        try:
            raw_token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("That is not a netcrm token.")
        token = token_for(raw_token)
        if token is None or not token.owner.is_active:
            raise exceptions.AuthenticationFailed("Unknown or revoked token; create one on Settings.")
        token.record_use()
        return token.owner, token

    def authenticate_header(self, request):
        # Makes a request without credentials a 401 (with this challenge) rather than a 403.
        return f'{KEYWORD} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token made on Settings (read only, or read and write).",
        }
