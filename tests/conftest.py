import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from journeys.models import Journey, Status
from journeys.roles import ADMIN, MARKETER, PUBLISHER, VIEWER, ensure_groups

pytest_plugins = ["tests.harness"]


@pytest.fixture
def make_user(db, django_user_model):
    """A user holding one role; `role=None` gives a user with no role at all."""
    ensure_groups()

    def make(username, role=None, **extra):
        user = django_user_model.objects.create_user(
            username=username, password="correct-horse-battery", **extra
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def viewer(make_user):
    return make_user("vic", VIEWER, first_name="Vic", last_name="Viewer")


@pytest.fixture
def marketer(make_user):
    return make_user("mia", MARKETER, first_name="Mia", last_name="Marketer")


@pytest.fixture
def publisher(make_user):
    return make_user("pat", PUBLISHER, first_name="Pat", last_name="Publisher")


@pytest.fixture
def admin_user(make_user):
    return make_user("ada", ADMIN, is_staff=True, first_name="Ada", last_name="Admin")


def choose_audience(journey):
    """Point the journey's Account audience node at a real account list, "Test accounts"."""
    from journeys.audiences.models import AccountList

    test_accounts, _ = AccountList.objects.get_or_create(name="Test accounts")
    audience = journey.nodes.get(kind="audience")
    audience.settings = {"source": "list", "source_id": test_accounts.pk}
    audience.save(update_fields=["settings"])


@pytest.fixture
def make_journey(marketer, publisher):
    """A journey brought into `status` through the lifecycle methods themselves."""
    counter = iter(range(1, 10_000))

    def make(status=Status.DRAFT, name=None, ready=True):
        journey = Journey.objects.create_journey(marketer, name or f"Journey {next(counter)}")
        if ready or status != Status.DRAFT:
            choose_audience(journey)
            journey.edit(marketer, end_at=timezone.now() + datetime.timedelta(days=30))
        if status in (Status.LIVE, Status.CLOSED, Status.ABORTED, Status.FINISHED):
            journey.publish(publisher)
        if status == Status.CLOSED:
            journey.close_to_new_entries(publisher)
        if status == Status.ABORTED:
            journey.abort(publisher)
        if status == Status.FINISHED:
            journey.finish()
        assert journey.status == status
        return journey

    return make


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher costs ~0.3 s a user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
