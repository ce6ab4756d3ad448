"""The demo data command: one user per role with a random password; idempotent."""

import re
from io import StringIO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from journeys.models import Status

PASSWORD_LINE = re.compile(r"^\s+(\w+)\s+(\w+)\s+password: (\S+)$", re.MULTILINE)


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"journeys", "audiences", "auth"}
    }


def test_prints_a_working_random_password_per_role(db):
    credentials = PASSWORD_LINE.findall(seed())
    assert sorted(role for _, role, _ in credentials) == ["Admin", "Marketer", "Publisher", "Viewer"]
    User = get_user_model()
    for username, role, password in credentials:
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert user.groups.filter(name=role).exists()
    passwords = [password for _, _, password in credentials]
    assert len(set(passwords)) == len(passwords)
    assert all(len(password) >= 12 for password in passwords)


def test_running_twice_changes_nothing(db):
    seed()
    before = row_counts()
    hashes = dict(get_user_model().objects.values_list("username", "password"))
    output = seed()
    assert row_counts() == before
    assert dict(get_user_model().objects.values_list("username", "password")) == hashes
    assert "passwords are unchanged" in output
    assert PASSWORD_LINE.findall(output) == []


def test_demo_journeys_cover_every_status(db):
    seed()
    from journeys.models import Journey

    assert set(Journey.objects.values_list("status", flat=True)) == set(Status.values)


def test_reset_passwords_gives_new_ones(db):
    first = dict((u, p) for u, _, p in PASSWORD_LINE.findall(seed()))
    second = dict((u, p) for u, _, p in PASSWORD_LINE.findall(seed("--reset-passwords")))
    assert first.keys() == second.keys()
    assert all(first[user] != second[user] for user in first)
