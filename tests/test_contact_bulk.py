"""Bulk actions on the contacts list, as plain form posts (what the page sends without JavaScript)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.cadence import refresh_cadence
from contacts.models import Contact, ContactEmail, ContactPhone, Interaction, Tag
from contacts.services import log_interaction
from followups.models import Commitment, OutreachSkip, Reminder, WeekPlanEntry
from netcrm.dates import week_starting
from strategy.models import PersonMet, Purpose

from .factories import ClassificationFactory, ContactEmailFactory, ContactFactory, TagFactory
from .followup_factories import CommitmentFactory, ReminderFactory
from .strategy_factories import EventFactory, PersonMetFactory, PurposeFactory

BULK = reverse("contacts:bulk")
LIST = reverse("contacts:list")


@pytest.fixture
def clients(owner):
    return ClassificationFactory(owner=owner, name="Clients", contact_every_days=30)


@pytest.fixture
def friends(owner):
    return ClassificationFactory(owner=owner, name="Friends", contact_every_days=90)


@pytest.fixture
def network(owner, clients):
    """30 clients (more than a page) added 100 days ago, and two friends of the same user."""
    contacts = [ContactFactory(owner=owner, classification=clients, first_name=f"Client{n:02}") for n in range(30)]
    Contact.objects.filter(owner=owner).update(created_at=timezone.now() - datetime.timedelta(days=100))
    refresh_cadence(Contact.objects.filter(owner=owner))
    return contacts


def post(client, **data):
    return client.post(BULK, {"next": LIST, **data})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.django_db
class TestSetClassification:
    def test_all_matching_moves_every_match_not_only_the_page_and_the_due_moments_follow(
        self, owner_client, owner, network, clients, friends
    ):
        outsider = ContactFactory(owner=owner, classification=friends, first_name="Outside")
        untouched = Contact.objects.filter(pk=outsider.pk).values().get()
        response = post(
            owner_client,
            action="set_classification",
            select_all="on",
            classification=clients.pk,
            to_classification=friends.pk,
        )
        assert response.status_code == 302 and response.url == LIST
        assert Contact.objects.filter(owner=owner, classification=friends).count() == 31
        moved = Contact.objects.get(pk=network[-1].pk)
        assert moved.next_due_at == moved.created_at + datetime.timedelta(days=90)
        assert Contact.objects.filter(pk=outsider.pk).values().get() == untouched  # not in the selection
        assert "Moved 30 contacts to Friends." in messages_of(owner_client.get(LIST))

    def test_the_ticked_ones_only(self, owner_client, owner, network, friends):
        post(
            owner_client,
            action="set_classification",
            contact=[network[0].pk, network[1].pk],
            to_classification=friends.pk,
        )
        assert set(Contact.objects.filter(classification=friends).values_list("pk", flat=True)) == {
            network[0].pk,
            network[1].pk,
        }

    def test_to_no_classification_stops_the_reminders(self, owner_client, network):
        post(owner_client, action="set_classification", contact=[network[0].pk], to_classification="none")
        network[0].refresh_from_db()
        assert network[0].classification is None and network[0].next_due_at is None

    def test_all_matching_a_search_moves_only_the_matches(self, owner_client, owner, network, friends):
        log_interaction(contact=network[3], summary="Talked about the merger")
        post(owner_client, action="set_classification", select_all="on", q="merger", to_classification=friends.pk)
        assert list(Contact.objects.filter(classification=friends)) == [network[3]]

    def test_a_missing_classification_is_named_and_nothing_moves(self, owner_client, network, clients):
        response = post(owner_client, action="set_classification", select_all="on")
        assert Contact.objects.filter(classification=clients).count() == 30
        assert messages_of(owner_client.get(response.url)) == [
            "Classification: Choose the classification to move them to."
        ]


@pytest.mark.django_db
class TestTagsAndFrequency:
    def test_add_a_tag_creates_it_and_leaves_already_tagged_ones(self, owner_client, owner, network):
        network[0].tags.add(TagFactory(owner=owner, name="VIP"))
        post(owner_client, action="add_tag", select_all="on", tag_name="vip")
        tag = Tag.objects.get(owner=owner)  # matched in any case, not created twice
        assert tag.contacts.count() == 30
        assert "Tagged 29 contacts “VIP”." in messages_of(owner_client.get(LIST))

    def test_remove_a_tag_from_the_matching(self, owner_client, owner, network):
        tag = TagFactory(owner=owner, name="cold")
        for contact in network[:5]:
            contact.tags.add(tag)
        post(owner_client, action="remove_tag", contact=[c.pk for c in network[:3]], tag_name="Cold")
        assert set(tag.contacts.values_list("pk", flat=True)) == {network[3].pk, network[4].pk}

    def test_removing_a_tag_nobody_has_says_so(self, owner_client, network):
        response = post(owner_client, action="remove_tag", select_all="on", tag_name="nope")
        assert messages_of(owner_client.get(response.url)) == ["Tag: You have no tag called “nope”."]

    def test_set_and_clear_the_own_frequency(self, owner_client, network):
        post(owner_client, action="set_frequency", contact=[network[0].pk], every_days="7")
        network[0].refresh_from_db()
        assert network[0].contact_every_days_override == 7
        assert network[0].next_due_at == network[0].created_at + datetime.timedelta(days=7)
        post(owner_client, action="set_frequency", contact=[network[0].pk], every_days="")
        network[0].refresh_from_db()
        assert network[0].contact_every_days_override is None
        assert network[0].next_due_at == network[0].created_at + datetime.timedelta(days=30)

    @pytest.mark.parametrize("every_days", ["0", "-3", "4000", "soon"])
    def test_a_frequency_out_of_range_is_refused_and_named(self, owner_client, network, every_days):
        response = post(owner_client, action="set_frequency", select_all="on", every_days=every_days)
        assert Contact.objects.filter(contact_every_days_override__isnull=False).count() == 0
        (message,) = messages_of(owner_client.get(response.url))
        assert message.startswith("Own frequency (days): ")


@pytest.mark.django_db
class TestWeekPlan:
    def test_adds_the_selection_to_this_weeks_plan_once(self, owner_client, owner, network):
        post(owner_client, action="add_to_week_plan", contact=[network[0].pk, network[1].pk])
        post(owner_client, action="add_to_week_plan", select_all="on")
        week = week_starting(timezone.now(), datetime.UTC)
        assert WeekPlanEntry.objects.filter(owner=owner, week_starting=week).count() == 30
        assert messages_of(owner_client.get(LIST))[-1] == "Added 28 contacts to this week's plan."

    def test_it_is_offered_on_the_list(self, owner_client, network):
        assert '<option value="add_to_week_plan">Add to this week' in owner_client.get(LIST).content.decode()


@pytest.mark.django_db
class TestDelete:
    def test_asks_first_naming_the_count_then_deletes_with_the_history(self, owner_client, owner, network):
        log_interaction(contact=network[0], summary="Lunch")
        ContactEmailFactory(contact=network[0])
        confirm = post(owner_client, action="delete", select_all="on", q="client")
        html = confirm.content.decode()
        assert confirm.status_code == 200
        assert "Delete 30 contacts?" in html and "and 20 more" in html
        assert Contact.objects.filter(owner=owner).count() == 30  # nothing deleted yet
        response = post(owner_client, action="delete", select_all="on", q="client", confirmed="on", expected_count=30)
        assert response.status_code == 302
        assert not Contact.objects.filter(owner=owner).exists()
        assert not Interaction.objects.filter(owner=owner).exists()
        assert "Deleted 30 contacts." in messages_of(owner_client.get(LIST))

    def test_takes_every_row_hanging_on_the_deleted_and_only_theirs(self, owner_client, owner, stranger, network):
        gone, kept = network[0], network[1]
        theirs = ContactFactory(owner=stranger)
        purpose = PurposeFactory(owner=owner)
        for contact in (gone, kept, theirs):
            said = log_interaction(contact=contact, summary="Lunch")
            ContactEmailFactory(contact=contact)
            ContactPhone.objects.create(contact=contact, number="+44 20 7946 0000")
            contact.tags.add(TagFactory(owner=contact.owner))
            ReminderFactory(contact=contact, state="done", resolved_by=said)
            ReminderFactory(contact=contact, commitment=CommitmentFactory(contact=contact), kind="promise")
            monday = datetime.date(2026, 11, 30)
            WeekPlanEntry.objects.create(owner=contact.owner, contact=contact, week_starting=monday)
            OutreachSkip.objects.create(owner=contact.owner, contact=contact, skipped_on=monday)
            PersonMetFactory(event=EventFactory(owner=contact.owner), contact=contact)
            if contact.owner == owner:
                purpose.contacts.add(contact)
        models = [Interaction, ContactEmail, ContactPhone, Contact.tags.through, Reminder, Commitment]
        models += [WeekPlanEntry, OutreachSkip, PersonMet, Purpose.contacts.through]
        before = {model: model.objects.count() for model in models}
        post(owner_client, action="delete", contact=[gone.pk], confirmed="on", expected_count=1)
        assert not Contact.objects.filter(pk=gone.pk).exists()
        for model in models:
            assert not model.objects.filter(contact=gone.pk).exists(), model
            per_contact = 2 if model is Reminder else 1
            assert model.objects.count() == before[model] - per_contact, model
        assert kept.interactions.count() == 1 and Reminder.objects.filter(contact=kept).count() == 2

    def test_a_selection_that_changed_since_the_question_is_asked_again(self, owner_client, owner, network, clients):
        ContactFactory(owner=owner, classification=clients, first_name="Client99")
        response = post(owner_client, action="delete", select_all="on", confirmed="on", expected_count=30)
        assert response.status_code == 200
        assert "it now holds 31 contacts" in response.content.decode()
        assert Contact.objects.filter(owner=owner).count() == 31

    def test_the_confirmation_carries_the_ticked_ids(self, owner_client, owner, network):
        confirm = post(owner_client, action="delete", contact=[network[0].pk, network[1].pk]).content.decode()
        assert "Delete 2 contacts?" in confirm
        assert f'name="contact" value="{network[0].pk}"' in confirm
        post(owner_client, action="delete", contact=[network[0].pk, network[1].pk], confirmed="on", expected_count=2)
        assert Contact.objects.filter(owner=owner).count() == 28


@pytest.mark.django_db
class TestOwnership:
    @pytest.fixture
    def theirs(self, stranger):
        their_group = ClassificationFactory(owner=stranger, name="Theirs", contact_every_days=7)
        return ContactFactory(owner=stranger, classification=their_group, first_name="Theirs")

    @pytest.mark.parametrize(
        "action, extra",
        [
            ("set_classification", {"to_classification": "none"}),
            ("add_tag", {"tag_name": "mine"}),
            ("set_frequency", {"every_days": "3"}),
            ("add_to_week_plan", {}),
            ("delete", {"confirmed": "on", "expected_count": "1"}),
        ],
    )
    def test_another_users_ids_are_ignored_and_untouched(self, owner_client, owner, network, theirs, action, extra):
        before = Contact.objects.filter(pk=theirs.pk).values().get()
        post(owner_client, action=action, contact=[network[0].pk, theirs.pk], **extra)
        assert Contact.objects.filter(pk=theirs.pk).values().get() == before
        assert not theirs.tags.exists()
        assert not WeekPlanEntry.objects.filter(contact=theirs).exists()

    def test_select_all_never_reaches_another_user(self, owner_client, network, theirs, friends):
        post(owner_client, action="set_classification", select_all="on", to_classification="none")
        theirs.refresh_from_db()
        assert theirs.classification.name == "Theirs"

    def test_another_users_classification_is_refused(self, owner_client, owner, network, theirs):
        response = post(
            owner_client,
            action="set_classification",
            select_all="on",
            to_classification=theirs.classification_id,
        )
        assert not Contact.objects.filter(owner=owner, classification=theirs.classification).exists()
        (message,) = messages_of(owner_client.get(response.url))
        assert message.startswith("Classification: Select a valid choice.")

    def test_a_stranger_cannot_post_for_someone_else(self, stranger_client, network):
        stranger_client.post(BULK, {"action": "delete", "contact": [network[0].pk], "confirmed": "on"})
        assert Contact.objects.filter(pk=network[0].pk).exists()


@pytest.mark.django_db
class TestBadInput:
    @pytest.mark.parametrize(
        "data, message",
        [
            ({"action": "delete"}, "Select at least one contact, or all that match."),
            ({"action": "explode", "select_all": "on"}, "Action: Select a valid choice."),
            ({"action": "delete", "contact": ["abc"]}, "Pick the contacts from the list."),
            ({"action": "delete", "contact": ["²"]}, "Pick the contacts from the list."),
            ({"action": "delete", "contact": [str(n) for n in range(501)]}, "Tick at most 500 contacts"),
            ({"action": "add_tag", "select_all": "on", "tag_name": "x" * 51}, "Tag: Ensure this value"),
            ({"action": "add_tag", "select_all": "on"}, "Tag: Name the tag."),
        ],
    )
    def test_is_named_back_on_the_list_and_changes_nothing(self, owner_client, owner, network, data, message):
        response = post(owner_client, **data)
        assert response.status_code == 302
        (shown,) = messages_of(owner_client.get(response.url))
        assert shown.startswith(message)
        assert Contact.objects.filter(owner=owner).count() == 30
        assert not Tag.objects.exists()

    def test_goes_back_to_the_page_it_came_from_but_never_off_site(self, owner_client, network, friends):
        data = {"action": "set_classification", "select_all": "on", "to_classification": friends.pk}
        back = owner_client.post(BULK, {**data, "next": "/contacts/?sort=-name&page=2"})
        assert back.url == "/contacts/?sort=-name&page=2"
        assert owner_client.post(BULK, {**data, "next": "https://evil.example/"}).url == LIST
        assert owner_client.post(BULK, {**data, "next": "//evil.example/"}).url == LIST

    def test_a_get_is_not_an_action(self, owner_client, network):
        assert owner_client.get(BULK, {"action": "delete", "select_all": "on", "confirmed": "on"}).status_code == 405
        assert Contact.objects.count() == 30
