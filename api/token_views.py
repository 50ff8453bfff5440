"""Settings: make and revoke personal access tokens. A new token is shown once, on the page the
POST answers (nothing keeps it: not the session, not a message cookie)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from contacts.ownership import get_owned_or_404

from . import tokens
from .forms import ApiTokenForm
from .models import ApiToken


def _back_to_settings():
    return redirect(reverse("followups:preferences") + "#api-tokens")


@never_cache
@require_POST
def create_token(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return _back_to_settings()
    try:
        token, raw_token = tokens.create_token(owner=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_settings()
    return render(request, "api/token_created.html", {"token": token, "raw_token": raw_token})


@require_POST
def revoke_token(request, pk):
    token = get_owned_or_404(ApiToken, request.user, pk=pk)
    tokens.revoke_token(token=token)
    messages.success(request, f"Revoked the token “{token.name}”; programs using it are refused from now on.")
    return _back_to_settings()
