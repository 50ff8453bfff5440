"""The full JSON backup restores into an empty account as exactly what was there, field by field."""

import datetime
import json
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.cadence import refresh_cadence
from contacts.models import (
    Classification,
    Contact,
    ContactEmail,
    ContactPhone,
    Interaction,
    Introduction,
    Occasion,
    Tag,
)
from contacts.services import add_occasion, create_starter_classifications
from followups.digest.schedule import next_slot
from followups.models import Commitment, DigestLog, FollowupPreferences, OutreachSkip, Reminder, WeekPlanEntry
from followups.services import (
    add_to_week_plan,
    keep_commitment,
    preferences_for,
    record_commitment,
    regenerate_calendar_token,
    save_preferences,
    skip_today,
)
from strategy.models import Event, MetAt, PersonMet, Plan, Purpose, Venue
from strategy.services import add_purposes, plan_for, set_contact_purposes
from transfer.backup import SECTIONS, backup, backup_json
from transfer.restore import RestoreError, restore_backup

from .factories import ClassificationFactory, ContactFactory, InteractionFactory, TagFactory, UserFactory
from .followup_factories import ReminderFactory
from .strategy_factories import EventFactory, PersonMetFactory, PlanFactory, PurposeFactory, VenueFactory

pytestmark = pytest.mark.django_db

# Models a backup covers, by section; a model added to an app must be listed here (or in
# NOT_BACKED_UP with the reason), so nothing a user owns is silently left out of backups.
COVERED = {
    "contacts": [Classification, Tag, Contact, ContactEmail, ContactPhone, Occasion, Introduction, Interaction],
    "strategy": [Plan, Purpose, Venue, Event, PersonMet, MetAt],
    "followups": [FollowupPreferences, Commitment, Reminder, WeekPlanEntry, OutreachSkip, DigestLog],
}
NOT_BACKED_UP = {"contacts.importjob": "an upload on its way in, not the user's network"}
# Fields a restore recomputes rather than copies (transfer.backup.PREFERENCES_DERIVED); checked apart.
RECOMPUTED = {FollowupPreferences: {"next_digest_at", "calendar_token"}}  # recomputed / a secret, never copied
# How a model's rows are found by their owner, when they have no owner column of their own.
OWNER_PATH = {
    ContactEmail: "contact__owner",
    ContactPhone: "contact__owner",
    PersonMet: "event__owner",
    MetAt: "contact__owner",
}
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def moment(days_ago, hour=9):
    return timezone.now().replace(microsecond=123456) - datetime.timedelta(days=days_ago, hours=hour)


@pytest.fixture
def rich_network(owner, stranger):
    inner = ClassificationFactory(
        owner=owner, name="Inner circle", contact_every_days=14, preferred_channel="meeting", display_order=0
    )
    family = ClassificationFactory(
        owner=owner,
        name="Friends & family",
        contact_every_days=None,
        is_business=False,
        message_guidance="Just catch up; no business.",
        display_order=1,
    )
    speaker, mentor, _unused = (TagFactory(owner=owner, name=n) for n in ("speaker", "Mentor", "unused"))
    ada = ContactFactory(
        owner=owner,
        first_name="Ada",
        last_name="Lovelace",
        company="Analytical Engines",
        job_title="Mathematician",
        location="London",
        linkedin_url="https://www.linkedin.com/in/ada",
        website_url="https://ada.example.org",
        how_we_met="Babbage's salon",
        where_we_met="London",
        birthday=datetime.date(1815, 12, 10),
        notes="Ask about the notes on the engine.\nSecond line — with “quotes”.",
        classification=inner,
        contact_every_days_override=7,
        created_at=moment(400),
    )
    ada.emails.create(address="ada@example.org", position=0)
    ada.emails.create(address="ada@engines.example", position=1)
    ada.phones.create(number="+44 20 7946 0000", position=0)
    ada.tags.add(speaker, mentor)
    mum = ContactFactory(owner=owner, first_name="Mum", last_name="", company="", classification=family,
                         created_at=moment(800))  # fmt: skip
    loner = ContactFactory(owner=owner, first_name="No", last_name="Classification", classification=None,
                           created_at=moment(30))  # fmt: skip
    InteractionFactory(contact=ada, occurred_at=moment(20), kind="call", summary="Talked engines",
                       notes="Long notes", next_step="Send the paper", contribution_direction="given",
                       contribution_kind="introduction")  # fmt: skip
    InteractionFactory(contact=ada, occurred_at=moment(3), kind="email", summary="Sent the paper", next_step="")
    InteractionFactory(contact=mum, occurred_at=moment(100), kind="meeting", summary="Sunday lunch",
                       contribution_direction="received", contribution_kind="advice")  # fmt: skip
    # Ada's "given: introduction" is one half of an introduction of Ada to Mum; Ada introduced No.
    introduction = Introduction.objects.create(
        owner=owner,
        introduced=ada,
        introduced_to=mum,
        note="Both love engines",
        made_at=moment(20),
        created_at=moment(20),
    )
    Interaction.objects.filter(contact=ada, summary="Talked engines").update(introduction=introduction)
    Contact.objects.filter(pk=loner.pk).update(introduced_by=ada)
    Contact.objects.filter(pk=ada.pk).update(updated_at=moment(2))
    Interaction.objects.filter(contact=mum).update(created_at=moment(99))
    refresh_cadence(Contact.objects.all())
    not_mine = ContactFactory(owner=stranger, first_name="Not", last_name="Mine")
    _strategy(owner, ada, mum, loner)
    _followups(owner, ada, mum, loner)
    PersonMetFactory(event=EventFactory(owner=stranger), contact=not_mine)
    ReminderFactory(contact=not_mine)
    return [ada, mum, loner]


