"""contacts knows nothing of the apps built on it (DESIGN.md): what followups adds to its list
comes through contacts.bulk_actions.register, and contacts works without it."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from contacts import bulk_actions

from .factories import ContactFactory

CONTACTS = Path(__file__).resolve().parents[1] / "contacts"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_contacts_module_imports_strategy_or_followups():
    offenders = {
        str(path.relative_to(CONTACTS.parent)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] in ("strategy", "followups")
        )
        for path in CONTACTS.rglob("*.py")
    }
    assert not {path: names for path, names in offenders.items() if names}


@pytest.mark.django_db
def test_without_the_followups_registration_the_week_plan_action_is_neither_offered_nor_run(
    owner_client, owner, monkeypatch
):
    contact = ContactFactory(owner=owner)
    monkeypatch.setattr(bulk_actions, "_registered", {})
    assert "add_to_week_plan" not in owner_client.get(reverse("contacts:list")).content.decode()
    response = owner_client.post(reverse("contacts:bulk"), {"action": "add_to_week_plan", "contact": [contact.pk]})
    assert response.status_code == 302
    assert contact.week_plan_entries.count() == 0


def test_an_app_cannot_replace_a_built_in_action():
    with pytest.raises(ValueError, match="built-in"):
        bulk_actions.register(bulk_actions.BulkAction("delete", "Delete quietly", lambda **kwargs: ""))
