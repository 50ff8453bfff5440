"""What the pages' shortcuts (row URLs built once, the contact page's blank form rendered once a
minute) must never change: the links and the form a user gets."""

import datetime
import re

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse, set_script_prefix

from followups.services import preferences_for
from netcrm.row_urls import row_url

from .factories import ContactFactory, UserFactory

NOW = datetime.datetime(2026, 3, 2, 9, 41, 30, tzinfo=datetime.UTC)


class TestRowUrls:
    @pytest.mark.parametrize(
        "name", ["contacts:detail", "followups:snooze", "followups:dismiss", "followups:log_interaction"]
    )
    def test_the_same_as_reverse_for_every_id(self, name):
        for pk in (1, 7, 42, 10**15):
            assert row_url(name, pk) == reverse(name, args=[pk])

    def test_an_app_mounted_under_a_prefix_links_under_it(self):
        try:
            set_script_prefix("/crm/")
            assert row_url("contacts:detail", 5) == "/crm/contacts/5/"
        finally:
            set_script_prefix("/")
        assert row_url("contacts:detail", 5) == "/contacts/5/"

    def test_another_url_configuration_is_followed(self):
        assert row_url("contacts:detail", 3) == "/contacts/3/"
        with override_settings(ROOT_URLCONF="tests.urls_mounted_elsewhere"):
            assert row_url("contacts:detail", 3) == "/elsewhere/contacts/3/"
        assert row_url("contacts:detail", 3) == "/contacts/3/"


def form_moment(page) -> str:
    return re.search(r'name="occurred_at" value="([^"]+)"', page.content.decode()).group(1)


@pytest.mark.django_db
class TestTheContactPagesLogForm:
    def test_it_defaults_to_this_minute_as_time_moves_on(self, owner_client, contact):
        with time_machine.travel(NOW, tick=False) as traveller:
            assert form_moment(owner_client.get(contact.get_absolute_url())) == "2026-03-02T09:41"
            traveller.shift(datetime.timedelta(minutes=3))
            assert form_moment(owner_client.get(contact.get_absolute_url())) == "2026-03-02T09:44"

    def test_each_user_sees_their_own_local_time(self, client, owner_client, contact):
        tokyo = UserFactory(username="tokyo")
        preferences = preferences_for(tokyo)
        preferences.time_zone = "Asia/Tokyo"
        preferences.save()
        far_contact = ContactFactory(owner=tokyo)
        with time_machine.travel(NOW, tick=False):
            assert form_moment(owner_client.get(contact.get_absolute_url())) == "2026-03-02T09:41"
            client.force_login(tokyo)
            assert form_moment(client.get(far_contact.get_absolute_url())) == "2026-03-02T18:41"

    def test_it_posts_to_the_contacts_own_log(self, owner_client, owner, contact):
        other = ContactFactory(owner=owner, first_name="Grace")
        for person in (contact, other):
            page = owner_client.get(person.get_absolute_url()).content.decode()
            log_url = reverse("followups:log_interaction", args=[person.pk])
            assert f'<form method="post" action="{log_url}" novalidate>' in page
            assert 'name="summary"' in page
