from django import forms

from .models import ApiToken


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "scope"]
        labels = {"name": "Token name", "scope": "Access"}
