"""The stored next due moment always equals the rule computed from scratch."""

import datetime

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts import services
from contacts.cadence import next_due_from_scratch, refresh_cadence
from contacts.models import Classification, Contact, Interaction

from .factories import ClassificationFactory, ContactFactory, InteractionFactory, UserFactory

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)


def expected_next_due(contact: Contact):
    contact = Contact.objects.select_related("classification").get(pk=contact.pk)
    newest = Interaction.objects.filter(contact=contact).order_by("-occurred_at").first()
    return next_due_from_scratch(
        last_interaction_at=newest.occurred_at if newest else None,
        created_at=contact.created_at,
        every_days=contact.contact_every_days,
    )


def expected_overdue_at(contact: Contact):
    contact = Contact.objects.select_related("classification").get(pk=contact.pk)
    newest = Interaction.objects.filter(contact=contact).order_by("-occurred_at").first()
    return next_due_from_scratch(
        last_interaction_at=newest.occurred_at if newest else None,
        created_at=contact.created_at,
        every_days=contact.contact_at_most_days,
    )


def stored_overdue_at(contact):
    return Contact.objects.values_list("overdue_at", flat=True).get(pk=contact.pk)


def stored_next_due(contact):
    return Contact.objects.values_list("next_due_at", flat=True).get(pk=contact.pk)


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_now")
class TestCadenceRule:
    def test_a_new_contact_is_due_its_frequency_after_being_added(self, owner_client, owner, classification):
        owner_client.post("/contacts/new/", {"first_name": "New", "classification": classification.pk})
        contact = Contact.objects.get(first_name="New")
        assert contact.next_due_at == NOW + datetime.timedelta(days=30)

    def test_the_override_wins_over_the_classification(self, owner, classification):
        contact = ContactFactory(owner=owner, classification=classification, contact_every_days_override=7)
        services.save_contact(contact=contact)
        assert stored_next_due(contact) == contact.created_at + datetime.timedelta(days=7)

    def test_no_frequency_means_never_due(self, owner):
        never = ClassificationFactory(owner=owner, contact_every_days=None)
        contact = services.save_contact(contact=ContactFactory.build(owner=owner, classification=never))
        assert contact.next_due_at is None
        unclassified = services.save_contact(contact=ContactFactory.build(owner=owner, classification=None))
        assert unclassified.next_due_at is None

    def test_logging_an_interaction_moves_the_due_moment(self, contact):
        when = NOW - datetime.timedelta(days=3)
        services.log_interaction(contact=contact, occurred_at=when, summary="Coffee")
        assert stored_next_due(contact) == when + datetime.timedelta(days=30)

    def test_a_classification_frequency_change_moves_all_its_contacts_in_one_update(
        self, owner, django_assert_num_queries
    ):
        clients = ClassificationFactory(owner=owner, contact_every_days=30)
        contacts = ContactFactory.create_batch(20, owner=owner, classification=clients)
        refresh_cadence(Contact.objects.filter(owner=owner))
        clients.contact_every_days = 10
        # savepoint, UPDATE the classification, their owners (for cached pages), one UPDATE for
        # all its contacts, release
        with django_assert_num_queries(5):
            services.save_classification(classification=clients)
        for contact in contacts:
            assert stored_next_due(contact) == contact.created_at + datetime.timedelta(days=10)

    def test_admin_bulk_reclassify_moves_the_due_moment(self, owner):
        slow = ClassificationFactory(owner=owner, contact_every_days=90)
        contact = ContactFactory(owner=owner, classification=ClassificationFactory(owner=owner, contact_every_days=7))
        services.reclassify(contacts=Contact.objects.filter(pk=contact.pk), classification=slow)
        assert stored_next_due(contact) == contact.created_at + datetime.timedelta(days=90)


# A random sequence of the writes that can move a due moment, checked after each step.
operations = st.lists(
    st.one_of(
        st.tuples(st.just("log"), st.integers(0, 2), st.integers(0, 400)),
        st.tuples(st.just("edit_interaction"), st.integers(0, 2), st.integers(0, 400)),
        st.tuples(st.just("delete_interaction"), st.integers(0, 2), st.just(0)),
        st.tuples(st.just("reclassify"), st.integers(0, 2), st.integers(0, 2)),
        st.tuples(st.just("override"), st.integers(0, 2), st.one_of(st.none(), st.integers(1, 365))),
        st.tuples(st.just("class_frequency"), st.integers(0, 2), st.one_of(st.none(), st.integers(1, 365))),
        st.tuples(st.just("unclassify"), st.integers(0, 2), st.just(0)),
        st.tuples(st.just("class_at_most"), st.integers(0, 2), st.one_of(st.none(), st.integers(1, 500))),
        st.tuples(st.just("own_at_most"), st.integers(0, 2), st.one_of(st.none(), st.integers(1, 500))),
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_stored_due_and_overdue_moments_match_the_rule_after_any_sequence_of_changes(steps):
    user = UserFactory()
    classifications = [ClassificationFactory(owner=user, contact_every_days=days) for days in (14, 90, None)]
    contacts = [ContactFactory(owner=user, classification=classifications[i]) for i in range(3)]
    refresh_cadence(Contact.objects.filter(owner=user))
    for action, index, value in steps:
        contact = Contact.objects.get(pk=contacts[index].pk)
        when = NOW - datetime.timedelta(days=value) if isinstance(value, int) else None
        if action == "log":
            services.log_interaction(contact=contact, occurred_at=when, summary="step")
        elif action == "edit_interaction":
            interaction = contact.interactions.first()
            if interaction:
                interaction.occurred_at = when
                services.save_interaction(interaction=interaction)
        elif action == "delete_interaction":
            interaction = contact.interactions.last()
            if interaction:
                services.delete_interaction(interaction=interaction)
        elif action == "reclassify":
            services.reclassify(contacts=Contact.objects.filter(pk=contact.pk), classification=classifications[value])
        elif action == "override":
            services.set_frequency_override(contacts=Contact.objects.filter(pk=contact.pk), every_days=value)
        elif action == "class_frequency":
            classification = Classification.objects.get(pk=classifications[index].pk)
            classification.contact_every_days = value
            services.save_classification(classification=classification)
        elif action == "unclassify":
            services.reclassify(contacts=Contact.objects.filter(pk=contact.pk), classification=None)
        elif action == "class_at_most":  # forms keep it >= the frequency; the rule copes either way
            classification = Classification.objects.get(pk=classifications[index].pk)
            classification.contact_at_most_days = value
            services.save_classification(classification=classification)
        elif action == "own_at_most":
            contact.contact_at_most_days_override = value
            services.save_contact(contact=contact)
        for each in contacts:
            assert stored_next_due(each) == expected_next_due(each), (action, index, value)
            assert stored_overdue_at(each) == expected_overdue_at(each), (action, index, value)


@pytest.mark.django_db
def test_interaction_factory_rows_are_counted_once_refreshed(contact):
    InteractionFactory(contact=contact, occurred_at=NOW)
    refresh_cadence(Contact.objects.filter(pk=contact.pk))
    assert stored_next_due(contact) == NOW + datetime.timedelta(days=30)