def _strategy(owner, ada, mum, loner):
    PlanFactory(
        owner=owner,
        who_to_invite="People building tools for scientists.",
        how_to_maintain="A call every quarter.",
        maintain_channels=["meeting", "email"],
        how_to_participate="Speak at PyData twice a year.",
        what_to_contribute="Introductions.",
        contribution_kinds=["introduction", "advice"],
        how_to_contribute="One introduction a month.",
    )
    Plan.objects.filter(owner=owner).update(updated_at=moment(5))
    collaborators, travel = add_purposes(owner=owner, names=["Collaborators", "Travel companions"])
    cofounder = PurposeFactory(owner=owner, name="Find a co-founder", created_at=moment(50))
    PurposeFactory(owner=owner, name="Nobody yet", created_at=moment(40))
    set_contact_purposes(contact=ada, purposes=[collaborators, cofounder])
    set_contact_purposes(contact=mum, purposes=[travel])
    pydata = VenueFactory(
        owner=owner,
        name="PyData London",
        kind=Venue.Kind.MEETUP,
        url="https://pydata.example.org/london",
        target_market_present="yes",
        interaction_quality=4,
        hours_spent=Decimal("12.5"),
        spread_too_thin="no",
        notes="Good talks; the pub after is where it happens.",
        created_at=moment(300),
    )
    VenueFactory(owner=owner, name="Quiet forum", kind=Venue.Kind.FORUM, created_at=moment(200))
    meetup = EventFactory(
        owner=owner,
        venue=pydata,
        name="PyData March",
        held_on=datetime.date(2026, 3, 10),
        starts_at=datetime.datetime(2026, 3, 9, 23, 0, tzinfo=datetime.UTC),
        follow_up_due_at=datetime.datetime(2026, 3, 12, 23, 0, tzinfo=datetime.UTC),
        goal_people=3,
        goal_note="Find a designer for the app.",
        attended=True,
        notes="Met two people.",
        created_at=moment(260),
    )
    dinner = EventFactory(owner=owner, venue=None, name="Dinner", held_on=datetime.date(2026, 4, 1), attended=False,
                          created_at=moment(200))  # fmt: skip
    PersonMetFactory(event=meetup, contact=ada, created_at=moment(258))
    PersonMetFactory(event=meetup, contact=loner, created_at=moment(257))
    PersonMetFactory(event=dinner, contact=ada, created_at=moment(199))
    MetAt.objects.create(contact=loner, event=meetup, created_at=moment(257))
    MetAt.objects.create(contact=mum, venue=pydata, created_at=moment(250))


