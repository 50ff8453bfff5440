"""The main pages, rendered for a user with a real network, pass the Nu HTML Checker (vnu, the
pinned npm package vnu-jar) with zero errors; so do the fragments htmx swaps into them."""

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from contacts.models import ImportJob
from followups.models import Reminder

from .browser.test_accessibility import build_network
from .factories import UserFactory
from .import_helpers import fixture_bytes, upload

VNU_JAR = Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# An htmx response is a fragment; it is checked inside the smallest valid document.
FRAGMENT_SHELL = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fragment</title></head><body>{}</body></html>'
)


def run_vnu(files: list[Path]) -> list[dict]:
    """One run of the checker over every file (the JVM start is the slow part); its messages."""
    java = shutil.which("java")
    assert java, "java is missing (Debian package default-jre-headless); the HTML checker needs it"
    assert VNU_JAR.exists(), f"{VNU_JAR} is missing; run npm install (./scripts/test.sh does)"
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.stdout, f"vnu printed nothing (exit {result.returncode}): {result.stderr}"
    return json.loads(result.stdout)["messages"]


def errors_by_page(messages: list[dict], pages: dict[str, str]) -> list[str]:
    problems = []
    for message in messages:
        if message["type"] not in ("error", "non-document-error"):
            continue
        name = Path(message.get("url", "?")).name.removesuffix(".html")
        where = f"{name} ({pages.get(name, '?')}) line {message.get('lastLine', '?')}"
        problems.append(f"{where}: {message['message']} — {message.get('extract', '').strip()!r}")
    return problems


def render_pages(client: Client, urls: dict[str, str]) -> dict[str, str]:
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, f"{name}: {url} answered {response.status_code}"
        pages[name] = response.content.decode()
    return pages


def htmx_fragments(client: Client, objects: dict, user) -> dict[str, str]:
    """The partials the in-place actions swap in: a log form, a snoozed row (with the follow-ups
    page's out-of-band counts), the follow-ups page's "show more" rows, a skipped dashboard row
    (with its out-of-band counts) and an import's progress bar."""
    htmx = {"HTTP_HX_REQUEST": "true"}
    on_board = {**htmx, "HTTP_HX_CURRENT_URL": "http://testserver" + reverse("followups:board")}
    contact = objects["contact"]
    reminder = Reminder.objects.filter(owner=user, state="open").select_related("contact").first()
    fragments = {
        "log-form": client.get(reverse("followups:log_interaction", args=[reminder.contact_id]), **htmx),
        "snoozed-row": client.post(reverse("followups:snooze", args=[reminder.pk]), {"days": "1"}, **on_board),
        "board-show-more": client.get(reverse("followups:board") + "?section=snoozed", **on_board),
        "skipped-outreach": client.post(reverse("followups:outreach_skip", args=[contact.pk]), **htmx),
    }
    job = ImportJob.objects.create(
        owner=user, original_name="big.csv", status=ImportJob.Status.APPLYING, rows_total=400, rows_done=120
    )
    fragments["import-progress"] = client.get(reverse("transfer:import_progress", args=[job.pk]), **htmx)
    for name, response in fragments.items():
        assert response.status_code == 200, f"{name} answered {response.status_code}"
        assert b"<html" not in response.content, f"{name} is a full page, not the fragment htmx expects"
    documents = {name: response.content.decode() for name, response in fragments.items()}
    # The next rows go into the section's list; what is swapped out of band goes where it belongs.
    rows, oob, rest = documents["board-show-more"].partition('<div class="mt-2 no-print" id="snoozed-more"')
    documents["board-show-more"] = f"<ul>{rows}</ul>{oob}{rest}"
    return {name: FRAGMENT_SHELL.format(html) for name, html in documents.items()}


