"""Important dates of a contact beyond the birthday: a work anniversary, the day you met, or a
date the user names; yearly or once.

A date whose year is unknown (a vCard ``--0315``, an Apple card's ``X-APPLE-OMIT-YEAR``) is
stored in ``YEAR_UNKNOWN``, as Apple's address book does: a leap year, so 29 February fits,
and older than anyone living, so it is never read as an age. ``show_date`` leaves it out.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .ownership import OwnedQuerySet

YEAR_UNKNOWN = 1604


def show_date(day: datetime.date | None) -> str:
    """``6 December 1984``, or ``6 December`` when the year is unknown."""
    if day is None:
        return ""
    text = f"{day.day} {day:%B}"
    return text if day.year == YEAR_UNKNOWN else f"{text} {day.year}"


class Occasion(models.Model):
    class Kind(models.TextChoices):
        WORK_ANNIVERSARY = "work_anniversary", "Work anniversary"
        MET = "met", "Met on"
        ANNIVERSARY = "anniversary", "Anniversary"
        OTHER = "other", "Other (your label)"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="occasions")
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="occasions")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    label = models.CharField(max_length=80, blank=True, help_text="Your name for it, e.g. “Wedding day”.")
    on = models.DateField("date", help_text=f"For a yearly date with no known year, use {YEAR_UNKNOWN}.")
    is_yearly = models.BooleanField("every year", default=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["contact", "on"], name="occasion_contact_on_idx")]

    def __str__(self):
        return f"{self.title}: {show_date(self.on)}"

    @property
    def title(self) -> str:
        """The user's label, else the kind's name."""
        return self.label or self.get_kind_display()

    def clean(self):
        if self.kind == self.Kind.OTHER and not self.label.strip():
            raise ValidationError({"label": "Name this date, e.g. “Wedding day”."})
        if self.on and self.on.year == YEAR_UNKNOWN and not self.is_yearly:
            raise ValidationError({"on": "A date that happens once needs its year."})