def _followups(owner, ada, mum, loner):
    preferences = preferences_for(owner)
    preferences.time_zone = "Europe/Berlin"
    preferences.digest_weekday = 4
    preferences.digest_hour = 7
    preferences.digest_when_empty = True
    preferences.outreach_list_size = 8
    save_preferences(preferences=preferences)
    FollowupPreferences.objects.filter(owner=owner).update(next_digest_at=moment(30))  # a slot long past
    regenerate_calendar_token(user=owner)
    article = record_commitment(contact=ada, description="Send the article", due_on=datetime.date(2026, 5, 2),
                                zone=BERLIN)  # fmt: skip
    intro = record_commitment(
        contact=mum, description="Introduce to Bob", due_on=datetime.date(2026, 1, 9), zone=BERLIN
    )
    Commitment.objects.filter(pk=article.pk).update(created_at=moment(12))
    keep_commitment(commitment=intro)
    lunch = Interaction.objects.get(contact=mum)
    ReminderFactory(contact=ada, kind=Reminder.Kind.PROMISE, commitment=article, message="Promised the article",
                    due_at=moment(1), created_at=moment(2))  # fmt: skip
    ReminderFactory(contact=mum, kind=Reminder.Kind.PROMISE, commitment=intro, state=Reminder.State.DONE,
                    due_at=moment(70), resolved_at=moment(69), created_at=moment(71))  # fmt: skip
    ReminderFactory(contact=mum, kind=Reminder.Kind.CADENCE, state=Reminder.State.DONE, due_at=moment(101),
                    resolved_at=moment(100), resolved_by=lunch, created_at=moment(102))  # fmt: skip
    ReminderFactory(contact=ada, kind=Reminder.Kind.CADENCE, state=Reminder.State.SNOOZED, due_at=moment(4),
                    snoozed_until=moment(-3), created_at=moment(4))  # fmt: skip
    ReminderFactory(contact=loner, kind=Reminder.Kind.EVENT_FOLLOWUP, state=Reminder.State.DISMISSED,
                    due_at=moment(25), resolved_at=moment(24), created_at=moment(26))  # fmt: skip
    anniversary = add_occasion(contact=ada, kind="work_anniversary", on=datetime.date(1833, 6, 5))
    add_occasion(contact=mum, label="Wedding day", on=datetime.date(1604, 9, 1))
    ReminderFactory(contact=ada, kind=Reminder.Kind.DATE, occasion=anniversary, occasion_on=datetime.date(2026, 6, 5),
                    due_at=moment(6), created_at=moment(6))  # fmt: skip
    ReminderFactory(contact=ada, kind=Reminder.Kind.DATE, occasion_on=datetime.date(2026, 12, 10),
                    state=Reminder.State.DISMISSED, due_at=moment(3), resolved_at=moment(2),
                    created_at=moment(3))  # fmt: skip
    add_to_week_plan(owner=owner, contacts=[ada, loner], week_starting=datetime.date(2026, 11, 23))
    add_to_week_plan(owner=owner, contacts=[mum], week_starting=datetime.date(2026, 11, 16))
    skip_today(contact=mum, day=datetime.date(2026, 11, 24))
    skip_today(contact=mum, day=datetime.date(2026, 11, 25))
    DigestLog.objects.create(owner=owner, week_starting=datetime.date(2026, 11, 16), state=DigestLog.State.SENT,
                             claimed_at=moment(9), sent_at=moment(9, hour=8), attempts=1, contacts_count=3)  # fmt: skip
    DigestLog.objects.create(owner=owner, week_starting=datetime.date(2026, 11, 9), state=DigestLog.State.FAILED,
                             claimed_at=moment(16), attempts=3, error="SMTPServerDisconnected: gone")  # fmt: skip


def natural(value):
    """A row another row points at, by what it is rather than by its primary key."""
    if isinstance(value, Contact):
        return ("contact", value.first_name, value.last_name, value.created_at)
    if isinstance(value, Classification | Tag | Purpose):
        return value.name
    if isinstance(value, Interaction):
        return ("interaction", natural(value.contact), value.occurred_at, value.summary)
    if isinstance(value, Venue):
        return ("venue", value.name, value.created_at)
    if isinstance(value, Event):
        return ("event", value.name, value.held_on, value.created_at)
    if isinstance(value, Introduction):
        return ("introduction", natural(value.introduced), natural(value.introduced_to), value.made_at)
    if isinstance(value, Commitment):
        return ("commitment", natural(value.contact), value.description, value.created_at)
    if isinstance(value, Occasion):
        return ("occasion", natural(value.contact), value.kind, value.label, value.on)
    assert not isinstance(value, Model), f"give {type(value).__name__} a natural key in natural()"
    return value


