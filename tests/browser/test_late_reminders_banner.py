"""A person opens the dashboard while the worker is down: a banner says reminders are late and
why, readable and accessible at desktop and phone widths; /health/ says the same to a monitor."""

import datetime

import pytest
from django.utils import timezone

from health.heartbeats import BEAT
from health.models import JobHeartbeat

from ..factories import UserFactory
from .test_accessibility import blocking_violations, build_network, describe, load_axe
from .test_followups_in_place import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_tells_the_user_that_reminders_are_late_and_why(page, screenshot_dir, browser_problems):
    user = UserFactory(username="networker")
    build_network(user)
    now = timezone.now()
    JobHeartbeat.objects.update_or_create(
        job="raise-reminders", defaults={"finished_at": now - datetime.timedelta(hours=3)}
    )
    JobHeartbeat.objects.update_or_create(job=BEAT, defaults={"finished_at": now - datetime.timedelta(minutes=4)})

    load_axe(page)
    log_in(page, "networker")
    problems = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/")
        banner = page.get_by_role("region", name="Reminders are late")
        banner.wait_for()
        assert "They were last raised 3\xa0hours ago" in banner.inner_text()
        assert "the background worker is not running" in banner.inner_text()
        problems += [describe("/ (late banner)", width, violation) for violation in blocking_violations(page)]
        page.screenshot(path=screenshot_dir / f"dashboard-late-{width}.png", full_page=False)
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)

    browser_problems.expect("status of 503")  # what an uptime monitor is told; not a page error
    response = page.goto("/health/")
    assert response.status == 503
    assert "Reminder sweep last finished 3 hours ago" in page.locator("body").inner_text().replace("\xa0", " ")
    page.screenshot(path=screenshot_dir / "health.png", full_page=True)
