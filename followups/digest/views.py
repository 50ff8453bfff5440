"""The digest's pages: the preview of this week's email and the one-click unsubscribe."""

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from .. import services
from ..models import FollowupPreferences
from .content import build_digest, render_digest
from .links import owner_id_from_unsubscribe_token


# An email styles itself inline (mail programs ignore stylesheets): this one page may, and it runs
# no script at all.
@csp_replace({"style-src": [UNSAFE_INLINE], "script-src": [NONE]})
def digest_preview(request):
    """This week's digest as the email's HTML, for the user to see before it is sent."""
    content = build_digest(owner=request.user, preferences=services.preferences_for(request.user))
    _, html = render_digest(content)
    return HttpResponse(html)


@csrf_exempt  # one-click unsubscribe POSTs come from mail clients, without a CSRF token
@login_not_required
def digest_unsubscribe(request, token):
    """Turn the digest off from the email without logging in (signed link; RFC 8058 one-click POST)."""
    try:
        owner_id = owner_id_from_unsubscribe_token(token)
    except (signing.BadSignature, ValueError):
        return render(request, "followups/unsubscribe.html", {"invalid": True}, status=400)
    preferences = FollowupPreferences.objects.filter(owner_id=owner_id).first()
    if preferences is None:
        return render(request, "followups/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        FollowupPreferences.objects.filter(pk=preferences.pk).update(digest_enabled=False)
        return render(request, "followups/unsubscribe.html", {"done": True})
    return render(request, "followups/unsubscribe.html", {"preferences": preferences})
