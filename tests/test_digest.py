"""The weekly digest: once per user and week, at the user's local hour, as a well-formed email."""

import datetime
import email
import email.policy
import threading

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

from contacts.cadence import refresh_cadence
from contacts.models import Contact
from followups import services
from followups.digest import jobs as digest_jobs
from followups.digest.content import build_digest
from followups.digest.links import unsubscribe_token
from followups.digest.schedule import claim_due_digests
from followups.models import DigestLog, FollowupPreferences
from followups.sweep import run_sweep

from .factories import ClassificationFactory, ContactFactory, InteractionFactory, UserFactory
from .followup_factories import CommitmentFactory
from .strategy_factories import EventFactory, PersonMetFactory

MONDAY_9_UTC = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC)
# whatever the number of users or of people due (15 since the classifications and the digest sizes
# are read once for a batch rather than joined to every row, which hashed every user's)
DIGEST_BUILD_QUERIES = 15


def make_user_with_due_contacts(username, *, due=2, zone="UTC", when_empty=False, **prefs):
    user = UserFactory(username=username, email=f"{username}@example.com")
    preferences = services.preferences_for(user)
    preferences.time_zone = zone
    preferences.digest_when_empty = when_empty
    for field, value in prefs.items():
        setattr(preferences, field, value)
    services.save_preferences(preferences=preferences)
    clients = ClassificationFactory(owner=user, name="Clients", contact_every_days=30, display_order=1)
    inner = ClassificationFactory(owner=user, name="Inner circle", contact_every_days=14, display_order=0)
    for index in range(due):
        contact = ContactFactory(
            owner=user, classification=clients if index % 2 else inner, first_name=f"Due{index}", last_name=username
        )
        InteractionFactory(
            contact=contact,
            occurred_at=MONDAY_9_UTC - datetime.timedelta(days=40),
            summary=f"Talked about plan {index}",
            next_step=f"Send deck {index}",
        )
    refresh_cadence(Contact.objects.filter(owner=user))
    return user


def travel(moment):
    return time_machine.travel(moment, tick=False)


def parsed(envelope):
    return email.message_from_bytes(envelope.content, policy=email.policy.default)