def every_field(obj) -> dict:
    recomputed = RECOMPUTED.get(type(obj), set())
    return {
        field.name: natural(getattr(obj, field.name))
        for field in type(obj)._meta.concrete_fields
        if not field.primary_key and field.name != "owner" and field.name not in recomputed
    }


def snapshot(user) -> dict:
    """Every concrete field of every covered model (and its many-to-many links), relations by
    natural key, in a stable order."""
    result = {}
    for model in (model for models in COVERED.values() for model in models):
        rows = list(model.objects.filter(**{OWNER_PATH.get(model, "owner"): user}))
        items = [every_field(row) for row in rows]
        for item, row in zip(items, rows, strict=True):
            for field in model._meta.many_to_many:
                item[field.name] = sorted((natural(other) for other in getattr(row, field.name).all()), key=repr)
        result[model.__name__] = sorted(items, key=repr)
    return result


def test_every_model_a_user_owns_is_covered_by_a_backup_section():
    covered = {m._meta.label_lower for models in COVERED.values() for m in models}
    for app_label in ("contacts", "strategy", "followups"):
        for model in apps.get_app_config(app_label).get_models():
            label = model._meta.label_lower
            assert label in covered or label in NOT_BACKED_UP, f"{label} is in no backup section"
    assert set(COVERED) <= set(SECTIONS)


def new_account():
    """What a real new account has before anything is restored into it: the starter
    classifications, and the plan and preferences its first visits create."""
    newcomer = UserFactory(username="newcomer")
    create_starter_classifications(owner=newcomer)
    plan_for(owner=newcomer)
    preferences_for(newcomer)
    return newcomer


def test_a_backup_restored_into_a_new_account_reproduces_every_field(owner, rich_network):
    document = json.loads(backup_json(owner=owner))
    newcomer = new_account()
    before_restore = timezone.now()
    counts = restore_backup(owner=newcomer, raw=json.dumps(document).encode())
    assert counts == {
        "contacts": 3,
        "interactions": 3,
        "important_dates": 2,
        "purposes": 4,
        "venues": 2,
        "events": 2,
        "people_met": 3,
        "commitments": 2,
        "reminders": 7,
    }
    original, restored = snapshot(owner), snapshot(newcomer)
    expected = {"Plan": 1, "Purpose": 4, "Venue": 2, "Event": 2, "PersonMet": 3, "FollowupPreferences": 1,
                "Commitment": 2, "Reminder": 7, "WeekPlanEntry": 3, "OutreachSkip": 2, "DigestLog": 2}  # fmt: skip
    assert {name: len(original[name]) for name in expected} == expected
    assert len(original["Contact"]) == 3 and len(original["Interaction"]) == 3
    for model_name in original:
        assert len(restored[model_name]) == len(original[model_name]), model_name
        for before, after in zip(original[model_name], restored[model_name], strict=True):
            assert {k: v for k, v in after.items() if before[k] != v} == {}, (model_name, before)
    # links through refs, not only equal rows: the reminder resolved by Sunday lunch points at it
    resolved = Reminder.objects.get(owner=newcomer, resolved_by__isnull=False)
    assert resolved.resolved_by.owner == newcomer and resolved.resolved_by.summary == "Sunday lunch"
    assert Reminder.objects.get(owner=newcomer, commitment__description="Send the article").contact.first_name == "Ada"
    # the next digest is the next slot of the restored preferences, not the backup's stale one
    preferences = FollowupPreferences.objects.get(owner=newcomer)
    assert preferences.next_digest_at == next_slot(after=before_restore, zone=BERLIN, weekday=4, hour=7)
    assert "next_digest_at" not in document["sections"]["followups"]["preferences"]
    # the calendar feed's secret never leaves the database; the new account has no feed yet
    secret = FollowupPreferences.objects.get(owner=owner).calendar_token
    assert secret and secret not in json.dumps(document)
    assert preferences.calendar_token is None
    # and the file it makes is the same file, but for the moment it was made
    again = backup(owner=newcomer)
    assert json.loads(backup_json(owner=newcomer))["sections"] == document["sections"]
    assert again["format"] == "netcrm-backup"


