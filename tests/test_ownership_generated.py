"""Ownership, checked on every route the URL resolver knows, not on a list kept by hand.

Every route that takes an object id (an int converter, or a ``pk``/``*_pk``/``*_id`` kwarg) is
found by walking ``get_resolver().url_patterns``. For each, the ids are filled from a fixture in
which the owner has one object of every kind, chosen so that the owner's own request finds the
object (proof that the URL points at something real); then a stranger's GET and POST must be
404 and change no row. A new route is covered the day it is added; one whose ids no fixture
object satisfies fails with its name. The admin is walked the same way for a staff user who is
not a superuser. Only the token-gated routes are exempt, and their tokens are tested here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.utils import timezone

from api.tokens import create_token
from contacts.models import ContactEmail, ImportJob
from followups import services as followup_services
from followups.digest.links import unsubscribe_token
from followups.models import DigestLog, FollowupPreferences, WeekPlanEntry
from netcrm.dates import week_starting
from transfer.models import RestoreJob

from .factories import InteractionFactory, TagFactory, UserFactory
from .followup_factories import CommitmentFactory, ReminderFactory
from .strategy_factories import EventFactory, PersonMetFactory, PlanFactory, PurposeFactory, VenueFactory

ID_KWARG = re.compile(r"(^|_)(pk|id)$")
# Routes whose only key is a secret in the URL; each has its own token test below.
TOKEN_GATED = {"followups:calendar_feed", "followups:digest_unsubscribe", "verify_email", "password_reset_confirm"}
# Values for the other kwargs of routes with ids.
SAMPLE_VALUES = {"direction": "up"}
# What a hijacking form would post: every field name the app's forms use that could change a row.
HIJACK = {
    "first_name": "Mallory", "last_name": "Mallory", "name": "Mine now", "summary": "hijack", "description": "hijack",
    "kind": "call", "occurred_at": "2026-06-01T10:00", "days": "7", "due_on": "2030-01-01", "held_on": "2026-06-01",
    "goal_people": "1", "move_to": "", "confirm": "1", "existing": "", "purposes": "", "column_0": "first_name",
}  # fmt: skip
APPS_WITH_ROWS = {"auth", "accounts", "contacts", "strategy", "followups", "transfer", "api"}
# Registered in the admin without an owner: the site's accounts and django-axes' login records.
# Only superusers should hold their permissions; the staff below gets none of them.
ADMIN_WITHOUT_OWNER = {"auth.user", "auth.group", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog",
                       "axes.accessattemptexpiration"}  # fmt: skip
MIN_ROUTES_WITH_IDS = 30


@dataclasses.dataclass(frozen=True)
class Route:
    name: str
    template: str  # the route as written, for messages
    pattern: URLPattern
    id_kwargs: tuple[str, ...]
    other_kwargs: tuple[str, ...]


def walk(patterns=None, prefix="", namespace="", converters=None):
    """Every URLPattern under the root resolver, with its full route and all its converters."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        found = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        regex_groups = dict.fromkeys(entry.pattern.regex.groupindex, None)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner, {**regex_groups, **found})
        else:
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield namespace, name, prefix + str(entry.pattern), entry, {**regex_groups, **found}


def app_routes() -> list[Route]:
    routes = []
    for namespace, name, template, pattern, converters in walk():
        if namespace.startswith("admin:") or not converters:  # the admin: its own test below
            continue
        assert name, f"the route {template} has no name, so it cannot be checked: name it"
        ids = tuple(k for k, c in converters.items() if isinstance(c, IntConverter) or ID_KWARG.search(k))
        others = tuple(k for k in converters if k not in ids)
        routes.append(Route(name, template, pattern, ids, others))
    return routes


def is_token_gated(route: Route) -> bool:
    return any("token" in kwarg or kwarg == "uidb64" for kwarg in route.other_kwargs)


