"""Settings from the environment are read strictly: a value netcrm cannot read stops start-up with
ImproperlyConfigured naming the variable and the value, never a silent default."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from netcrm.envconfig import email_settings, env_bool, env_int
from netcrm.schedule import beat_schedule

from .conftest import REPO


class TestEnvBool:
    @pytest.mark.parametrize("raw", ["1", "true", "True", "YES", "on", " On "])
    def test_yes_words(self, monkeypatch, raw):
        monkeypatch.setenv("NETCRM_FLAG", raw)
        assert env_bool("NETCRM_FLAG", False) is True

    @pytest.mark.parametrize("raw", ["0", "false", "FALSE", "no", "Off"])
    def test_no_words(self, monkeypatch, raw):
        monkeypatch.setenv("NETCRM_FLAG", raw)
        assert env_bool("NETCRM_FLAG", True) is False

    @pytest.mark.parametrize("raw", [None, "", "  "])
    def test_unset_or_empty_is_the_default(self, monkeypatch, raw):
        if raw is None:
            monkeypatch.delenv("NETCRM_FLAG", raising=False)
        else:
            monkeypatch.setenv("NETCRM_FLAG", raw)
        assert env_bool("NETCRM_FLAG", True) is True
        assert env_bool("NETCRM_FLAG", False) is False

    @pytest.mark.parametrize("raw", ["maybe", "flase", "2", "y", "enabled", "-1"])
    def test_anything_else_names_the_variable_and_the_value(self, monkeypatch, raw):
        monkeypatch.setenv("NETCRM_FLAG", raw)
        with pytest.raises(ImproperlyConfigured, match=f"NETCRM_FLAG='{raw}' is not a yes/no value"):
            env_bool("NETCRM_FLAG", False)


class TestEnvInt:
    def test_a_whole_number(self, monkeypatch):
        monkeypatch.setenv("NETCRM_COUNT", " 42 ")
        assert env_int("NETCRM_COUNT", 7) == 42
        monkeypatch.setenv("NETCRM_COUNT", "")
        assert env_int("NETCRM_COUNT", 7) == 7

    @pytest.mark.parametrize("raw", ["15m", "1.5", "ten", "1_000", "²", "0x10", "1e3"])
    def test_anything_else_names_the_variable_and_the_value(self, monkeypatch, raw):
        monkeypatch.setenv("NETCRM_COUNT", raw)
        with pytest.raises(ImproperlyConfigured, match="NETCRM_COUNT=.* is not a whole number"):
            env_int("NETCRM_COUNT", 7)

    def test_no_setting_is_negative_unless_asked(self, monkeypatch):
        monkeypatch.setenv("NETCRM_COUNT", "-5")
        with pytest.raises(ImproperlyConfigured, match="NETCRM_COUNT='-5' must be 0 or more"):
            env_int("NETCRM_COUNT", 7)
        assert env_int("NETCRM_COUNT", 7, minimum=None) == -5


class TestBeatPeriods:
    @pytest.mark.parametrize("raw", ["15m", "fifteen", "-15"])
    def test_a_bad_period_names_the_variable(self, monkeypatch, raw):
        monkeypatch.setenv("REMINDER_SWEEP_EVERY_MINUTES", raw)
        with pytest.raises(ImproperlyConfigured, match=f"REMINDER_SWEEP_EVERY_MINUTES='{raw}'"):
            beat_schedule()


class TestEmailUrl:
    def test_an_unknown_scheme(self):
        with pytest.raises(ImproperlyConfigured, match="EMAIL_URL has an unknown scheme 'pigeon'"):
            email_settings("pigeon://coop")

    def test_a_bad_port_or_timeout(self):
        with pytest.raises(ImproperlyConfigured, match="EMAIL_URL has a bad port"):
            email_settings("smtp://mail.example.com:25x")
        with pytest.raises(ImproperlyConfigured, match="EMAIL_URL timeout='soon' is not a whole number"):
            email_settings("smtp://mail.example.com:25?timeout=soon")


def start_django(tmp_path, **variables):
    env = {**os.environ, "NETCRM_DATA_DIR": str(tmp_path), **variables}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO, env={**env, "DJANGO_SETTINGS_MODULE": "netcrm.settings"}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("SECURE_COOKIES", "ture"),
        ("DB_CONN_MAX_AGE", "1m"),
        ("DIGEST_SCHEDULER_EVERY_MINUTES", "5x"),
    ],
)
def test_starting_django_with_a_bad_value_stops_and_names_it(tmp_path, variable, value):
    result = start_django(tmp_path, **{"DEBUG": "0", "SECRET_KEY": "k" * 50, variable: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert f"{variable}='{value}'" in last_line


def test_starting_django_with_good_values_works(tmp_path):
    result = start_django(tmp_path, DEBUG="off", SECRET_KEY="k" * 50, REMINDER_SWEEP_EVERY_MINUTES="5")
    assert result.returncode == 0, result.stderr
