"""Every object URL answers 404 to a stranger and changes nothing of the owner's."""

import pytest
from django.urls import reverse

from contacts.models import Classification, Contact, Interaction

from .factories import ClassificationFactory, ContactFactory, InteractionFactory


@pytest.fixture
def owned_objects(owner, contact):
    interaction = InteractionFactory(contact=contact)
    spare = ClassificationFactory(owner=owner, name="Spare")
    return {"contact": contact, "interaction": interaction, "classification": contact.classification, "spare": spare}


def object_urls(objects):
    contact, interaction, classification = objects["contact"], objects["interaction"], objects["classification"]
    return [
        reverse("contacts:detail", args=[contact.pk]),
        reverse("contacts:edit", args=[contact.pk]),
        reverse("contacts:delete", args=[contact.pk]),
        reverse("followups:log_interaction", args=[contact.pk]),
        reverse("contacts:interaction_edit", args=[interaction.pk]),
        reverse("contacts:interaction_delete", args=[interaction.pk]),
        reverse("contacts:classification_edit", args=[classification.pk]),
        reverse("contacts:classification_delete", args=[classification.pk]),
        reverse("contacts:classification_move", args=[classification.pk, "up"]),
    ]


@pytest.mark.django_db
def test_a_stranger_gets_404_on_every_object_url_for_get_and_post(stranger_client, owned_objects):
    for url in object_urls(owned_objects):
        for method in (stranger_client.get, stranger_client.post):
            response = method(url, {"summary": "hijack", "first_name": "Mallory", "name": "Mine now"})
            assert response.status_code in (404, 405), url
            if method is stranger_client.post:
                assert response.status_code == 404, url
    contact = Contact.objects.get(pk=owned_objects["contact"].pk)
    assert contact.first_name == "Ada"
    assert Interaction.objects.filter(summary="hijack").count() == 0
    assert Classification.objects.filter(name="Mine now").count() == 0


@pytest.mark.django_db
def test_the_owner_reaches_every_object_url(owner_client, owned_objects):
    for url in object_urls(owned_objects):
        if "/move/" in url:
            continue
        assert owner_client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_lists_show_only_the_users_own_rows(stranger_client, owned_objects, stranger):
    ContactFactory(owner=stranger, first_name="Strangers", last_name="Friend")
    listing = stranger_client.get(reverse("contacts:list")).content.decode()
    assert "Strangers Friend" in listing
    assert "Lovelace" not in listing
    classifications = stranger_client.get(reverse("contacts:classification_list")).content.decode()
    assert owned_objects["spare"].name not in classifications


@pytest.mark.django_db
def test_a_stranger_cannot_move_contacts_into_their_classification(stranger_client, stranger, owned_objects):
    theirs = ClassificationFactory(owner=stranger)
    url = reverse("contacts:classification_delete", args=[owned_objects["classification"].pk])
    assert stranger_client.post(url, {"move_to": theirs.pk}).status_code == 404
    assert Contact.objects.get(pk=owned_objects["contact"].pk).classification == owned_objects["classification"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    ["home", "contacts:list", "contacts:create", "contacts:classification_list", "password_change"],
)
def test_pages_need_a_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_non_numeric_or_unknown_ids_give_404(owner_client):
    assert owner_client.get("/contacts/999999/").status_code == 404
    assert owner_client.get("/contacts/abc/").status_code == 404
    assert owner_client.post("/contacts/classifications/1/move/sideways/").status_code == 404