def rows_snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row, per model of the apps that keep people's data."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.app_label in APPS_WITH_ROWS:
            rows = [
                tuple(bytes(value) if isinstance(value, memoryview) else value for value in row)
                for row in model.objects.order_by("pk").values_list()
            ]
            snapshot[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return snapshot


@pytest.fixture
def owned(owner, contact):
    """One object of every kind the routes take, all the owner's."""
    tag = TagFactory(owner=owner, name="investor-acme")
    contact.tags.add(tag)
    ContactEmail.objects.create(contact=contact, address="ada@example.com")
    event = EventFactory(owner=owner, venue=VenueFactory(owner=owner))
    PersonMetFactory(event=event, contact=contact)
    today = timezone.localdate()
    objects = [
        contact,
        contact.classification,
        tag,
        InteractionFactory(contact=contact),
        ReminderFactory(contact=contact),
        CommitmentFactory(contact=contact),
        WeekPlanEntry.objects.create(
            owner=owner, contact=contact, week_starting=week_starting(timezone.now(), timezone.get_current_timezone())
        ),
        PurposeFactory(owner=owner),
        event,
        event.venue,
        PlanFactory(owner=owner),
        ImportJob.objects.create(
            owner=owner,
            original_name="people.csv",
            file_format="csv",
            source_bytes=b"First Name\nAda\n",
            headers=["First Name"],
            column_mapping=["first_name"],
            status=ImportJob.Status.NEEDS_MAPPING,
        ),  # fmt: skip
        DigestLog.objects.create(owner=owner, week_starting=today, state=DigestLog.State.SENT),
        followup_services.preferences_for(owner),
        RestoreJob.objects.create(
            owner=owner, original_name="backup.json", source_bytes=b"{}", status=RestoreJob.Status.NOT_QUEUED
        ),
        create_token(owner=owner, name="script", scope="read")[0],
    ]
    return objects


def candidates(route: Route, kwarg: str, objects):
    """The fixture's objects for one id kwarg: the model the kwarg names (``contact_pk``) first."""
    named = kwarg.removesuffix("_pk").removesuffix("_id")
    first = [o for o in objects if o._meta.model_name == named]
    return first + [o for o in objects if o not in first]


def owner_status(client, url: str) -> tuple[int, int | None]:
    """The owner's GET status, and (for a POST-only view) the POST status in a rolled-back savepoint."""
    status = client.get(url).status_code
    if status != 405:
        return status, None
    with transaction.atomic():
        posted = client.post(url, HIJACK).status_code
        transaction.set_rollback(True)
    return status, posted


def url_for(route: Route, values: dict) -> str:
    from django.urls import reverse

    return reverse(route.name, kwargs=values)


def resolve_ids(route: Route, objects, client) -> tuple[str, int]:
    """A URL of ``route`` that reaches one of the owner's objects, and the owner's GET status."""
    others = {}
    for kwarg in route.other_kwargs:
        if kwarg not in SAMPLE_VALUES:
            pytest.fail(f"route {route.name} ({route.template}) has a kwarg {kwarg!r}: add a sample value")
        others[kwarg] = SAMPLE_VALUES[kwarg]
    for chosen in itertools.product(*(candidates(route, k, objects) for k in route.id_kwargs)):
        url = url_for(route, {**others, **{k: o.pk for k, o in zip(route.id_kwargs, chosen, strict=True)}})
        get_status, post_status = owner_status(client, url)
        if 404 not in (get_status, post_status):
            return url, get_status
    pytest.fail(
        f"route {route.name} ({route.template}) takes an id, but no object in the `owned` fixture makes it answer "
        "its owner: add one of that kind to the fixture"
    )


@pytest.mark.django_db
def test_a_stranger_gets_404_on_every_route_with_an_id_and_changes_no_row(client, owner, stranger, owned):
    routes = [route for route in app_routes() if route.id_kwargs and not is_token_gated(route)]
    assert len(routes) >= MIN_ROUTES_WITH_IDS, [route.name for route in routes]
    client.force_login(owner)
    urls = [(route, *resolve_ids(route, owned, client)) for route in routes]
    client.force_login(stranger)
    client.get("/")  # the stranger's own first-visit rows (preferences) exist before the snapshot
    before = rows_snapshot()
    for route, url, owner_get_status in urls:
        got = client.get(url).status_code
        expected_get = {405} if owner_get_status == 405 else {404}
        assert got in expected_get, f"{route.name}: a stranger's GET {url} answered {got}"
        posted = client.post(url, HIJACK)
        # A route that takes no POST at all (an API object's own URL) says so to everyone, before
        # looking anything up: that 405 tells nothing about the object.
        takes_no_post = posted.status_code == 405 and "POST" not in posted.get("Allow", "POST")
        assert posted.status_code == 404 or takes_no_post, f"{route.name}: a stranger's POST {url} answered {posted}"
        assert rows_snapshot() == before, f"{route.name}: a stranger's request changed rows"


def test_only_the_known_token_gated_routes_are_exempt():
    gated = {route.name for route in app_routes() if is_token_gated(route)}
    assert gated == TOKEN_GATED, "a route keyed by a token needs a token test here, and a place in TOKEN_GATED"


@pytest.mark.django_db
class TestTokens:
    def test_the_calendar_feed_answers_only_its_current_token(self, client, owner, stranger, owned):
        preferences = followup_services.regenerate_calendar_token(user=owner)
        made_up = "A" * 43
        assert client.get(f"/calendar/{made_up}.ics").status_code == 404
        feed = client.get(f"/calendar/{preferences.calendar_token}.ics")
        assert feed.status_code == 200 and b"Ada Lovelace" in feed.content
        followup_services.regenerate_calendar_token(user=owner)
        assert client.get(f"/calendar/{preferences.calendar_token}.ics").status_code == 404  # replaced

    def test_the_unsubscribe_link_works_only_as_signed_and_only_for_its_user(self, client, owner, stranger):
        from django.core import signing

        followup_services.preferences_for(owner), followup_services.preferences_for(stranger)
        forged = signing.dumps(stranger.pk, salt="not-the-unsubscribe-salt")
        assert client.post(f"/digest/unsubscribe/{forged}/").status_code == 400
        token = unsubscribe_token(owner.pk)
        assert client.post(f"/digest/unsubscribe/{token[:-2]}xx/").status_code == 400
        assert client.post(f"/digest/unsubscribe/{token}/").status_code == 200
        enabled = dict(FollowupPreferences.objects.values_list("owner__username", "digest_enabled"))
        assert enabled == {"owner": False, "stranger": True}

    def test_a_password_reset_link_with_a_wrong_token_is_refused(self, client, owner):
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        uid = urlsafe_base64_encode(force_bytes(owner.pk))
        page = client.get(f"/accounts/reset/{uid}/not-the-token/", follow=True)
        assert "This reset link is invalid" in page.content.decode()


# --- the admin ---------------------------------------------------------------------------------


@pytest.fixture
def staff(db):
    """A staff user who is not a superuser, with every permission on the owned models."""
    user = UserFactory(username="staffer", is_staff=True)
    owned_models = [m for m in admin.site._registry if m._meta.label_lower not in ADMIN_WITHOUT_OWNER]
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in={m._meta.app_label for m in owned_models})
    )
    return user


