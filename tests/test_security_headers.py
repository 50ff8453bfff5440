"""Every answer carries the Content-Security-Policy; the admin and the digest preview get only the
allowances they need; /robots.txt and /favicon.ico are served to anyone."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy")
    assert policy, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.parametrize("url", ["/", "/contacts/", "/followups/", "/plan/", "/settings/", "/no-such-page/"])
def test_pages_allow_only_the_apps_own_scripts_and_styles(owner_client, url):
    policy = directives(owner_client.get(url))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "script-src-attr" not in policy and "style-src-attr" not in policy


def test_the_login_page_a_visitor_sees_has_the_policy_too(client):
    assert directives(client.get(reverse("login")))["script-src"] == ["'self'"]


def test_the_admin_allows_just_its_export_pages_inline_attributes_by_hash(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.com", "x"))
    policy = directives(client.get("/admin/contacts/contact/export/"))
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["script-src-attr"][0] == "'unsafe-hashes'"
    assert len(policy["script-src-attr"]) == 2 and len(policy["style-src-attr"]) == 3
    assert all(value.startswith("'sha256-") for value in policy["script-src-attr"][1:] + policy["style-src-attr"][1:])


def test_the_digest_preview_may_style_itself_inline_and_runs_no_script(owner_client):
    response = owner_client.get(reverse("followups:digest_preview"))
    assert response.status_code == 200
    policy = directives(response)
    assert policy["style-src"] == ["'unsafe-inline'"]
    assert policy["script-src"] == ["'none'"]


def test_robots_txt_tells_every_crawler_to_keep_out_without_a_login():
    response = Client().get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = b"".join(response.streaming_content).decode()
    assert "User-agent: *" in body and "Disallow: /\n" in body


def test_the_favicon_is_served_without_a_login_and_linked_from_every_page(owner_client):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = owner_client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
