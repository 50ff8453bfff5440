"""The Settings page: time zone, outreach list size, the digest and its recent sends."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import services
from ..middleware import SESSION_KEY
from ..models import DigestLog
from .forms import PreferencesForm


def preferences(request):
    current = services.preferences_for(request.user)
    form = PreferencesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.save_preferences(preferences=form.instance)
        request.session[SESSION_KEY] = form.instance.time_zone
        messages.success(request, "Settings saved.")
        return redirect(reverse("followups:preferences"))
    logs = DigestLog.objects.for_user(request.user)[:12]
    return render(request, "followups/preferences.html", {"form": form, "preferences": current, "logs": logs})
