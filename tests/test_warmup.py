"""A web worker parses the app's templates when it starts (netcrm/warmup.py)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
import netcrm.wsgi  # what gunicorn imports when a worker starts
from django.template import engines
loader = engines["django"].engine.template_loaders[0]
cached = set(loader.get_template_cache)
rows = {name for _, name in engines["rows"].env.cache}  # Jinja2 keeps (loader, name) keys
print(len(cached), "contacts/contact_detail.html" in cached, "bootstrap5/field.html" in cached,
      "followups/includes/section_rows.jinja" in rows)
"""


def test_a_started_worker_has_its_pages_templates_parsed_before_its_first_request():
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    parsed, contact_page, crispy_field, board_rows = result.stdout.split()
    assert int(parsed) > 100 and contact_page == "True" and crispy_field == "True", result.stdout
    assert board_rows == "True", "the follow-ups rows (Jinja2) are compiled before the first request too"
