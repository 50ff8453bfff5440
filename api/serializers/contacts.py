"""Contacts, classifications, tags and interactions as JSON. Each write is checked by the page's
form (api.page_forms) and saved by the same service as the page."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contacts import services as contact_services
from contacts.bands import Band, band_of
from contacts.forms import MAX_EMAILS, MAX_PHONES, ClassificationForm, ContactForm, InteractionForm
from contacts.models import Classification, Contact, Interaction, InteractionKind, Tag
from contacts.selectors import StatusBounds
from followups import services as followup_services

from ..page_forms import check, current_values


class RelatedValuesField(serializers.ListField):
    """A list of one attribute of related rows (a contact's email addresses), read through the
    prefetched relation."""

    def __init__(self, *, attribute: str, **kwargs):
        self.attribute = attribute
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return [getattr(row, self.attribute) for row in getattr(instance, self.source).all()]


def no_comma(name: str) -> None:
    if "," in name:
        raise serializers.ValidationError("A tag name cannot contain a comma.")


class ContactSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    classification = serializers.IntegerField(
        allow_null=True, required=False, source="classification_id", help_text="The id of one of your classifications."
    )
    emails = RelatedValuesField(
        attribute="address",
        child=serializers.EmailField(max_length=254),
        max_length=MAX_EMAILS,
        required=False,
        help_text="The first is the main one.",
    )
    phones = RelatedValuesField(
        attribute="number", child=serializers.CharField(max_length=40), max_length=MAX_PHONES, required=False
    )
    tags = RelatedValuesField(
        attribute="name",
        child=serializers.CharField(max_length=50, validators=[no_comma]),
        required=False,
        help_text="Tag names; a tag that does not exist yet is created.",
    )
    contact_every_days = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The frequency in force: the contact's own, else its classification's.",
    )

    band = serializers.SerializerMethodField(
        help_text="Where the contact stands today in your time zone, as the pages say it: overdue (past the "
        "maximum, overdue_at), due (past the ideal, next_due_at), not due yet, or no cadence."
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "full_name",
            *ContactForm.Meta.fields,
            "emails",
            "phones",
            "tags",
            "contact_every_days",
            "last_interaction_at",
            "next_due_at",
            "overdue_at",
            "band",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["last_interaction_at", "next_due_at", "overdue_at", "created_at", "updated_at"]

    @extend_schema_field(serializers.ChoiceField(choices=Band.choices))
    def get_band(self, contact) -> str:
        # One "today" for the whole page of contacts (the context is shared by a list's rows).
        day = self.context.setdefault("status_bounds", StatusBounds.of())
        return band_of(next_due_at=contact.next_due_at, overdue_at=contact.overdue_at, day=day)

    def validate(self, attrs):
        contact = self.instance
        values = current_values(contact, ContactForm.Meta.fields)
        if contact is not None:
            values.update(
                emails=[e.address for e in contact.emails.all()],
                phones=[p.number for p in contact.phones.all()],
                tags=[t.name for t in contact.tags.all()],
            )
        if "classification_id" in attrs:
            attrs["classification"] = attrs.pop("classification_id")
        values.update(attrs)
        data = {
            **{name: "" if values.get(name) is None else values.get(name, "") for name in ContactForm.Meta.fields},
            "emails": "\n".join(values.get("emails", [])),
            "phones": "\n".join(values.get("phones", [])),
            "tag_names": ", ".join(values.get("tags", [])),
        }
        owner = self.context["request"].user
        self.form = check(ContactForm(data, instance=contact, owner=owner), rename={"tag_names": "tags"})
        return attrs

    def save(self, **kwargs):
        # ContactForm.save is services.save_contact_with_details: the contact, its emails, phones
        # and tags in one transaction, and its due moment brought up to date.
        self.instance = self.form.save()
        return self.instance


class ClassificationSerializer(serializers.ModelSerializer):
    contact_count = serializers.IntegerField(read_only=True, help_text="How many of your contacts it holds.")

    class Meta:
        model = Classification
        fields = ["id", *ClassificationForm.Meta.fields, "display_order", "contact_count"]
        read_only_fields = ["display_order"]

    def validate(self, attrs):
        values = {**current_values(self.instance, ClassificationForm.Meta.fields), **attrs}
        owner = self.context["request"].user
        self.form = check(ClassificationForm(values, instance=self.instance, owner=owner))
        return attrs

    def save(self, **kwargs):
        classification = self.form.save(commit=False)
        if classification.pk is None:  # a new one goes last, as on the page
            classification.display_order = Classification.objects.for_user(classification.owner).count()
        self.instance = contact_services.save_classification(classification=classification)
        return self.instance


class TagSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=50, validators=[no_comma])
    contact_count = serializers.IntegerField(read_only=True, help_text="How many of your contacts carry it.")

    class Meta:
        model = Tag
        fields = ["id", "name", "contact_count"]

    def validate_name(self, name: str) -> str:
        name = name.strip()
        if not name:
            raise serializers.ValidationError("Name the tag.")
        owner = self.context["request"].user
        same_name = Tag.objects.for_user(owner).filter(name__iexact=name)
        if self.instance is not None and same_name.exclude(pk=self.instance.pk).exists():
            raise serializers.ValidationError(f"You already have a tag called “{name}”.")
        return name

    def save(self, **kwargs):
        if self.instance is None:
            # The page's rule: a name matching an existing tag (any case) is that tag.
            (self.instance,) = contact_services.get_or_create_tags(
                owner=self.context["request"].user, names=[self.validated_data["name"]]
            )
        elif "name" in self.validated_data:
            self.instance.name = self.validated_data["name"]
            self.instance.save(update_fields=["name"])
        return self.instance


class ContactSummarySerializer(serializers.ModelSerializer):
    """A contact as lists of reminders, promises and interactions name it."""

    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "full_name", "company", "classification", "last_interaction_at", "next_due_at"]
        read_only_fields = fields


class InteractionSerializer(serializers.ModelSerializer):
    contact = ContactSummarySerializer(
        read_only=True, help_text="The contact, with its last interaction and next due moment after this write."
    )
    occurred_at = serializers.DateTimeField(required=False, help_text="When it happened; now if left out.")
    kind = serializers.ChoiceField(
        choices=InteractionKind.choices,
        required=False,
        help_text="If left out, the classification's preferred channel, else a meeting (as the page's form starts).",
    )
    settled_reminders = serializers.PrimaryKeyRelatedField(
        source="resolved_reminders",
        many=True,
        read_only=True,
        help_text="The reminders logging this interaction settled (time to reconnect, event follow-ups).",
    )

    class Meta:
        model = Interaction
        fields = ["id", "contact", *InteractionForm.Meta.fields, "settled_reminders", "created_at"]
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        contact = self.instance.contact if self.instance is not None else self.context["contact"]
        values = current_values(self.instance, InteractionForm.Meta.fields)
        if self.instance is None:  # what the page's log form starts with
            channel = contact.classification.preferred_channel if contact.classification_id else ""
            values.update(occurred_at=timezone.now(), kind=channel or InteractionKind.MEETING)
        values.update(attrs)
        form = InteractionForm(values, instance=self.instance, owner=self.context["request"].user, contact=contact)
        self.form = check(form)
        return attrs

    def save(self, **kwargs):
        """A new interaction is logged as the page logs one (settling the contact's reminders and
        moving its cadence); an edited one is saved as the page's edit saves it."""
        if self.instance is None:
            fields = {name: self.form.cleaned_data[name] for name in InteractionForm.Meta.fields}
            self.instance = followup_services.log_interaction(contact=self.context["contact"], **fields)
        else:
            self.instance = contact_services.save_interaction(interaction=self.form.instance)
            self.instance.contact.refresh_from_db(fields=["last_interaction_at", "next_due_at"])
        return self.instance