@pytest.mark.django_db
class TestSending:
    def test_each_due_user_gets_one_multipart_message_over_real_smtp(self, smtp_server):
        with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
            ada = make_user_with_due_contacts("ada", due=3)
            grace = make_user_with_due_contacts("grace", due=1)
        with travel(MONDAY_9_UTC):
            run_sweep()
            results = digest_jobs.claim_and_send_now()
        assert sorted(outcome for _, outcome in results) == ["sent", "sent"]
        by_recipient = {tuple(m.rcpt_tos): parsed(m) for m in smtp_server.messages}
        assert set(by_recipient) == {(ada.email,), (grace.email,)}
        message = by_recipient[(ada.email,)]
        assert message["Subject"] == "Your networking week: 3 people to reach out to"
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        assert "Due0 ada" in text and "Due0 ada" in html
        assert "Talked about plan 0" in text and "Send deck 0" in html
        assert "http://localhost:8000/contacts/" in html  # absolute links from SITE_URL
        assert str(message["List-Unsubscribe"]).strip().startswith("<http://localhost:8000/digest/unsubscribe/")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert by_recipient[(grace.email,)]["Subject"] == "Your networking week: 1 person to reach out to"

    def test_contacts_are_grouped_by_classification_in_the_plans_order(self):
        with travel(MONDAY_9_UTC):
            user = make_user_with_due_contacts("ada", due=4)
            content = build_digest(owner=user, preferences=services.preferences_for(user))
        assert [group.name for group in content.groups] == ["Inner circle", "Clients"]
        assert content.groups[0].rows[0].days_overdue == 26  # 40 days since, every 14 days

    def test_running_the_scheduler_twice_sends_once(self):
        with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
            make_user_with_due_contacts("ada")
        with travel(MONDAY_9_UTC):
            digest_jobs.claim_and_send_now()
            digest_jobs.claim_and_send_now()
            call_command("send_digests")
        with travel(MONDAY_9_UTC + datetime.timedelta(days=2)):
            digest_jobs.claim_and_send_now()
        assert len(mail.outbox) == 1
        assert DigestLog.objects.get().state == "sent"
        with travel(MONDAY_9_UTC + datetime.timedelta(days=7)):
            digest_jobs.claim_and_send_now()
        assert len(mail.outbox) == 2  # and the next week, again once

    def test_an_empty_week_follows_the_users_choice(self):
        with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
            make_user_with_due_contacts("quiet", due=0, when_empty=False)
            make_user_with_due_contacts("keen", due=0, when_empty=True)
        with travel(MONDAY_9_UTC):
            outcomes = {claim.owner_id: outcome for claim, outcome in digest_jobs.claim_and_send_now()}
        assert sorted(outcomes.values()) == ["sent", "skipped"]
        assert [m.to for m in mail.outbox] == [["keen@example.com"]]
        assert mail.outbox[0].subject == "Your networking week: nobody is due"
        assert DigestLog.objects.get(owner__username="quiet").state == "skipped"

    def test_promises_and_contributions_are_in_the_digest(self):
        with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
            user = make_user_with_due_contacts("ada", due=1)
        contact = Contact.objects.get(owner=user)
        CommitmentFactory(contact=contact, description="Send the hiring article", due_on=datetime.date(2026, 6, 17))
        InteractionFactory(
            contact=contact, occurred_at=MONDAY_9_UTC + datetime.timedelta(days=5), summary="Intro made",
            contribution_direction="given", contribution_kind="introduction",
        )  # fmt: skip
        with travel(MONDAY_9_UTC + datetime.timedelta(days=7)):
            digest_jobs.claim_and_send_now()
        body = mail.outbox[0].body
        assert "Send the hiring article" in body
        assert "you gave 1 and received 0" in body

    def test_the_week_plan_is_in_the_digest_with_its_ticks(self):
        with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
            user = make_user_with_due_contacts("ada", due=2)
        first, second = Contact.objects.filter(owner=user).order_by("first_name")
        services.add_to_week_plan(owner=user, contacts=[first, second], week_starting=datetime.date(2026, 6, 15))
        with travel(MONDAY_9_UTC):
            services.log_interaction(contact=first, summary="Coffee")
            digest_jobs.claim_and_send_now()
        section = mail.outbox[0].body.split("== Your plan for this week ==")[1]
        assert f"☑ {first.full_name}" in section
        assert f"☐ {second.full_name}" in section

    def test_people_met_at_events_and_the_unfinished_plan_are_in_the_digest(self):
        with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
            user = make_user_with_due_contacts("ada", due=1)
            event = EventFactory(owner=user, name="Data meetup", held_on=datetime.date(2026, 6, 9))
            met = ContactFactory(owner=user, first_name="Linus", last_name="Met")
            PersonMetFactory(event=event, contact=met)
        with travel(MONDAY_9_UTC):
            assert run_sweep().event_followups_raised == 1
            digest_jobs.claim_and_send_now()
        text = mail.outbox[0].body
        assert "== People you met at events ==" in text
        assert "Linus Met" in text.split("== People you met at events ==")[1]
        assert "== Your networking plan ==" in text
        assert "Still empty or thin: purposes, item 1" in text

    def test_a_user_who_turned_it_off_gets_nothing(self):
        with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
            user = make_user_with_due_contacts("ada", digest_enabled=False)
        with travel(MONDAY_9_UTC):
            assert digest_jobs.claim_and_send_now() == []
        assert mail.outbox == []
        assert not DigestLog.objects.filter(owner=user).exists()

    def test_users_without_preferences_get_the_monday_default(self):
        with travel(MONDAY_9_UTC - datetime.timedelta(days=3)):
            UserFactory(username="admin-made", email="am@example.com")
            digest_jobs.claim_and_send_now()
        prefs = FollowupPreferences.objects.get(owner__username="admin-made")
        assert prefs.next_digest_at == datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
class TestLocalHour:
    @pytest.mark.parametrize(
        ("zone", "first_due_utc"),
        [
            ("Pacific/Tongatapu", datetime.datetime(2026, 6, 14, 19, 0, tzinfo=datetime.UTC)),  # UTC+13
            ("Pacific/Honolulu", datetime.datetime(2026, 6, 15, 18, 0, tzinfo=datetime.UTC)),  # UTC-10
        ],
    )
    def test_the_digest_goes_out_at_monday_8_local(self, zone, first_due_utc):
        with travel(datetime.datetime(2026, 6, 10, tzinfo=datetime.UTC)):
            make_user_with_due_contacts("far", zone=zone)
        with travel(first_due_utc - datetime.timedelta(minutes=1)):
            assert digest_jobs.claim_and_send_now() == []
        with travel(first_due_utc + datetime.timedelta(minutes=5)):
            [(claim, outcome)] = digest_jobs.claim_and_send_now()
        assert outcome == "sent"
        assert claim.week_starting == datetime.date(2026, 6, 15)

    def test_across_a_daylight_saving_change_it_stays_at_the_local_hour(self):
        with travel(datetime.datetime(2026, 3, 20, tzinfo=datetime.UTC)):
            make_user_with_due_contacts("berlin", zone="Europe/Berlin", when_empty=True)
        # Monday 23 March 08:00 CET = 07:00 UTC
        with travel(datetime.datetime(2026, 3, 23, 6, 59, tzinfo=datetime.UTC)):
            assert digest_jobs.claim_and_send_now() == []
        with travel(datetime.datetime(2026, 3, 23, 7, 0, tzinfo=datetime.UTC)):
            assert len(digest_jobs.claim_and_send_now()) == 1
        # clocks go forward on 29 March: Monday 30 March 08:00 CEST = 06:00 UTC
        with travel(datetime.datetime(2026, 3, 30, 5, 59, tzinfo=datetime.UTC)):
            assert digest_jobs.claim_and_send_now() == []
        with travel(datetime.datetime(2026, 3, 30, 6, 0, tzinfo=datetime.UTC)):
            assert len(digest_jobs.claim_and_send_now()) == 1
        assert len(mail.outbox) == 2

    def test_changing_the_day_after_this_weeks_digest_does_not_send_a_second(self):
        with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
            user = make_user_with_due_contacts("ada")
        with travel(MONDAY_9_UTC):
            digest_jobs.claim_and_send_now()
            preferences = services.preferences_for(user)
            preferences.digest_weekday = 2  # Wednesday
            services.save_preferences(preferences=preferences)
        with travel(MONDAY_9_UTC + datetime.timedelta(days=2)):
            digest_jobs.claim_and_send_now()
        assert len(mail.outbox) == 1
        with travel(MONDAY_9_UTC + datetime.timedelta(days=9)):
            digest_jobs.claim_and_send_now()
        assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_building_a_digest_costs_the_same_queries_for_few_and_many_contacts(django_assert_num_queries):
    counts = []
    for due in (2, 30):
        with travel(MONDAY_9_UTC):
            user = make_user_with_due_contacts(f"user{due}", due=due)
            run_sweep()
            preferences = services.preferences_for(user)
            # the classifications, the people named (digest sizes, ranked, then read), the counts per
            # classification, promises, event follow-ups, the week plan, dates 2, contributions, the
            # networking plan 4
            with django_assert_num_queries(DIGEST_BUILD_QUERIES) as captured:
                content = build_digest(owner=user, preferences=preferences)
        assert (content.contacts_count, content.due_total) == (min(due, preferences.digest_size), due)
        counts.append(len(captured))
    assert counts[0] == counts[1]


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_claim_each_week_once():
    assert connection.vendor == "postgresql", "the concurrency test needs PostgreSQL"
    with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
        for index in range(20):
            make_user_with_due_contacts(f"user{index}", due=1)
    start, claims, errors = threading.Barrier(2), [], []

    def schedule():
        try:
            with travel(MONDAY_9_UTC):
                start.wait(timeout=10)
                claims.extend(claim_due_digests())
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=schedule) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(claims) == 20
    assert DigestLog.objects.count() == 20


