"""Production settings pass Django's deployment checklist; settings come from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from netcrm.envconfig import email_settings

REPO = Path(__file__).resolve().parents[1]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "k3y-" + "x9Q!z" * 12,
        "ALLOWED_HOSTS": "crm.example.com",
        "NETCRM_DATA_DIR": str(tmp_path),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only, never in production
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def manage_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "secret_key",
    ["", "dev-only-insecure-key-change-me-" + "x" * 32, "dev-only-insecure-key-change-me-but-i-did-not"],
    ids=["unset", "the development key", "the development key, edited"],
)
def test_production_refuses_to_start_on_a_missing_or_development_secret_key(tmp_path, secret_key):
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": secret_key, "NETCRM_DATA_DIR": str(tmp_path)}
    result = manage_check(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def dockerfile_environment() -> dict[str, str]:
    """The ENV lines of the Dockerfile's final stage, as the image's processes see them."""
    final_stage = (REPO / "Dockerfile").read_text().rsplit("\nFROM ", 1)[1]
    instructions = final_stage.replace("\\\n", " ").splitlines()
    pairs = [line.split(None, 1)[1] for line in instructions if line.startswith("ENV ")]
    return dict(item.split("=", 1) for line in pairs for item in line.split())


def test_the_docker_image_runs_with_debug_off_and_so_refuses_the_development_key(tmp_path):
    image_env = dockerfile_environment()
    assert image_env["DEBUG"] == "0"
    # `docker run netcrm` with a database but no SECRET_KEY: it stops instead of signing with a public key.
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY")}
    env.update(image_env, NETCRM_DATA_DIR=str(tmp_path), STATIC_ROOT=str(tmp_path / "static"))
    result = manage_check(env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "SECRET_KEY must be set" not in manage_check({**env, "SECRET_KEY": "k3y-" + "x9Q!z" * 12}).stderr


def test_development_runs_on_the_development_key_without_setting_anything(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY")}
    result = manage_check({**env, "NETCRM_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr


def test_email_url_is_parsed_into_smtp_settings():
    config = email_settings("smtp://mailer:s%40cret@mail.example.com:2525?tls=1")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("mail.example.com", 2525)
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("mailer", "s@cret")
    assert config["EMAIL_USE_TLS"] is True
    assert email_settings("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")
