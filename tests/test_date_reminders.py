"""Birthdays and other important dates: the sweep raises one reminder per occurrence, ahead of
time by the owner's setting, on the owner's calendar; 29 February falls on 28 February."""

import datetime
import json
import os
import subprocess
import sys
import threading
import zoneinfo

import pytest
import time_machine
from django.db import connection, connections

from contacts.models import Occasion
from contacts.services import add_occasion
from followups import services
from followups.important_dates import falls_on
from followups.models import Reminder
from followups.sweep import run_sweep

from .conftest import REPO
from .factories import ContactFactory, UserFactory

# A Tuesday, noon UTC.
NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return run_sweep()


def date_reminders():
    return Reminder.objects.filter(kind=Reminder.Kind.DATE)


@pytest.mark.django_db
class TestBirthdayReminders:
    def test_a_birthday_within_the_default_seven_days_is_raised_once_for_its_day(self, owner):
        ContactFactory(owner=owner, first_name="Ada", birthday=datetime.date(1985, 12, 6))
        ContactFactory(owner=owner, first_name="Far", birthday=datetime.date(1985, 12, 20))
        assert sweep_at(NOW).dates_raised == 1
        reminder = date_reminders().get()
        assert (reminder.contact.first_name, reminder.occasion_on, reminder.occasion_title) == (
            "Ada",
            datetime.date(2026, 12, 6),
            "Birthday",
        )
        assert reminder.state == "open" and reminder.owner == owner

    def test_the_boundaries_are_today_and_the_last_day_of_the_lead(self, owner):
        ContactFactory(owner=owner, first_name="Today", birthday=datetime.date(1990, 12, 1))
        ContactFactory(owner=owner, first_name="Seventh", birthday=datetime.date(1990, 12, 8))
        ContactFactory(owner=owner, first_name="Eighth", birthday=datetime.date(1990, 12, 9))
        ContactFactory(owner=owner, first_name="Yesterday", birthday=datetime.date(1990, 11, 30))
        sweep_at(NOW)
        assert sorted(date_reminders().values_list("contact__first_name", flat=True)) == ["Seventh", "Today"]

    def test_running_again_and_later_the_same_year_raises_nothing_twice(self, owner):
        ContactFactory(owner=owner, birthday=datetime.date(1985, 12, 6))
        sweep_at(NOW)
        assert sweep_at(NOW).dates_raised == 0
        assert sweep_at(NOW + datetime.timedelta(days=3)).dates_raised == 0
        assert date_reminders().count() == 1

    def test_a_dismissed_birthday_stays_dismissed_this_year_and_comes_back_next_year(self, owner):
        ContactFactory(owner=owner, birthday=datetime.date(1985, 12, 6))
        sweep_at(NOW)
        services.dismiss(reminder=date_reminders().get())
        assert sweep_at(NOW + datetime.timedelta(days=1)).dates_raised == 0
        assert sweep_at(datetime.datetime(2027, 12, 1, 12, tzinfo=datetime.UTC)).dates_raised == 1
        assert sorted(date_reminders().values_list("occasion_on__year", "state")) == [
            (2026, "dismissed"),
            (2027, "open"),
        ]

    def test_a_birthday_early_in_january_is_raised_across_the_year_end(self, owner):
        ContactFactory(owner=owner, birthday=datetime.date(1970, 1, 3))
        sweep_at(datetime.datetime(2026, 12, 29, 9, tzinfo=datetime.UTC))
        assert date_reminders().get().occasion_on == datetime.date(2027, 1, 3)

    def test_the_lead_is_the_owners_setting(self, owner):
        preferences = services.preferences_for(owner)
        preferences.date_reminder_days = 20
        services.save_preferences(preferences=preferences)
        ContactFactory(owner=owner, birthday=datetime.date(1985, 12, 20))
        other = UserFactory()  # the default seven days
        ContactFactory(owner=other, birthday=datetime.date(1985, 12, 20))
        sweep_at(NOW)
        assert list(date_reminders().values_list("owner", flat=True)) == [owner.pk]

    def test_zero_days_reminds_on_the_day_itself(self, owner):
        preferences = services.preferences_for(owner)
        preferences.date_reminder_days = 0
        services.save_preferences(preferences=preferences)
        ContactFactory(owner=owner, birthday=datetime.date(1985, 12, 2))
        assert sweep_at(NOW).dates_raised == 0
        assert sweep_at(NOW + datetime.timedelta(days=1)).dates_raised == 1

    def test_a_birthday_without_a_known_year_is_reminded_like_any_other(self, owner):
        ContactFactory(owner=owner, birthday=datetime.date(1604, 12, 4))
        sweep_at(NOW)
        assert date_reminders().get().occasion_on == datetime.date(2026, 12, 4)

    def test_logging_a_greeting_settles_the_birthday_reminder(self, owner):
        contact = ContactFactory(owner=owner, birthday=datetime.date(1985, 12, 6))
        sweep_at(NOW)
        with time_machine.travel(NOW, tick=False):
            services.log_interaction(contact=contact, occurred_at=NOW, kind="message", summary="Happy birthday!")
        assert date_reminders().get().state == "done"

    def test_another_users_contacts_are_reminded_to_them(self, owner, stranger):
        ContactFactory(owner=stranger, birthday=datetime.date(1985, 12, 6))
        sweep_at(NOW)
        assert date_reminders().get().owner == stranger


