"""Dependencies point one way: the api app reads contacts, strategy and followups; no other app
imports it (only the root urls, and settings by name)."""

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OTHER_PACKAGES = ("accounts", "contacts", "strategy", "followups", "transfer", "health", "netcrm")
ALLOWED = {"netcrm/urls.py"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_other_app_imports_the_api():
    offenders = {}
    for package in OTHER_PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            relative = str(path.relative_to(REPO))
            found = sorted(name for name in imported_modules(path) if name.split(".")[0] == "api")
            if found and relative not in ALLOWED:
                offenders[relative] = found
    assert not offenders
