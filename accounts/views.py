"""Sign up, verify an address, change it; password reset with limits. Thin: one service call each."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import services
from .forms import ChangeEmailForm, ResetRequestForm, SignupForm
from .throttles import client_request_allowed, mail_to_address_allowed

TOO_MANY_FROM_HERE = "Too many requests from your network this hour; try again later."


@login_not_required
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not client_request_allowed(request, action="signup"):
            form.add_error(None, TOO_MANY_FROM_HERE)
        else:
            user = services.sign_up(form=form)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.info(request, _link_sent(form.cleaned_data["email"]))
            return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


def _link_sent(address: str) -> str:
    return (
        f"We sent a link to {address}. Follow it to verify your address: your weekly digest starts once it is verified."
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, limited: per client address (a form error) and per email address (the page
    answers as always, and no mail goes). Both answers are the same for registered addresses and
    for others."""

    form_class = ResetRequestForm

    def form_valid(self, form):
        if not client_request_allowed(self.request, action="password-reset"):
            form.add_error(None, TOO_MANY_FROM_HERE)
            return self.form_invalid(form)
        if not mail_to_address_allowed(form.cleaned_data["email"]):
            services.logger.info("Not mailing a password reset to %s: hourly limit reached", form.cleaned_data["email"])
            return redirect(self.get_success_url())
        return super().form_valid(form)


@login_not_required
def verify_email(request, token):
    """The link in the verification mail: a page with a button (mail scanners that open links
    verify nothing), whose POST verifies. Works logged in or not: the signed token says who."""
    try:
        user_id, address = services.read_verification_token(token)
    except signing.SignatureExpired:
        return render(request, "accounts/verify_email.html", {"expired": True}, status=400)
    except signing.BadSignature:
        return render(request, "accounts/verify_email.html", {"invalid": True}, status=400)
    if request.method != "POST":
        return render(request, "accounts/verify_email.html", {"address": address})
    outcome = services.verify_address(user_id=user_id, address=address)
    status = 200 if outcome is services.Outcome.VERIFIED else 409
    return render(request, "accounts/verify_email.html", {"address": address, "outcome": outcome.value}, status=status)


@require_POST
def resend_verification(request):
    address, outcome = services.resend_address_link(user=request.user)
    if outcome is services.Mail.SENT:
        messages.success(request, _link_sent(address))
    elif outcome is services.Mail.THROTTLED:
        messages.error(request, f"We sent several links to {address} this hour; look for them, or try again later.")
    elif outcome is services.Mail.FAILED:
        messages.error(request, "The mail could not be sent just now; try again in a few minutes.")
    else:
        messages.info(request, "Your address is already verified.")
    return redirect(reverse("followups:preferences") + "#email")


@require_POST
def change_email(request):
    form = ChangeEmailForm(request.POST, user=request.user)
    if form.is_valid():
        address = form.cleaned_data["email"]
        verification = services.request_address_change(user=request.user, address=address)
        if verification.pending_email:
            messages.success(request, f"{_link_sent(address)} Until then, mail goes to your current address.")
        else:
            messages.info(request, f"{address} is already your address.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("followups:preferences") + "#email")
