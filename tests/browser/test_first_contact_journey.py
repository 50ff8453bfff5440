"""A new user signs up, adds a contact, logs an interaction and sees it on the contact page."""

import pytest

from contacts.models import Interaction


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sign_up_add_a_contact_and_log_an_interaction(page, screenshot_dir):
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Email").fill("maria@example.com")
    page.locator("#id_password1").fill("a-long-pass-phrase-9")
    page.locator("#id_password2").fill("a-long-pass-phrase-9")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_text("Add your first contacts").wait_for()

    page.get_by_role("link", name="Add your first contacts").click()
    page.get_by_label("First name").fill("Katherine")
    page.get_by_label("Last name").fill("Johnson")
    page.get_by_label("Company").fill("NASA")
    page.get_by_label("Emails").fill("katherine@nasa.example")
    page.get_by_label("Classification").select_option(label="Collaborators")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_role("heading", name="Katherine Johnson").wait_for()

    page.get_by_label("Summary").fill("Talked about orbital mechanics")
    page.get_by_label("Next step").fill("Send her the trajectory paper")
    page.get_by_role("button", name="Log interaction").click()

    pickup = page.locator("section.pickup")
    assert "Talked about orbital mechanics" in pickup.inner_text()
    assert "Send her the trajectory paper" in pickup.inner_text()
    assert "Talked about orbital mechanics" in page.locator("ol.timeline").inner_text()
    page.screenshot(path=screenshot_dir / "contact-page-1280.png", full_page=True)
    assert Interaction.objects.get().contact.first_name == "Katherine"
