from rest_framework import permissions

from .models import ApiToken


class TokenScopeAllows(permissions.BasePermission):
    """A read-only token may read; only a read-and-write token (or the browser's session) may write."""

    message = "This token is read only; make a read and write token on Settings to change data."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS or not isinstance(request.auth, ApiToken):
            return True
        return request.auth.can_write