@pytest.mark.django_db
class TestPagesAndLinks:
    def test_unsubscribe_link_turns_the_digest_off_without_logging_in(self, client):
        user = make_user_with_due_contacts("ada")
        url = reverse("followups:digest_unsubscribe", args=[unsubscribe_token(user.pk)])
        assert "Turn off the weekly digest?" in client.get(url).content.decode()
        assert services.preferences_for(user).digest_enabled
        response = client.post(url)
        assert "The weekly digest is off" in response.content.decode()
        assert not services.preferences_for(user).digest_enabled

    def test_a_tampered_unsubscribe_link_is_refused(self, client):
        user = make_user_with_due_contacts("ada")
        other = make_user_with_due_contacts("grace")
        token = unsubscribe_token(user.pk)
        forged = token.replace(token.split(":")[0], str(other.pk), 1)
        for bad in (forged, token[:-2] + "xx", "garbage"):
            response = client.post(reverse("followups:digest_unsubscribe", args=[bad]))
            assert response.status_code == 400
            assert "This link is not valid" in response.content.decode()
        assert services.preferences_for(user).digest_enabled
        assert services.preferences_for(other).digest_enabled

    def test_preview_shows_this_weeks_digest(self, client):
        with travel(MONDAY_9_UTC):
            user = make_user_with_due_contacts("ada", due=2)
            client.force_login(user)
            html = client.get(reverse("followups:digest_preview")).content.decode()
        assert "Due0 ada" in html and "Due1 ada" in html

    def test_the_settings_page_changes_the_slot_and_lists_sent_digests(self, client):
        with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
            user = make_user_with_due_contacts("ada")
        with travel(MONDAY_9_UTC):
            digest_jobs.claim_and_send_now()
            client.force_login(user)
            client.post(
                reverse("followups:preferences"),
                {
                    "time_zone": "Asia/Tokyo",
                    "outreach_list_size": 5,
                    "digest_size": 10,
                    "date_reminder_days": 7,
                    "digest_enabled": "on",
                    "digest_weekday": 4,
                    "digest_hour": 7,
                },
            )
            page = client.get(reverse("followups:preferences")).content.decode()
        preferences = services.preferences_for(user)
        assert preferences.next_digest_at == datetime.datetime(2026, 6, 18, 22, 0, tzinfo=datetime.UTC)  # Fri 7:00
        assert "15 Jun 2026" in page and "Sent" in page

    def test_the_command_has_a_dry_run_and_a_user_filter(self, capsys):
        with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
            make_user_with_due_contacts("ada")
            make_user_with_due_contacts("grace")
        with travel(MONDAY_9_UTC):
            call_command("send_digests", "--dry-run")
            assert "2 digest(s) due; nothing sent (dry run)." in capsys.readouterr().out
            assert mail.outbox == []
            call_command("send_digests", "--user", "grace")
        assert [m.to for m in mail.outbox] == [["grace@example.com"]]
        with pytest.raises(Exception, match="No such user: nobody"):
            call_command("send_digests", "--user", "nobody")
