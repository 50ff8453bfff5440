"""What a person sees when a login is locked and while their address waits for verification."""

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD, UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_login_page_says_when_a_username_is_locked(page, screenshot_dir, browser_problems):
    UserFactory(username="ada")
    browser_problems.expect("status of 429")  # the locked page answers 429 Too Many Requests
    page.goto("/accounts/login/")
    for attempt in range(5):
        page.get_by_label("Username").fill("ada")
        page.locator("#id_password").fill(f"wrong-guess-{attempt}")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert "Logging in as “ada” is locked" in alert.inner_text()
    assert "Try again in 15 minutes" in alert.inner_text()
    page.screenshot(path=screenshot_dir / "login-locked-1280.png", full_page=True)
    page.get_by_label("Username").fill("ada")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("alert").wait_for()  # still locked, even with the right password
    assert "/accounts/login/" in page.url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_settings_asks_to_verify_the_address_until_its_link_is_followed(page, screenshot_dir):
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Email").fill("maria@example.com")
    page.locator("#id_password1").fill("a-long-pass-phrase-9")
    page.locator("#id_password2").fill("a-long-pass-phrase-9")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_text("We sent a link to maria@example.com").wait_for()

    page.goto("/settings/")
    banner = page.get_by_role("alert").filter(has_text="Verify your address")
    assert "maria@example.com" in banner.inner_text()
    page.screenshot(path=screenshot_dir / "settings-verify-banner-1280.png", full_page=True)
    banner.get_by_role("button", name="Resend the link").click()
    page.locator(".alert-success").get_by_text("We sent a link to maria@example.com").wait_for()
    assert len(mail.outbox) == 2

    link = re.search(r"http://localhost:8000(/accounts/email/verify/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Verify maria@example.com").click()
    page.get_by_text("is verified").wait_for()
    page.goto("/settings/")
    assert page.get_by_text("Verify your address").count() == 0
    page.screenshot(path=screenshot_dir / "settings-verified-1280.png", full_page=True)
