"""The contact list, contact page and classification pages, as a user drives them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Classification, Contact, Interaction

from .factories import ClassificationFactory, ContactEmailFactory, ContactFactory, InteractionFactory, TagFactory


@pytest.mark.django_db
class TestContactList:
    def test_search_matches_name_company_email_and_tag(self, owner_client, owner):
        ContactFactory(owner=owner, first_name="Ada", last_name="Lovelace", company="Analytical Engines")
        grace = ContactFactory(owner=owner, first_name="Grace", last_name="Hopper", company="Navy")
        ContactEmailFactory(contact=grace, address="amazing.grace@navy.example")
        linus = ContactFactory(owner=owner, first_name="Linus", last_name="T", company="Kernel Co")
        linus.tags.add(TagFactory(owner=owner, name="opensource"))

        def names(query):
            page = owner_client.get(reverse("contacts:list"), {"q": query}).context["page"]
            return {c.first_name for c in page.object_list}

        assert names("lovelace") == {"Ada"}
        assert names("analytical") == {"Ada"}
        assert names("amazing.grace") == {"Grace"}
        assert names("opensource") == {"Linus"}
        assert names("ada lovelace") == {"Ada"}

    def test_filters_by_classification_and_tag(self, owner_client, owner):
        clients = ClassificationFactory(owner=owner, name="Clients")
        friends = ClassificationFactory(owner=owner, name="Friends")
        tag = TagFactory(owner=owner, name="vip")
        a = ContactFactory(owner=owner, first_name="A", classification=clients)
        ContactFactory(owner=owner, first_name="B", classification=friends)
        a.tags.add(tag)
        ContactFactory(owner=owner, first_name="C", classification=clients)

        def names(**params):
            return {c.first_name for c in owner_client.get(reverse("contacts:list"), params).context["page"]}

        assert names(classification=clients.pk) == {"A", "C"}
        assert names(classification=clients.pk, tag=tag.pk) == {"A"}
        assert names(classification="not-a-number") == {"A", "B", "C"}

    def test_a_contact_in_two_matching_tags_is_listed_once(self, owner_client, owner):
        contact = ContactFactory(owner=owner, first_name="Twice")
        contact.tags.add(TagFactory(owner=owner, name="tech-a"), TagFactory(owner=owner, name="tech-b"))
        page = owner_client.get(reverse("contacts:list"), {"q": "tech"}).context["page"]
        assert [c.first_name for c in page] == ["Twice"]

    def test_paginates_25_per_page_and_keeps_the_filters(self, owner_client, owner):
        ContactFactory.create_batch(30, owner=owner, company="Same Co")
        first = owner_client.get(reverse("contacts:list"), {"q": "same"})
        assert len(first.context["page"].object_list) == 25
        assert "?q=same&page=2" in first.content.decode()
        second = owner_client.get(reverse("contacts:list"), {"q": "same", "page": 2})
        assert len(second.context["page"].object_list) == 5
        assert owner_client.get(reverse("contacts:list"), {"page": "zzz"}).status_code == 200

    def test_new_user_sees_an_empty_state(self, owner_client):
        assert "Add your first contacts" in owner_client.get(reverse("contacts:list")).content.decode()


@pytest.mark.django_db
class TestContactPage:
    def test_shows_the_last_summary_and_next_step_first(self, owner_client, contact):
        InteractionFactory(
            contact=contact, occurred_at=timezone.now() - datetime.timedelta(days=40), summary="Old chat"
        )
        InteractionFactory(contact=contact, summary="Lunch about the launch", next_step="Intro to Sam")
        html = owner_client.get(contact.get_absolute_url()).content.decode()
        pickup = html.index("Pick up where you left off")
        assert pickup < html.index("Lunch about the launch") < html.index("Old chat")
        assert "Next step: Intro to Sam" in html
        assert contact.classification.message_guidance in html

    def test_logging_an_interaction_adds_it_to_the_timeline(self, owner_client, contact):
        response = owner_client.post(
            reverse("followups:log_interaction", args=[contact.pk]),
            {
                "occurred_at": "2026-03-01T09:30",
                "kind": "call",
                "summary": "Discussed the grant",
                "next_step": "Send the draft",
                "contribution_direction": "given",
                "contribution_kind": "advice",
            },
        )
        assert response.status_code == 302
        interaction = Interaction.objects.get(contact=contact)
        assert interaction.owner == contact.owner
        assert interaction.contribution_kind == "advice"
        contact.refresh_from_db()
        assert contact.last_interaction_at == interaction.occurred_at
        assert "Discussed the grant" in owner_client.get(contact.get_absolute_url()).content.decode()

    def test_a_bad_interaction_shows_the_form_again_with_the_error(self, owner_client, contact):
        response = owner_client.post(
            reverse("followups:log_interaction", args=[contact.pk]), {"occurred_at": "yesterday-ish", "kind": "x"}
        )
        assert response.status_code == 422
        assert "Enter a valid date/time." in response.content.decode()
        assert not Interaction.objects.exists()

    def test_editing_and_deleting_an_interaction_moves_the_last_contact_date(self, owner_client, contact):
        older = InteractionFactory(contact=contact, occurred_at=timezone.now() - datetime.timedelta(days=10))
        newer = InteractionFactory(contact=contact, occurred_at=timezone.now() - datetime.timedelta(days=1))
        owner_client.post(reverse("contacts:interaction_delete", args=[newer.pk]))
        contact.refresh_from_db()
        assert contact.last_interaction_at == older.occurred_at
        owner_client.post(
            reverse("contacts:interaction_edit", args=[older.pk]),
            {"occurred_at": "2026-01-02T08:00", "kind": "email", "summary": "Edited"},
        )
        contact.refresh_from_db()
        assert contact.last_interaction_at.date() == datetime.date(2026, 1, 2)

    def test_create_edit_and_delete_a_contact(self, owner_client, owner, classification):
        response = owner_client.post(
            reverse("contacts:create"),
            {
                "first_name": "Katherine",
                "last_name": "Johnson",
                "classification": classification.pk,
                "emails": "kj@nasa.example",
                "linkedin_url": "linkedin.com/in/kj",
            },
        )
        contact = Contact.objects.get(first_name="Katherine")
        assert response["Location"] == contact.get_absolute_url()
        assert contact.linkedin_url == "https://linkedin.com/in/kj"
        owner_client.post(reverse("contacts:edit", args=[contact.pk]), {"first_name": "Katherine", "company": "NASA"})
        contact.refresh_from_db()
        assert contact.company == "NASA"
        assert contact.emails.count() == 0
        owner_client.post(reverse("contacts:delete", args=[contact.pk]))
        assert not Contact.objects.filter(pk=contact.pk).exists()


@pytest.mark.django_db
class TestClassificationPages:
    def test_deleting_a_classification_asks_where_contacts_go_and_loses_none(self, owner_client, owner):
        old = ClassificationFactory(owner=owner, name="Old")
        new = ClassificationFactory(owner=owner, name="New")
        ContactFactory.create_batch(3, owner=owner, classification=old)
        page = owner_client.get(reverse("contacts:classification_delete", args=[old.pk])).content.decode()
        assert "3 contacts still are in it" in page
        owner_client.post(reverse("contacts:classification_delete", args=[old.pk]), {"move_to": new.pk})
        assert not Classification.objects.filter(pk=old.pk).exists()
        assert Contact.objects.filter(owner=owner, classification=new).count() == 3

    def test_deleting_can_leave_contacts_unclassified(self, owner_client, owner):
        old = ClassificationFactory(owner=owner)
        ContactFactory(owner=owner, classification=old)
        owner_client.post(reverse("contacts:classification_delete", args=[old.pk]), {"move_to": ""})
        assert Contact.objects.get(owner=owner).classification is None

    def test_reorder_moves_a_classification_up(self, owner_client, owner):
        first = ClassificationFactory(owner=owner, name="First", display_order=0)
        second = ClassificationFactory(owner=owner, name="Second", display_order=1)
        owner_client.post(reverse("contacts:classification_move", args=[second.pk, "up"]))
        assert list(Classification.objects.for_user(owner)) == [second, first]

    def test_create_and_edit(self, owner_client, owner):
        owner_client.post(
            reverse("contacts:classification_create"),
            {"name": "Mentors", "contact_every_days": 60, "message_guidance": "Share progress", "is_business": "on"},
        )
        mentors = Classification.objects.get(owner=owner, name="Mentors")
        owner_client.post(
            reverse("contacts:classification_edit", args=[mentors.pk]), {"name": "Mentors", "contact_every_days": ""}
        )
        mentors.refresh_from_db()
        assert mentors.contact_every_days is None
        response = owner_client.post(
            reverse("contacts:classification_edit", args=[mentors.pk]), {"name": "Mentors", "contact_every_days": 0}
        )
        assert "at least 1 day" in response.content.decode()
