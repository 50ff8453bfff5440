"""The Settings page's form: time zone, outreach list size, date reminders and the digest's schedule."""

import zoneinfo

from django import forms

from ..models import FollowupPreferences

COMMON_ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=[(name, name) for name in COMMON_ZONES], label="Your time zone")

    class Meta:
        model = FollowupPreferences
        fields = [
            "time_zone",
            "outreach_list_size",
            "date_reminder_days",
            "digest_enabled",
            "digest_weekday",
            "digest_hour",
            "digest_when_empty",
            "digest_size",
        ]