@pytest.mark.django_db
class TestLeapDays:
    def test_29_february_falls_on_28_february_in_a_year_without_one(self, owner):
        ContactFactory(owner=owner, birthday=datetime.date(2000, 2, 29))
        sweep_at(datetime.datetime(2027, 2, 25, 12, tzinfo=datetime.UTC))
        assert date_reminders().get().occasion_on == datetime.date(2027, 2, 28)

    def test_29_february_stays_on_29_february_in_a_leap_year(self, owner):
        ContactFactory(owner=owner, birthday=datetime.date(2000, 2, 29))
        sweep_at(datetime.datetime(2028, 2, 27, 12, tzinfo=datetime.UTC))
        assert date_reminders().get().occasion_on == datetime.date(2028, 2, 29)

    def test_a_leap_day_in_a_leap_year_is_not_raised_on_28_february_too(self, owner):
        ContactFactory(owner=owner, birthday=datetime.date(2000, 2, 29))
        sweep_at(datetime.datetime(2028, 2, 21, 12, tzinfo=datetime.UTC))
        sweep_at(datetime.datetime(2028, 2, 28, 12, tzinfo=datetime.UTC))
        assert list(date_reminders().values_list("occasion_on", flat=True)) == [datetime.date(2028, 2, 29)]

    def test_the_python_rule_matches(self):
        assert falls_on(datetime.date(2000, 2, 29), 2027) == datetime.date(2027, 2, 28)
        assert falls_on(datetime.date(2000, 2, 29), 2028) == datetime.date(2028, 2, 29)


@pytest.mark.django_db
class TestTimeZones:
    def test_the_day_is_the_owners_local_day(self, owner):
        # 23:30 UTC on 1 December is already 2 December in Auckland: a birthday on
        # 9 December is seven days away there, eight in UTC.
        services.set_time_zone(user=owner, time_zone="Pacific/Auckland")
        ContactFactory(owner=owner, birthday=datetime.date(1985, 12, 9))
        in_utc = UserFactory()
        ContactFactory(owner=in_utc, birthday=datetime.date(1985, 12, 9))
        sweep_at(datetime.datetime(2026, 12, 1, 23, 30, tzinfo=datetime.UTC))
        assert list(date_reminders().values_list("owner", flat=True)) == [owner.pk]

    def test_a_zone_behind_utc_is_still_on_yesterday(self, owner):
        services.set_time_zone(user=owner, time_zone="America/Los_Angeles")
        ContactFactory(owner=owner, birthday=datetime.date(1985, 12, 1))
        # 02:00 UTC on 2 December is 18:00 on 1 December in Los Angeles: still the birthday.
        sweep_at(datetime.datetime(2026, 12, 2, 2, tzinfo=datetime.UTC))
        reminder = date_reminders().get()
        assert reminder.occasion_on == datetime.date(2026, 12, 1)
        assert reminder.due_at.astimezone(zoneinfo.ZoneInfo("America/Los_Angeles")).date() == datetime.date(2026, 12, 1)


