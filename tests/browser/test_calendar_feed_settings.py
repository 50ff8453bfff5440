"""On the settings page a user creates their calendar feed URL, then regenerates it (after a
confirm dialog): the old URL answers 404 at once and the new one serves the calendar."""

from urllib.parse import urlparse

import pytest

from ..factories import UserFactory
from .test_followups_in_place import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_create_then_regenerate_the_calendar_feed_url(page, screenshot_dir):
    UserFactory(username="networker")
    log_in(page, "networker")
    page.goto("/settings/")
    page.get_by_role("button", name="Create my calendar feed URL").click()
    page.get_by_text("Calendar feed URL created").wait_for()
    first = page.get_by_label("Your private feed URL").input_value()
    assert urlparse(first).path.startswith("/calendar/")
    page.screenshot(path=screenshot_dir / "settings-feed-1280.png", full_page=True)

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Regenerate URL").click()
    page.get_by_text("the old one no longer works").wait_for()
    second = page.get_by_label("Your private feed URL").input_value()
    assert dialogs and "stop updating" in dialogs[0]
    assert second != first
    assert page.request.get(urlparse(first).path).status == 404
    feed = page.request.get(urlparse(second).path)
    assert feed.status == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert feed.text().startswith("BEGIN:VCALENDAR")