def main_pages() -> tuple[dict[str, str], dict[str, str]]:
    """Every main page as its user sees it, with a network a few months old, plus the htmx
    fragments and the pages a visitor sees; returns (name -> HTML, name -> URL)."""
    user = UserFactory(username="networker")
    UserFactory(username="someone-else")
    objects = build_network(user)
    client = Client()
    client.force_login(user)
    _response, previewed = upload(client, fixture_bytes("google_contacts.csv"), "google.csv")
    _response, unmapped = upload(client, b"Who,Where\nAda Lovelace,London\n", "people.csv")
    assert previewed.status == ImportJob.Status.PREVIEWED and unmapped.status == ImportJob.Status.NEEDS_MAPPING
    urls = {
        "dashboard": "/",
        "contacts": reverse("contacts:list"),
        "contacts-filtered": reverse("contacts:list") + "?q=ada",
        "contacts-sorted": reverse("contacts:list") + "?status=overdue&sort=-last_contact",
        "contact": objects["contact"].get_absolute_url(),
        "contact-new": reverse("contacts:create"),
        "contact-edit": reverse("contacts:edit", args=[objects["contact"].pk]),
        "introduce": reverse("followups:introduce", args=[objects["contact"].pk]) + "?q=a",
        "introduced-by": reverse("contacts:introduced_by", args=[objects["contact"].pk]) + "?q=a",
        "classifications": reverse("contacts:classification_list"),
        "followups": reverse("followups:board"),
        "followups-unclassified": reverse("followups:board") + "?classification=none",
        "week-plan": reverse("followups:plan_week"),
        "plan": reverse("strategy:plan"),
        "plan-edit": reverse("strategy:plan_edit"),
        "purposes": reverse("strategy:purposes"),
        "venues": reverse("strategy:venue_list"),
        "venue": objects["venue"].get_absolute_url(),
        "events": reverse("strategy:event_list"),
        "event": reverse("strategy:event_detail", args=[objects["event"].pk]),
        "ledger": reverse("strategy:ledger"),
        "settings": reverse("followups:preferences"),
        "import-start": reverse("transfer:import_start"),
        "import-columns": reverse("transfer:import_mapping", args=[unmapped.pk]),
        "import-preview": reverse("transfer:import_detail", args=[previewed.pk]),
        "export": reverse("transfer:export"),
        "password-change": reverse("password_change"),
    }
    pages = render_pages(client, urls)
    with_errors = client.post(reverse("contacts:create"), {"first_name": ""})
    assert b"invalid-feedback" in with_errors.content
    pages["contact-form-errors"] = with_errors.content.decode()
    urls["contact-form-errors"] = reverse("contacts:create") + " (POST)"
    confirm = client.post(reverse("contacts:bulk"), {"action": "delete", "select_all": "on", "q": "a"})
    assert b"Delete " in confirm.content and confirm.status_code == 200
    pages["contacts-bulk-delete"] = confirm.content.decode()
    urls["contacts-bulk-delete"] = reverse("contacts:bulk") + " (POST)"
    created = client.post(reverse("api_tokens:create"), {"name": "phone", "scope": "read"})
    assert created.status_code == 200 and b"only time it is shown" in created.content
    pages["api-token-created"] = created.content.decode()
    urls["api-token-created"] = reverse("api_tokens:create") + " (POST)"
    pages.update(htmx_fragments(client, objects, user))
    anonymous = {"login": reverse("login"), "signup": reverse("signup"), "password-reset": reverse("password_reset")}
    pages.update(render_pages(Client(), anonymous))
    urls.update(anonymous)
    return pages, urls


@pytest.mark.django_db
def test_the_main_pages_and_htmx_fragments_pass_the_nu_html_checker(tmp_path):
    pages, urls = main_pages()
    files = []
    for name, html in pages.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(html, encoding="utf-8")
    problems = errors_by_page(run_vnu(files), urls)
    assert not problems, f"the Nu HTML Checker found {len(problems)} errors:\n" + "\n".join(problems)


class InlineCode(HTMLParser):
    """Collects what the Content-Security-Policy would refuse: inline scripts, <style> elements,
    style attributes, on* handlers and hx-* attributes (htmx's data-hx-* form is the valid one)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name in names:
            if name == "style" or name.startswith(("on", "hx-")):
                self.found.append(f"{name}= on <{tag}> at line {self.getpos()[0]}")


@pytest.mark.django_db
def test_no_page_carries_inline_script_style_or_bare_htmx_attributes():
    pages, urls = main_pages()
    found = []
    for name, html in pages.items():
        parser = InlineCode()
        parser.feed(html)
        found += [f"{name} ({urls[name]}): {what}" for what in parser.found]
    assert not found, "\n".join(found)
    assert all("data-hx-" in pages[name] for name in ("dashboard", "followups", "log-form", "import-progress"))


def test_the_checker_reports_an_error_with_its_page_and_line(tmp_path):
    """The check above can fail: a broken page is reported by name and line."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!doctype html><html lang="en"><head><title>x</title></head>\n<body><div hx-get="/">x</p></body></html>'
    )
    problems = errors_by_page(run_vnu([broken]), {"broken": "/broken/"})
    assert problems and all(problem.startswith("broken (/broken/) line 2:") for problem in problems)
    assert any("hx-get" in problem for problem in problems)
