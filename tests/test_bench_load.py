"""The load bench's parts that must keep matching the app (make bench-load runs the whole)."""

import re

import pytest
from django.test import Client

from bench.load.forms import read_form
from bench.load.people import generate
from bench.load.report import Figures, percentile, share_at_least
from contacts.models import Contact, Interaction


@pytest.fixture
def people(db):
    return generate(2, 12)


def log_in(client, person) -> bool:
    """Through the login form with its CSRF token, as the swarm does (the login backends want
    the request, so Client.login is not enough)."""
    page = client.get("/accounts/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    credentials = {"username": person.username, "password": person.password, "csrfmiddlewaretoken": token}
    return client.post("/accounts/login/", credentials).status_code == 302


@pytest.mark.django_db
class TestPeople:
    def test_each_person_logs_in_to_an_account_of_their_own_contacts(self, people):
        assert len({person.username for person in people}) == 2
        for person in people:
            client = Client()
            assert log_in(client, person)
            assert len(person.contact_ids) == 12
            owned = Contact.objects.filter(owner__username=person.username).values_list("pk", flat=True)
            assert set(person.contact_ids) == set(owned)

    def test_every_search_term_finds_one_of_their_contacts(self, people):
        person = people[0]
        client = Client()
        log_in(client, person)
        for term in person.search_terms:
            page = client.get("/contacts/", {"q": term}).context["page"]
            assert page.paginator.count >= 1, term


@pytest.mark.django_db
class TestLogInteractionForm:
    def test_the_contact_pages_form_as_read_posts_with_its_csrf_token(self, people):
        person = people[0]
        client = Client(enforce_csrf_checks=True)
        log_in(client, person)
        contact_url = f"/contacts/{person.contact_ids[0]}/"
        form = read_form(client.get(contact_url).content.decode(), "/log/")

        assert form is not None
        assert form.action == f"/followups/contacts/{person.contact_ids[0]}/log/"
        assert form.fields["csrfmiddlewaretoken"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", form.fields["occurred_at"])
        response = client.post(form.action, dict(form.fields, summary="Coffee [load load00 1]"))
        assert response.status_code == 302
        assert response.headers["Location"] == contact_url
        stored = Interaction.objects.filter(contact_id=person.contact_ids[0], summary__contains="[load load00 1]")
        assert stored.exists()

    def test_without_the_token_the_post_is_refused(self, people):
        person = people[0]
        client = Client(enforce_csrf_checks=True)
        log_in(client, person)
        form = read_form(client.get(f"/contacts/{person.contact_ids[0]}/").content.decode(), "/log/")
        fields = {name: value for name, value in form.fields.items() if name != "csrfmiddlewaretoken"}
        assert client.post(form.action, dict(fields, summary="No token")).status_code == 403


@pytest.mark.django_db
def test_the_baseline_page_needs_a_login_and_is_light(people, django_assert_max_num_queries):
    assert Client().get("/accounts/password_change/").status_code == 302
    client = Client()
    log_in(client, people[0])
    client.get("/accounts/password_change/")  # the time zone lands in the session
    with django_assert_max_num_queries(2):
        assert client.get("/accounts/password_change/").status_code == 200


def test_percentiles_and_saturation_share():
    assert percentile([10, 20, 30, 40], 0.5) == 25
    assert percentile(list(range(1, 101)), 0.95) == pytest.approx(95.05)
    # two requests overlap for 0.5 s of a 2 s span: with 2 workers, both busy a quarter of it
    assert share_at_least([(0, 1), (0.5, 2)], 2) == 0.25


def test_the_baseline_page_taken_during_the_mix_is_counted_apart_from_the_mix():
    samples = [["mix", "follow-ups", ms, True, "", 1.0] for ms in (40, 50, 60)]
    samples += [["mix_baseline", "baseline: password change page", 20, True, "", 1.0]]
    samples += [["baseline", "baseline: password change page", ms, True, "", 70.0] for ms in (5, 10)]
    result = {"samples": samples, "logged_interactions": []}
    figures = Figures.from_result(result, stored_markers=set(), workers=4)

    assert figures.times("mix") == [40, 50, 60]
    assert figures.mix_baseline_p95_ms == 20
    assert figures.mix_baseline_ratio == pytest.approx(figures.p95_ms / 20)
    assert figures.p95_ratio == pytest.approx(figures.p95_ms / figures.baseline_p95_ms)
    assert figures.requests == 6
    # in flight together during the mix: only with the baseline page are all four workers busy
    assert figures.saturated["mix"] == pytest.approx(0.02 / 0.06)