@pytest.mark.django_db
class TestOccasions:
    def test_each_occasion_of_a_contact_gets_its_own_reminder_beside_the_birthday(self, owner):
        contact = ContactFactory(owner=owner, birthday=datetime.date(1985, 12, 3))
        add_occasion(contact=contact, kind=Occasion.Kind.WORK_ANNIVERSARY, on=datetime.date(2019, 12, 4))
        add_occasion(contact=contact, label="Wedding day", on=datetime.date(2015, 12, 5))
        assert sweep_at(NOW).dates_raised == 3
        assert sorted(r.occasion_title for r in date_reminders()) == ["Birthday", "Wedding day", "Work anniversary"]

    def test_a_once_only_date_is_reminded_in_its_own_year_only(self, owner):
        contact = ContactFactory(owner=owner)
        add_occasion(contact=contact, label="Launch party", on=datetime.date(2026, 12, 5), is_yearly=False)
        add_occasion(contact=contact, label="Old party", on=datetime.date(2025, 12, 5), is_yearly=False)
        sweep_at(NOW)
        assert [r.occasion_title for r in date_reminders()] == ["Launch party"]
        assert sweep_at(datetime.datetime(2027, 12, 1, 12, tzinfo=datetime.UTC)).dates_raised == 0

    def test_an_occasion_of_my_own_needs_a_label(self, owner):
        with pytest.raises(Exception, match="Name this date"):
            add_occasion(contact=ContactFactory(owner=owner), on=datetime.date(2015, 12, 5))

    def test_deleting_an_occasion_removes_its_reminders(self, owner):
        contact = ContactFactory(owner=owner)
        occasion = add_occasion(contact=contact, kind=Occasion.Kind.MET, on=datetime.date(2015, 12, 5))
        sweep_at(NOW)
        occasion.delete()
        assert not date_reminders().exists()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_on_two_connections_raise_each_date_once(owner):
    assert connection.vendor == "postgresql", "the concurrency test needs PostgreSQL"
    contacts = ContactFactory.create_batch(150, owner=owner, birthday=datetime.date(1980, 12, 5))
    for contact in contacts[:50]:
        add_occasion(contact=contact, kind=Occasion.Kind.WORK_ANNIVERSARY, on=datetime.date(2020, 12, 6))
    start = threading.Barrier(2)
    results, errors = [], []

    def sweep_on_own_connection():
        try:
            start.wait(timeout=10)
            results.append(sweep_at(NOW))
        except Exception as error:  # reported below; a thread must not swallow it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep_on_own_connection) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(r.dates_raised for r in results) == 200
    assert date_reminders().count() == 200


def test_on_sqlite_the_embedded_default_raises_the_same_date_reminders(tmp_path):
    """The year arithmetic (make_date, day differences) has a SQLite spelling: the sweep, the
    digest's and the feed's "coming up" work without PostgreSQL too."""
    script = """
import datetime, django, json; django.setup()
from django.test.utils import setup_test_environment; setup_test_environment()
from django.core.management import call_command; call_command("migrate", verbosity=0)
from django.db import connection
from django.contrib.auth import get_user_model
import time_machine
from contacts.models import Contact
from contacts.services import add_occasion
from followups import services
from followups.calendar.feed import feed_entries
from followups.digest.plan import dates_coming_up
from followups.selectors import Day
from followups.sweep import run_sweep
user = get_user_model().objects.create_user("solo", password="x")
leap = Contact.objects.create(owner=user, first_name="Leap", birthday=datetime.date(2000, 2, 29))
Contact.objects.create(owner=user, first_name="Far", birthday=datetime.date(2000, 3, 20))
add_occasion(contact=leap, label="Launch", on=datetime.date(2027, 3, 2), is_yearly=False)
now = datetime.datetime(2027, 2, 25, 12, tzinfo=datetime.UTC)
with time_machine.travel(now, tick=False):
    first, second = run_sweep().dates_raised, run_sweep().dates_raised
    day = Day.of(now, datetime.UTC)
    items, _total = dates_coming_up(owner_ids=[user.pk], day=day, limit=5)[user.pk]
    coming = [(i.occurs_on.isoformat(), i.days_until) for i in items]
    feed = [e.uid for e in feed_entries(owner=user, zone=datetime.UTC, now=now)]
days = sorted(str(d) for d in user.reminders.values_list("occasion_on", flat=True))
print(json.dumps({"vendor": connection.vendor, "raised": [first, second], "days": days, "coming": coming,
                  "feed": feed}))
"""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL"}}
    env.update(NETCRM_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="netcrm.settings")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["vendor"] == "sqlite"
    assert found["raised"] == [2, 0]
    assert found["days"] == ["2027-02-28", "2027-03-02"]
    assert found["coming"] == [["2027-02-28", 3], ["2027-03-02", 5]]
    assert len(found["feed"]) == 3 and found["feed"][0].startswith("birthday-")  # Far's 20 March too
