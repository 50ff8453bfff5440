"""Bad input on the contact, classification and interaction forms gets a clear, named message."""

import pytest

from contacts.forms import ClassificationForm, ContactForm, InteractionForm
from contacts.models import Contact, ContactEmail, Tag

from .factories import ClassificationFactory


def contact_data(**overrides):
    data = {"first_name": "Grace", "last_name": "Hopper", "emails": "", "phones": "", "tag_names": ""}
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestContactForm:
    def test_valid_contact_saves_emails_phones_and_tags(self, owner, classification):
        form = ContactForm(
            contact_data(
                emails="grace@navy.mil\ngrace.h@example.com",
                phones="+1 555 0100\n+1 555 0101",
                tag_names="navy, compilers",
                classification=classification.pk,
            ),
            owner=owner,
        )
        assert form.is_valid(), form.errors
        contact = form.save()
        assert contact.owner == owner
        assert [e.address for e in contact.emails.all()] == ["grace@navy.mil", "grace.h@example.com"]
        assert [p.number for p in contact.phones.all()] == ["+1 555 0100", "+1 555 0101"]
        assert sorted(t.name for t in contact.tags.all()) == ["compilers", "navy"]

    def test_a_failure_after_the_contact_row_leaves_nothing_half_written(self, owner, monkeypatch):
        from django.db import DatabaseError

        from contacts import services

        def phones_fail(**_):
            raise DatabaseError("the connection dropped")

        monkeypatch.setattr(services, "set_contact_phones", phones_fail)
        form = ContactForm(contact_data(emails="grace@navy.mil", phones="+1 555 0100", tag_names="navy"), owner=owner)
        assert form.is_valid(), form.errors
        with pytest.raises(DatabaseError):
            form.save()
        assert Contact.objects.count() == 0  # the contact, its emails and its tags: all or nothing
        assert not ContactEmail.objects.exists() and not Tag.objects.exists()

    def test_two_spellings_of_one_new_tag_make_one_tag(self, owner):
        form = ContactForm(contact_data(tag_names="Investors, investors, INVESTORS"), owner=owner)
        assert form.is_valid(), form.errors
        assert [t.name for t in form.save().tags.all()] == ["Investors"]

    def test_too_long_name_is_refused_with_a_message_on_the_field(self, owner):
        form = ContactForm(contact_data(first_name="x" * 101), owner=owner)
        assert not form.is_valid()
        assert "at most 100 characters" in form.errors["first_name"][0]
        assert Contact.objects.count() == 0

    def test_malformed_email_names_the_line(self, owner):
        form = ContactForm(contact_data(emails="ok@example.com\nnot-an-email"), owner=owner)
        assert not form.is_valid()
        assert form.errors["emails"] == ["Line 2: “not-an-email” is not a valid email address."]

    def test_malformed_url_is_refused(self, owner):
        form = ContactForm(contact_data(linkedin_url="linkedin dot com/ada"), owner=owner)
        assert not form.is_valid()
        assert "valid URL" in form.errors["linkedin_url"][0]

    @pytest.mark.parametrize("bad_frequency", [0, -3])
    def test_frequency_override_must_be_positive(self, owner, bad_frequency):
        form = ContactForm(contact_data(contact_every_days_override=bad_frequency), owner=owner)
        assert not form.is_valid()
        assert form.errors["contact_every_days_override"]

    def test_another_users_classification_cannot_be_picked(self, owner, stranger):
        theirs = ClassificationFactory(owner=stranger)
        form = ContactForm(contact_data(classification=theirs.pk), owner=owner)
        assert not form.is_valid()
        assert "Select a valid choice" in form.errors["classification"][0]


@pytest.mark.django_db
class TestClassificationForm:
    @pytest.mark.parametrize("bad_frequency", [0, -3])
    def test_frequency_of_zero_or_negative_is_refused(self, owner, bad_frequency):
        form = ClassificationForm({"name": "Clients", "contact_every_days": bad_frequency}, owner=owner)
        assert not form.is_valid()
        assert form.errors["contact_every_days"]

    def test_empty_frequency_means_never_remind(self, owner):
        form = ClassificationForm({"name": "Old classmates", "contact_every_days": ""}, owner=owner)
        assert form.is_valid(), form.errors
        assert form.save().contact_every_days is None

    def test_name_is_unique_per_owner_ignoring_case(self, owner, stranger):
        ClassificationFactory(owner=owner, name="Clients")
        ClassificationFactory(owner=stranger, name="Friends")
        clash = ClassificationForm({"name": "clients"}, owner=owner)
        assert not clash.is_valid()
        assert "already have a classification called" in clash.errors["name"][0]
        assert ClassificationForm({"name": "Friends"}, owner=owner).is_valid()

    def test_too_long_name_is_refused(self, owner):
        form = ClassificationForm({"name": "x" * 81}, owner=owner)
        assert not form.is_valid()
        assert "at most 80 characters" in form.errors["name"][0]


@pytest.mark.django_db
class TestInteractionForm:
    def test_contribution_needs_both_direction_and_kind(self, owner, contact):
        form = InteractionForm(
            {
                "occurred_at": "2026-01-05T10:00",
                "kind": "call",
                "summary": "Intro call",
                "contribution_direction": "given",
                "contribution_kind": "",
            },
            owner=owner,
            contact=contact,
        )
        assert not form.is_valid()
        assert form.errors["contribution_kind"] == ["Say what kind of contribution this was."]

    def test_interaction_in_the_future_is_refused(self, owner, contact):
        form = InteractionForm(
            {"occurred_at": "2999-01-01T10:00", "kind": "call", "summary": "Time travel"}, owner=owner, contact=contact
        )
        assert not form.is_valid()
        assert "cannot be in the future" in form.errors["occurred_at"][0]

    def test_summary_is_required(self, owner, contact):
        form = InteractionForm({"occurred_at": "2026-01-05T10:00", "kind": "call", "summary": ""}, owner=owner)
        assert not form.is_valid()
        assert form.errors["summary"] == ["This field is required."]
