"""The admin for a staff user who is not a superuser: the filter sidebars name only their own
classifications, tags and venues, and a duplicate name is a form error, not a 500."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from contacts.models import Classification, Tag
from strategy.models import Purpose

from .factories import ClassificationFactory, ContactFactory, TagFactory, UserFactory
from .strategy_factories import EventFactory, PurposeFactory, VenueFactory


@pytest.fixture
def staff(db):
    user = UserFactory(username="staffer", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["contacts", "strategy"]))
    return user


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.django_db
class TestFilters:
    def test_the_contact_filters_name_only_the_staff_users_own_classifications_and_tags(
        self, staff_client, staff, owner
    ):
        theirs = ContactFactory(owner=owner, classification=ClassificationFactory(owner=owner, name="Divorce lawyers"))
        theirs.tags.add(TagFactory(owner=owner, name="investor-acme"))
        mine = ContactFactory(owner=staff, classification=ClassificationFactory(owner=staff, name="My clients"))
        mine.tags.add(TagFactory(owner=staff, name="my-tag"))
        page = staff_client.get(reverse("admin:contacts_contact_changelist")).content.decode()
        assert "My clients" in page and "my-tag" in page
        assert "Divorce lawyers" not in page and "investor-acme" not in page

    def test_the_event_filter_names_only_the_staff_users_own_venues(self, staff_client, staff, owner):
        EventFactory(owner=owner, venue=VenueFactory(owner=owner, name="Secret founders dinner"))
        EventFactory(owner=staff, venue=VenueFactory(owner=staff, name="My meetup"))
        page = staff_client.get(reverse("admin:strategy_event_changelist")).content.decode()
        assert "My meetup" in page and "Secret founders dinner" not in page


@pytest.mark.django_db
class TestDuplicateNames:
    @pytest.mark.parametrize(
        "url_name, model, make, extra",
        [
            ("admin:contacts_tag_add", Tag, TagFactory, {}),
            ("admin:contacts_classification_add", Classification, ClassificationFactory, {"display_order": "0"}),
            ("admin:strategy_purpose_add", Purpose, PurposeFactory, {}),
        ],
    )
    def test_a_name_that_differs_only_in_case_is_a_form_error(
        self, staff_client, staff, owner, url_name, model, make, extra
    ):
        make(owner=staff, name="friends")
        make(owner=owner, name="Colleagues")  # another user's name is free for this one
        response = staff_client.post(reverse(url_name), {"name": "FRIENDS", **extra})
        assert response.status_code == 200
        assert "There is already a" in response.content.decode() and "called “FRIENDS”" in response.content.decode()
        assert model.objects.filter(owner=staff).count() == 1
        created = staff_client.post(reverse(url_name), {"name": "colleagues", **extra})
        assert created.status_code == 302
        assert model.objects.filter(owner=staff, name="colleagues").exists()

    def test_renaming_to_another_own_name_is_a_form_error(self, staff_client, staff):
        TagFactory(owner=staff, name="friends")
        other = TagFactory(owner=staff, name="family")
        response = staff_client.post(reverse("admin:contacts_tag_change", args=[other.pk]), {"name": "Friends"})
        assert response.status_code == 200 and "There is already a tag called “Friends”" in response.content.decode()
        assert Tag.objects.get(pk=other.pk).name == "family"

    def test_a_superuser_choosing_the_owner_gets_the_same_error(self, client, owner):
        root = UserFactory(username="root", is_staff=True, is_superuser=True)
        TagFactory(owner=owner, name="friends")
        client.force_login(root)
        response = client.post(reverse("admin:contacts_tag_add"), {"name": "Friends", "owner": owner.pk})
        assert response.status_code == 200 and "There is already a tag called “Friends”" in response.content.decode()


@pytest.mark.django_db
def test_ticking_main_on_a_second_purpose_moves_the_main_objective(staff_client, staff):
    first = PurposeFactory(owner=staff, name="Customers", is_main=True)
    response = staff_client.post(reverse("admin:strategy_purpose_add"), {"name": "Investors", "is_main": "on"})
    assert response.status_code == 302
    assert list(Purpose.objects.filter(owner=staff, is_main=True).values_list("name", flat=True)) == ["Investors"]
    assert not Purpose.objects.get(pk=first.pk).is_main