def test_the_backup_holds_only_the_users_own_rows(owner_client, rich_network):
    response = owner_client.get(reverse("transfer:export_backup"))
    assert response["Content-Type"] == "application/json"
    sections = json.loads(response.content.decode())["sections"]
    names = [c["first_name"] for c in sections["contacts"]["contacts"]]
    assert sorted(names) == ["Ada", "Mum", "No"]  # not the stranger's "Not Mine"
    assert [e["name"] for e in sections["strategy"]["events"]] == ["PyData March", "Dinner"]
    assert len(sections["strategy"]["people_met"]) == 3 and len(sections["followups"]["reminders"]) == 7


def test_the_backup_takes_the_same_few_queries_whatever_the_number_of_rows(owner, rich_network):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            backup(owner=owner)
        return len(captured)

    few = queries()
    ada = rich_network[0]
    for n in range(3):
        event = EventFactory(owner=owner, name=f"More {n}")
        PersonMetFactory(event=event, contact=ada)
        PurposeFactory(owner=owner, name=f"More {n}").contacts.add(ada)
        commitment = record_commitment(
            contact=ada, description=f"More {n}", due_on=datetime.date(2026, 6, 1), zone=BERLIN
        )
        ReminderFactory(contact=ada, kind=Reminder.Kind.PROMISE, commitment=commitment, state=Reminder.State.DONE)
        WeekPlanEntry.objects.create(owner=owner, contact=ada, week_starting=datetime.date(2026, 1, 5 + 7 * n))
        other = ContactFactory(owner=owner, first_name=f"More {n}", introduced_by=ada)
        Introduction.objects.create(owner=owner, introduced=ada, introduced_to=other)
        MetAt.objects.create(contact=other, event=event)
    assert queries() == few <= 22  # one query per list; introductions and where-met added one each


def test_a_restore_keeps_the_digest_weeks_the_account_already_has(owner, rich_network):
    raw = backup_json(owner=owner).encode()
    newcomer = new_account()
    DigestLog.objects.create(owner=newcomer, week_starting=datetime.date(2026, 11, 16), state=DigestLog.State.SKIPPED)
    restore_backup(owner=newcomer, raw=raw)
    logs = DigestLog.objects.filter(owner=newcomer).order_by("week_starting")
    assert [(log.week_starting, log.state) for log in logs] == [
        (datetime.date(2026, 11, 9), DigestLog.State.FAILED),
        (datetime.date(2026, 11, 16), DigestLog.State.SKIPPED),  # this account's own, not the backup's
    ]


