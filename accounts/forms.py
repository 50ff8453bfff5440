from django import forms
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.contrib.auth.models import User


class SignupForm(UserCreationForm):
    # No check against other accounts here: the address is verified by a link, and whether it is
    # registered must not show (accounts.services.sign_up answers the same either way).
    email = forms.EmailField(help_text="We send a link to verify it; your weekly digest starts once you follow it.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self):
        return self.cleaned_data["email"].strip()


class ChangeEmailForm(forms.Form):
    """A new address for the account, confirmed with the password (a borrowed session must not
    be enough to take the account's resets and digests elsewhere)."""

    email = forms.EmailField(label="New email address")
    password = forms.CharField(label="Your password", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
