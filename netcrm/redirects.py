"""The one check for every ``next`` the app follows: Django's own (what LoginView uses)."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, *, default: str = "") -> str:
    """The request's ``next`` (POST, else GET) when it leads to this site, else ``default``.
    Refuses other hosts and what browsers read as one (``//evil``, ``/\\evil``, ``/<TAB>/evil``)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else default