def test_restore_through_the_page(client, owner, rich_network):
    raw = backup_json(owner=owner).encode()
    newcomer = UserFactory(username="newcomer")
    client.force_login(newcomer)
    response = client.post(reverse("transfer:restore"), {"file": SimpleUploadedFile("backup.json", raw)}, follow=True)
    assert Contact.objects.filter(owner=newcomer).count() == 3
    message = response.content.decode()
    assert "Restored 3 contacts, 3 interactions, 2 important dates" in message
    assert "events" in message and "reminders" in message


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x89PNG\x00\x00", "not JSON"),
        (b"[1, 2]", "not a netcrm backup"),
        (b'{"format": "netcrm-backup", "version": 99, "sections": {}}', "version 99"),
        (b'{"format": "netcrm-backup", "version": 1, "sections": {"mystery": {}}}', "mystery"),
        (
            b'{"format": "netcrm-backup", "version": 1, "sections": {"contacts": {"contacts": '
            b'[{"first_name": "A", "linkedin_url": "not a url", "tags": [], "emails": [], "phones": []}]}}}',
            "contacts[0]: linkedin_url: Enter a valid URL.",
        ),
        (
            b'{"format": "netcrm-backup", "version": 1, "sections": {"contacts": {"contacts": '
            b'[{"first_name": "A", "birthday": "yesterday"}]}}}',
            "contacts[0].birthday",
        ),
        (
            b'{"format": "netcrm-backup", "version": 1, "sections": {"contacts": {"interactions": '
            b'[{"contact": "contact-9", "summary": "x"}]}}}',
            "interactions[0]: its contact is not in the backup.",
        ),
        (
            b'{"format": "netcrm-backup", "version": 1, "sections": {"strategy": {"events": '
            b'[{"ref": "event-1", "venue": "venue-9", "name": "X", "held_on": "2026-01-01"}]}}}',
            "events[0]: its venue 'venue-9' is not in the backup.",
        ),
        (
            b'{"format": "netcrm-backup", "version": 1, "sections": {"strategy": {"events": [{"name": "X", '
            b'"held_on": "2026-01-01", "starts_at": "2026-01-01T00:00:00+00:00", '
            b'"follow_up_due_at": "2026-01-04T00:00:00+00:00", "goal_people": 0}]}}}',
            "events[0]: goal_people: Set a goal of at least 1 person",
        ),
        (
            b'{"format": "netcrm-backup", "version": 1, "sections": {"strategy": {"plan": '
            b'{"who_to_invite": "x", "maintain_channels": "not a list", "updated_at": "soon"}}}}',
            "plan.updated_at",
        ),
        (
            b'{"format": "netcrm-backup", "version": 1, "sections": {"followups": {"preferences": '
            b'{"time_zone": "Mars/Olympus"}}}}',
            "preferences: time_zone: “Mars/Olympus” is not a time zone",
        ),
        (
            b'{"format": "netcrm-backup", "version": 1, "sections": {"followups": {"reminders": '
            b'[{"contact": "contact-1", "kind": "cadence"}]}}}',
            "reminders[0]: its contact 'contact-1' is not in the backup.",
        ),
        (
            b'{"format": "netcrm-backup", "version": 1, "sections": {"followups": {"week_plan": ["Ada"]}}}',
            "week_plan[0] is not an object.",
        ),
    ],
)
def test_a_damaged_backup_is_refused_with_a_message_and_changes_nothing(raw, message):
    newcomer = UserFactory(username="newcomer")
    create_starter_classifications(owner=newcomer)
    with pytest.raises(RestoreError, match=re.escape(message)):
        restore_backup(owner=newcomer, raw=raw)
    assert Classification.objects.filter(owner=newcomer).count() == 6  # the starter set is untouched
    assert not Contact.objects.filter(owner=newcomer).exists()


@pytest.mark.parametrize(
    ("section", "key", "index", "damage", "message"),
    [
        ("strategy", "events", 1, {"venue": "venue-99"}, "events[1]: its venue 'venue-99' is not in the backup."),
        (
            "strategy",
            "people_met",
            2,
            {"event": "event-7"},
            "people_met[2]: its event 'event-7' is not in the backup.",
        ),
        ("strategy", "venues", 0, {"interaction_quality": 9}, "venues[0]: interaction_quality: Rate the interactions"),
        ("followups", "reminders", 4, {"state": "bogus"}, "reminders[4]: state: Value 'bogus' is not a valid choice."),
        (
            "followups",
            "reminders",
            2,
            {"resolved_by": "interaction-42"},
            "reminders[2]: its interaction (resolved_by) 'interaction-42' is not in the backup.",
        ),  # fmt: skip
        ("followups", "commitments", 0, {"due_on": "someday"}, "commitments[0].due_on"),
        ("followups", "digest_logs", 1, {"attempts": -1}, "digest_logs[1]: attempts:"),
    ],
)
def test_a_damaged_item_late_in_a_full_backup_is_named_and_nothing_is_written(
    owner, rich_network, section, key, index, damage, message
):
    document = json.loads(backup_json(owner=owner))
    document["sections"][section][key][index].update(damage)
    newcomer = new_account()
    before = snapshot(newcomer)
    with pytest.raises(RestoreError, match=re.escape(message)):
        restore_backup(owner=newcomer, raw=json.dumps(document).encode())
    assert snapshot(newcomer) == before  # all or nothing: not even the contacts of the section before
    assert before["Contact"] == [] and len(before["Plan"]) == 1 and len(before["FollowupPreferences"]) == 1


def test_restore_refuses_an_account_that_already_has_contacts(owner, rich_network):
    raw = backup_json(owner=owner).encode()
    with pytest.raises(RestoreError, match="already has some"):
        restore_backup(owner=owner, raw=raw)
    assert Contact.objects.filter(owner=owner).count() == 3


def test_a_bad_restore_upload_is_shown_on_the_page_not_a_500(owner_client):
    response = owner_client.post(reverse("transfer:restore"), {"file": SimpleUploadedFile("b.json", b"{nope")})
    assert response.status_code == 400
    assert "not JSON" in response.content.decode()
