"""Sign up, log in and out, change and reset a password."""

import email
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from contacts.models import Classification

from .factories import UserFactory


@pytest.mark.django_db
def test_signing_up_logs_in_and_starts_with_editable_classifications(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    starter = {c.name: c.contact_every_days for c in Classification.objects.for_user(user)}
    assert starter["Inner circle"] == 14
    assert starter["Acquaintances"] == 180
    assert not Classification.objects.get(owner=user, name="Friends & family").is_business
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_signup_refuses_a_weak_password(client):
    response = client.post(
        reverse("signup"),
        {"username": "second", "email": "second@example.com", "password1": "123", "password2": "123"},
    )
    assert "This password is too short" in response.content.decode()
    assert not User.objects.filter(username="second").exists()


@pytest.mark.django_db
def test_log_in_and_log_out(client, password):
    UserFactory(username="ada")
    response = client.post(reverse("login"), {"username": "ada", "password": password})
    assert response["Location"] == reverse("home")
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_change_password(client, password):
    user = UserFactory(username="ada")
    client.force_login(user)
    client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "brand-new-phrase-42", "new_password2": "brand-new-phrase-42"},
    )
    user.refresh_from_db()
    assert user.check_password("brand-new-phrase-42")


@pytest.mark.django_db
def test_reset_password_by_email_locmem(client):
    user = UserFactory(username="ada", email="ada@example.com")
    client.post(reverse("password_reset"), {"email": "ada@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": "reset-phrase-77", "new_password2": "reset-phrase-77"})
    user.refresh_from_db()
    assert user.check_password("reset-phrase-77")


@pytest.mark.django_db
def test_reset_password_email_reaches_a_real_smtp_server(client, smtp_server):
    UserFactory(username="ada", email="ada@example.com")
    client.post(reverse("password_reset"), {"email": "ada@example.com"})
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["ada@example.com"]
    message = email.message_from_bytes(envelope.content)
    assert message["Subject"] == "Reset your netcrm password"
    assert "/accounts/reset/" in message.get_payload(decode=True).decode()


@pytest.mark.django_db
def test_reset_for_an_unknown_email_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []
