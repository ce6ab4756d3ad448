"""Settings read from the environment and refuse bad values loudly."""

import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from journeys_site.env import env_bool, env_int, env_list, env_str


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("TRUE", True), ("off", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", not expected) is expected


@pytest.mark.parametrize(
    ("reader", "raw"),
    [(env_bool, "maybe"), (env_int, "ten"), (env_list, "a,,b")],
)
def test_bad_values_fail_loudly(monkeypatch, reader, raw):
    monkeypatch.setenv("VALUE", raw)
    with pytest.raises(ImproperlyConfigured, match="VALUE"):
        reader("VALUE", None)


def test_a_required_variable_must_be_set(monkeypatch):
    monkeypatch.delenv("MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="Set the MISSING"):
        env_str("MISSING")


def run_check(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_secret_key_refuses_to_start():
    result = run_check({"DEBUG": "false"})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_a_bad_debug_value_refuses_to_start():
    result = run_check({"DEBUG": "sometimes"})
    assert result.returncode != 0
    assert "DEBUG='sometimes' is not a boolean" in result.stderr


def test_deploy_checks_pass_with_production_settings():
    result = run_check(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "journeys.example.com",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("url", ["nonsense://somewhere/db", "postgres://u@h:notaport/db"])
def test_a_bad_database_url_refuses_to_start(url):
    result = run_check({"DEBUG": "true", "DATABASE_URL": url})
    assert result.returncode != 0
    assert "DATABASE_URL is not a usable database URL" in result.stderr


def test_database_url_selects_postgresql():
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; "
         "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['PORT'])"],
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true",
             "DJANGO_SETTINGS_MODULE": "journeys_site.settings",
             "DATABASE_URL": "postgres://journeys@db.internal:5433/journeys"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "5433"], result.stderr
