"""A user uploads LinkedIn's file, reads the preview, confirms; a big import's progress bar polls
with htmx and the page turns into the result by itself."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from contacts.models import Contact, ImportJob
from tests.factories import PASSWORD, ClassificationFactory, UserFactory

from .test_accessibility import blocking_violations, load_axe

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
FIXTURE = FIXTURES / "linkedin_connections.csv"


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_upload_preview_and_confirm_a_linkedin_file(page, screenshot_dir):
    user = UserFactory(username="importer")
    ClassificationFactory(owner=user, name="Acquaintances", contact_every_days=180)
    log_in(page, "importer")
    page.get_by_role("link", name="Import / export").click()
    page.get_by_label("File").set_input_files(FIXTURE)
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_text("Ready to confirm").first.wait_for()
    assert "email address left out: not valid (“linus@example”)" in page.content()
    assert not Contact.objects.exists()
    page.screenshot(path=screenshot_dir / "preview-1280.png", full_page=True)

    page.get_by_label("Classification").select_option(label="Acquaintances")
    page.get_by_label("Tags").fill("linkedin")
    page.get_by_role("button", name="Import 6 new").click()
    page.get_by_text("6 new contacts").wait_for()
    assert Contact.objects.filter(owner=user, classification__name="Acquaintances").count() == 6


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_the_preview_says_what_is_left_out_before_the_person_confirms(page, screenshot_dir, width):
    UserFactory(username="outlooker")
    load_axe(page)
    log_in(page, "outlooker")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/import/")
    page.get_by_label("File").set_input_files(FIXTURES / "outlook.csv")
    page.get_by_role("button", name="Upload and preview").click()
    summary = page.locator("#left-out-summary")
    summary.wait_for()
    assert (
        summary.inner_text().splitlines()[0] == "2 fields left out: 1 birthday impossible, 1 email address not valid."
    )
    assert "1 name taken from an email address" in summary.inner_text()
    wu = page.get_by_role("row").filter(has_text="Chien-Shiung Wu")
    assert "birthday left out: impossible (“2/30/1912”)" in wu.inner_text()
    murray = page.get_by_role("row").filter(has_text="Grace Murray")
    assert "name taken from the email address" in murray.inner_text()
    page.screenshot(path=screenshot_dir / f"preview-left-out-{width}.png", full_page=True)
    assert blocking_violations(page) == []

    page.get_by_role("link", name="See which rows").click()
    page.wait_for_url("**show=left_out")
    assert page.locator(".preview-left-out").count() == 2  # Wu's left-out values, Murray's guessed name
    page.get_by_role("button", name="Import 3 new").click()
    page.get_by_text("3 new contacts").wait_for()
    assert Contact.objects.get(first_name="Chien-Shiung").birthday is None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_progress_bar_polls_and_the_page_shows_the_result_when_done(page, screenshot_dir):
    user = UserFactory(username="waiter")
    job = ImportJob.objects.create(
        owner=user, original_name="Connections.csv", file_format="linkedin", status="applying",
        in_background=True, rows_total=30000, rows_done=3000,
    )  # fmt: skip
    log_in(page, "waiter")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(job.get_absolute_url())
    bar = page.locator(".progress-bar")
    assert bar.inner_text() == "10%"
    ImportJob.objects.filter(pk=job.pk).update(rows_done=15000)
    expect(bar).to_have_text("50%")  # a string wait_for_function is eval, which the CSP refuses
    share = bar.evaluate("bar => bar.getBoundingClientRect().width / bar.parentElement.getBoundingClientRect().width")
    assert share == pytest.approx(0.5, abs=0.02)  # the bar-w-50 class, not a style attribute, sizes it
    page.screenshot(path=screenshot_dir / "progress-390.png", full_page=True)
    ImportJob.objects.filter(pk=job.pk).update(
        status="done", rows_done=30000, result={"created": 29990, "updated": 0, "unchanged": 10, "skipped_matches": 0,
                                                "duplicates": 0, "errors": 0}
    )  # fmt: skip
    page.get_by_text("29990 new contacts").wait_for()
    assert page.locator(".progress-bar").count() == 0
