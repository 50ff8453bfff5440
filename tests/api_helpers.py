"""Clients of the REST API: a program holding a personal access token."""

from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import create_token


def token_client(user, *, scope: str = ApiToken.Scope.WRITE, name: str = "script") -> APIClient:
    """An API client sending a new token of ``user`` as ``Authorization: Bearer …``; the token
    row is ``client.token``, the token itself ``client.raw_token``."""
    token, raw_token = create_token(owner=user, name=name, scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    client.token, client.raw_token = token, raw_token
    return client
