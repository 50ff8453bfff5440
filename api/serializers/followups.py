"""Reminders, promises, the follow-ups sections and today's outreach as JSON."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contacts.models import Channel, Contact
from followups import services as followup_services
from followups.board.forms import CommitmentForm, SnoozeForm
from followups.models import Commitment, Reminder

from ..page_forms import check
from .contacts import ContactSummarySerializer


class ReminderSerializer(serializers.ModelSerializer):
    contact = serializers.IntegerField(source="contact_id", read_only=True)
    contact_name = serializers.CharField(source="contact.full_name", read_only=True)
    promise = serializers.IntegerField(
        source="commitment_id",
        read_only=True,
        allow_null=True,
        help_text="The promise a “promise due” reminder is for.",
    )

    class Meta:
        model = Reminder
        fields = [
            "id",
            "contact",
            "contact_name",
            "kind",
            "state",
            "due_at",
            "snoozed_until",
            "message",
            "promise",
            "created_at",
            "resolved_at",
        ]
        read_only_fields = fields


class SnoozeSerializer(serializers.Serializer):
    """Snooze for a day or a week, or until the start of a date in your time zone."""

    days = serializers.ChoiceField(choices=[1, 7], required=False, help_text="1 or 7.")
    until = serializers.DateField(required=False, help_text="A date after today, within ten years.")

    def validate(self, attrs):
        self.form = check(SnoozeForm({"days": attrs.get("days", ""), "until": attrs.get("until", "")}))
        return self.form.cleaned_data


class PromiseSerializer(serializers.ModelSerializer):
    contact = serializers.IntegerField(source="contact_id", help_text="The id of the contact you promised.")
    contact_name = serializers.CharField(source="contact.full_name", read_only=True)

    class Meta:
        model = Commitment
        fields = ["id", "contact", "contact_name", *CommitmentForm.Meta.fields, "due_at", "state", "created_at",
                  "kept_at"]  # fmt: skip
        read_only_fields = ["due_at", "state", "created_at", "kept_at"]

    def validate_contact(self, contact_id: int) -> int:
        self.contact = Contact.objects.for_user(self.context["request"].user).filter(pk=contact_id).first()
        if self.contact is None:
            raise serializers.ValidationError("You have no contact with this id.")
        return contact_id

    def validate(self, attrs):
        self.form = check(CommitmentForm({name: attrs.get(name, "") for name in CommitmentForm.Meta.fields}))
        return attrs

    def save(self, **kwargs):
        """Recorded as the contact page records a promise: due at the start of its date in your zone."""
        zone = timezone.get_current_timezone()
        self.instance = followup_services.record_commitment(contact=self.contact, zone=zone, **self.form.cleaned_data)
        return self.instance


class ReminderBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reminder
        fields = ["id", "kind", "state", "snoozed_until"]
        read_only_fields = fields


class DueRowSerializer(serializers.Serializer):
    """One row of the follow-ups page: a contact to reach, with a reminder once the sweep raised one."""

    contact = ContactSummarySerializer()
    due_at = serializers.DateTimeField()
    days_overdue = serializers.IntegerField(help_text="Whole days in your time zone; 0 is due today, below 0 not yet.")
    guidance = serializers.CharField(help_text="What to say: the reminder's message, else the classification's.")
    last_summary = serializers.CharField(allow_null=True, help_text="What you talked about last time.")
    last_next_step = serializers.CharField(allow_null=True)
    reminder = ReminderBriefSerializer(allow_null=True, help_text="None while the sweep has not raised one yet.")


class DuePageSerializer(serializers.Serializer):
    section = serializers.CharField()
    remaining = serializers.IntegerField(help_text="Rows from the first one here to the end of the section.")
    next = serializers.URLField(allow_null=True, help_text="The next rows of the section; null at its end.")
    results = DueRowSerializer(many=True)


class OutreachContactSerializer(ContactSummarySerializer):
    """Someone to reach today, and what to say."""

    classification_name = serializers.CharField(source="classification.name", allow_null=True, default=None)
    overdue_share = serializers.FloatField(help_text="How far past due, in cadences (1.0: a whole cadence late).")
    days_overdue = serializers.IntegerField()
    guidance = serializers.SerializerMethodField()
    preferred_channel = serializers.SerializerMethodField()
    last_summary = serializers.CharField(allow_null=True)
    last_next_step = serializers.CharField(allow_null=True)

    class Meta(ContactSummarySerializer.Meta):
        fields = [*ContactSummarySerializer.Meta.fields, "classification_name", "overdue_share", "days_overdue",
                  "guidance", "preferred_channel", "last_summary", "last_next_step"]  # fmt: skip
        read_only_fields = fields

    def get_guidance(self, contact) -> str:
        return contact.classification.message_guidance if contact.classification_id else ""

    @extend_schema_field(serializers.ChoiceField(choices=Channel.choices))
    def get_preferred_channel(self, contact) -> str:
        return contact.classification.preferred_channel if contact.classification_id else ""


class OutreachSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="Today, in your time zone.")
    results = OutreachContactSerializer(many=True)