@pytest.mark.django_db
def test_a_staff_user_cannot_reach_other_users_rows_in_the_admin(client, staff, owned):
    from django.urls import reverse

    by_model = {type(obj): obj for obj in owned}
    client.force_login(staff)
    client.get(reverse("admin:index"))  # the staff user's own first-visit rows exist before the snapshot
    before = rows_snapshot()
    checked, models_checked = 0, 0
    for model in admin.site._registry:
        label = model._meta.label_lower
        if label in ADMIN_WITHOUT_OWNER:
            continue
        assert any(f.name == "owner" for f in model._meta.fields), f"{label} is in the admin without an owner"
        obj = by_model.get(model)
        assert obj is not None, f"the `owned` fixture has no {label}: add one, so its admin pages are checked"
        info = model._meta.app_label, model._meta.model_name
        models_checked += 1
        listing = client.get(reverse(f"admin:{info[0]}_{info[1]}_changelist"))
        assert listing.status_code == 200 and str(obj) not in _main_part(listing), f"{label}: listed to staff"
        for view in ("change", "delete", "history"):
            url = reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[obj.pk])
            for method in (client.get, client.post):
                response = method(url, HIJACK)
                assert response.status_code in (302, 404), f"{label} {view}: {response.status_code}"
                if response.status_code == 302:
                    assert response["Location"] == reverse("admin:index"), f"{label} {view}: {response['Location']}"
                assert str(obj) not in _main_part(response), f"{label} {view} shows the row"
                checked += 1
        after = rows_snapshot()
        changed = {model for model in before if before[model] != after[model]}
        assert not changed, f"{label}: a staff request changed rows of {changed}"
    assert models_checked >= 8 and checked == 6 * models_checked  # every owned model registered today


def _main_part(response) -> str:
    """The page without its messages (a "does not exist" message names only the id)."""
    return response.content.decode() if response.status_code == 200 else ""
