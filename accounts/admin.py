"""auth's User in the admin, with the address rule of accounts: unique in any case (the
database index would otherwise answer a duplicate with a 500)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User

from .selectors import address_taken


class UniqueAddressUserChangeForm(UserChangeForm):
    def clean_email(self):
        address = self.cleaned_data.get("email", "").strip()
        if address and address_taken(address, except_user=self.instance):
            raise forms.ValidationError("Another account uses this address.")
        return address


class AccountAdmin(UserAdmin):
    form = UniqueAddressUserChangeForm


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
