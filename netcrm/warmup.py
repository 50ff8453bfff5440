"""A web worker parses the app's templates when it starts, not on its first requests.

Django's cached template loader parses a template the first time a process renders it. Each
gunicorn worker's first contact page took about 100 ms more than the next (its templates, their
includes and the crispy field templates its forms use), and a worker that had just started, or
been recycled, made everyone queued behind it wait: the load bench's first seconds were its
slowest (bench/load). Parsing them all at start-up costs the worker a fraction of a second once.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.template import engines

from netcrm.rows import ENGINE as ROWS

# Besides the project's own templates: the field templates crispy renders our forms with.
THIRD_PARTY_TEMPLATES = {"crispy_bootstrap5": "bootstrap5"}


def _template_names() -> list[str]:
    engine = engines["django"].engine
    found = []
    for directory in map(Path, engine.dirs):
        found += [path.relative_to(directory).as_posix() for path in directory.rglob("*.html")]
    for app_name, subdirectory in THIRD_PARTY_TEMPLATES.items():
        if apps.is_installed(app_name):
            directory = Path(apps.get_app_config(app_name).path) / "templates"
            found += [path.relative_to(directory).as_posix() for path in (directory / subdirectory).rglob("*.html")]
    return sorted(set(found))


def _row_template_names() -> list[str]:
    """The Jinja2 rows (netcrm/jinja2.py): Jinja2 compiles each to Python the first time."""
    return sorted(
        path.relative_to(directory).as_posix()
        for directory in map(Path, engines[ROWS].env.loader.searchpath)
        for path in directory.rglob("*.jinja")
    )


def warm_templates() -> int:
    """Parse every template named above into the cached loader, and compile the Jinja2 rows;
    the number of templates made ready."""
    engine = engines["django"].engine
    names = _template_names()
    for name in names:
        engine.get_template(name)
    rows = _row_template_names()
    for name in rows:
        engines[ROWS].get_template(name)
    return len(names) + len(rows)
