"""The status/actions contract of SPEC §2.1, through the model methods."""

import datetime

import pytest
from django.utils import timezone

from journeys.errors import (
    ActionForbidden,
    GuardrailViolation,
    PublishBlocked,
    StaleEdit,
    TransitionNotAllowed,
)
from journeys.models import Action, Journey, JourneyActivity, Node, Path, StartMode, Status
from journeys.nodes import DuplicationMode
from tests.conftest import choose_audience

DELETED = "deleted"
REFUSED = "refused"

# SPEC §2.1 written out by hand (not read from the code under test): what each action
# does from each status. A duplicate leaves the source as it was.
CONTRACT = {
    Status.DRAFT: {
        Action.PUBLISH: Status.LIVE,
        Action.DUPLICATE: Status.DRAFT,
        Action.CLOSE: REFUSED,
        Action.ABORT: REFUSED,
        Action.DELETE: DELETED,
    },
    Status.LIVE: {
        Action.PUBLISH: REFUSED,
        Action.DUPLICATE: Status.LIVE,
        Action.CLOSE: Status.CLOSED,
        Action.ABORT: Status.ABORTED,
        Action.DELETE: REFUSED,
    },
    Status.CLOSED: {
        Action.PUBLISH: REFUSED,
        Action.DUPLICATE: Status.CLOSED,
        Action.CLOSE: REFUSED,
        Action.ABORT: Status.ABORTED,
        Action.DELETE: REFUSED,
    },
    Status.ABORTED: {
        Action.PUBLISH: REFUSED,
        Action.DUPLICATE: Status.ABORTED,
        Action.CLOSE: REFUSED,
        Action.ABORT: REFUSED,
        Action.DELETE: DELETED,
    },
    Status.FINISHED: {
        Action.PUBLISH: REFUSED,
        Action.DUPLICATE: Status.FINISHED,
        Action.CLOSE: REFUSED,
        Action.ABORT: REFUSED,
        Action.DELETE: DELETED,
    },
}

CELLS = [(status, action) for status in CONTRACT for action in CONTRACT[status]]


def perform(journey, action, user):
    method = {
        Action.PUBLISH: journey.publish,
        Action.DUPLICATE: journey.duplicate,
        Action.CLOSE: journey.close_to_new_entries,
        Action.ABORT: journey.abort,
        Action.DELETE: journey.delete_journey,
    }[action]
    return method(user)


def snapshot(journey):
    row = Journey.objects.filter(pk=journey.pk).values().first()
    return row, JourneyActivity.objects.filter(journey=journey).count(), Journey.objects.count()


@pytest.mark.parametrize(("status", "action"), CELLS)
def test_contract_cell(make_journey, admin_user, status, action):
    journey = make_journey(status)
    expected = CONTRACT[status][action]
    before = snapshot(journey)

    if expected == REFUSED:
        with pytest.raises(TransitionNotAllowed) as refusal:
            perform(journey, action, admin_user)
        assert Action(action).label in refusal.value.message
        assert Status(status).label in refusal.value.message
        assert snapshot(journey) == before
        return

    result = perform(journey, action, admin_user)
    if expected == DELETED:
        assert not Journey.objects.filter(pk=journey.pk).exists()
        deleted = JourneyActivity.objects.get(verb=JourneyActivity.Verb.DELETED)
        assert (deleted.journey, deleted.journey_name, deleted.actor) == (
            None, journey.name, admin_user,
        )
        return
    stored = Journey.objects.get(pk=journey.pk)
    assert stored.status == expected
    if action == Action.DUPLICATE:
        assert result.status == Status.DRAFT and result.pk != journey.pk
        assert snapshot(journey)[0] == before[0]
    else:
        assert stored.updated_by == admin_user
        assert stored.version == before[0]["version"] + 1
        assert stored.activities.first().actor == admin_user


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.DRAFT, ["publish", "duplicate", "delete"]),
        (Status.LIVE, ["duplicate", "close", "abort"]),
        (Status.CLOSED, ["duplicate", "abort"]),
        (Status.ABORTED, ["duplicate", "delete"]),
        (Status.FINISHED, ["duplicate", "delete"]),
    ],
)
def test_available_actions_follow_the_contract(make_journey, status, expected):
    assert make_journey(status).available_actions() == expected


@pytest.mark.parametrize(
    ("role_fixture", "expected"),
    [
        ("viewer", []),
        ("marketer", ["duplicate"]),
        ("publisher", ["publish", "duplicate"]),
        ("admin_user", ["publish", "duplicate", "delete"]),
    ],
)
def test_available_actions_are_narrowed_to_the_users_rights(
    request, make_journey, role_fixture, expected
):
    user = request.getfixturevalue(role_fixture)
    assert make_journey(Status.DRAFT).available_actions(user) == expected


@pytest.mark.parametrize("status", [Status.LIVE, Status.CLOSED])
def test_system_finishes_a_running_journey(make_journey, status):
    journey = make_journey(status)
    journey.finish()
    assert journey.status == Status.FINISHED
    finished = journey.activities.first()
    assert (finished.verb, finished.actor) == (JourneyActivity.Verb.FINISHED, None)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.ABORTED, Status.FINISHED])
def test_only_a_running_journey_can_finish(make_journey, status):
    journey = make_journey(status)
    with pytest.raises(TransitionNotAllowed):
        journey.finish()
    assert Journey.objects.get(pk=journey.pk).status == status


def test_publish_records_who_and_when(make_journey, publisher):
    journey = make_journey(Status.DRAFT)
    journey.publish(publisher)
    assert journey.published_by == publisher
    assert journey.published_at is not None
    assert journey.updated_at == journey.published_at
    # An immediate start begins at the moment of publishing.
    assert journey.start_at == journey.published_at
    assert journey.activities.first().verb == JourneyActivity.Verb.PUBLISHED


def test_a_stale_instance_cannot_repeat_a_transition(make_journey, publisher):
    journey = make_journey(Status.LIVE)
    stale = Journey.objects.get(pk=journey.pk)
    journey.abort(publisher)
    with pytest.raises(TransitionNotAllowed, match="now Aborted"):
        stale.close_to_new_entries(publisher)
    assert Journey.objects.get(pk=journey.pk).status == Status.ABORTED


def test_acting_on_a_deleted_journey_is_refused(make_journey, admin_user):
    journey = make_journey(Status.DRAFT)
    stale = Journey.objects.get(pk=journey.pk)
    journey.delete_journey(admin_user)
    with pytest.raises(TransitionNotAllowed, match="no longer exists"):
        stale.publish(admin_user)


@pytest.mark.parametrize(
    ("role_fixture", "action"),
    [
        ("viewer", Action.DUPLICATE),
        ("viewer", Action.PUBLISH),
        ("marketer", Action.PUBLISH),
        ("marketer", Action.DELETE),
        ("publisher", Action.DELETE),
    ],
)
def test_roles_without_the_right_are_refused(request, make_journey, role_fixture, action):
    journey = make_journey(Status.DRAFT)
    user = request.getfixturevalue(role_fixture)
    before = snapshot(journey)
    with pytest.raises(ActionForbidden):
        perform(journey, action, user)
    assert snapshot(journey) == before


@pytest.mark.parametrize(
    ("role_fixture", "action"),
    [("marketer", Action.CLOSE), ("marketer", Action.ABORT), ("viewer", Action.ABORT)],
)
def test_only_publishers_close_or_abort(request, make_journey, role_fixture, action):
    journey = make_journey(Status.LIVE)
    with pytest.raises(ActionForbidden):
        perform(journey, action, request.getfixturevalue(role_fixture))
    assert Journey.objects.get(pk=journey.pk).status == Status.LIVE


# -- blocker errors --------------------------------------------------------------------


def in_days(days):
    return timezone.now() + datetime.timedelta(days=days)


def test_new_journey_has_only_the_audience_node(marketer):
    journey = Journey.objects.create_journey(marketer, "Fresh", "A description")
    assert journey.status == Status.DRAFT
    assert list(journey.nodes.values_list("kind", flat=True)) == ["audience"]
    assert journey.paths.get().split is None
    assert journey.activities.get().verb == JourneyActivity.Verb.CREATED
    assert (journey.created_by, journey.updated_by) == (marketer, marketer)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no_audience", "Account audience: choose an account list or an audience."),
        ("no_end", "Set an end date for the journey."),
        ("end_before_start", "The end date must be after the start."),
        ("end_too_late", "The end date can be at most 3 years after the start."),
        ("start_in_past", "The start date is in the past."),
    ],
)
def test_publish_is_blocked_by_each_journey_level_error(marketer, publisher, setup, message):
    journey = Journey.objects.create_journey(marketer, "Blocked")
    if setup != "no_audience":
        choose_audience(journey)
    schedule = {
        "no_audience": {"end_at": in_days(10)},
        "no_end": {},
        "end_before_start": {
            "start_mode": StartMode.SCHEDULED, "start_at": in_days(5), "end_at": in_days(4),
        },
        "end_too_late": {"end_at": in_days(3 * 366 + 1)},
        "start_in_past": {
            "start_mode": StartMode.SCHEDULED, "start_at": in_days(-1), "end_at": in_days(9),
        },
    }[setup]
    if schedule:
        journey.edit(marketer, **schedule)
    assert [error.message for error in journey.blocker_errors()] == [message]
    with pytest.raises(PublishBlocked, match=message):
        journey.publish(publisher)
    journey.refresh_from_db()
    assert (journey.status, journey.published_at) == (Status.DRAFT, None)


def test_blocker_error_names_the_audience_node(marketer):
    journey = Journey.objects.create_journey(marketer, "Named")
    audience = journey.nodes.get()
    assert journey.blocker_errors()[0].node_id == audience.pk


def test_end_exactly_three_years_after_start_is_accepted(marketer, publisher):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    journey = Journey.objects.create_journey(marketer, "Three years")
    choose_audience(journey)
    journey.edit(
        marketer,
        start_mode=StartMode.SCHEDULED,
        start_at=start,
        end_at=start.replace(year=start.year + 3),
    )
    assert journey.blocker_errors() == []
    journey.edit(marketer, end_at=start.replace(year=start.year + 3) + datetime.timedelta(days=1))
    assert [e.message for e in journey.blocker_errors()] == [
        "The end date can be at most 3 years after the start."
    ]


def test_three_years_from_a_leap_day_ends_on_the_28th():
    from journeys.models import add_years

    leap = datetime.datetime(2028, 2, 29, 9, 0, tzinfo=datetime.UTC)
    assert add_years(leap, 3) == datetime.datetime(2031, 2, 28, 9, 0, tzinfo=datetime.UTC)


# -- duplicate -------------------------------------------------------------------------


def build_map(journey):
    """A small map: audience, wait, split with a conditioned path and Other, an email."""
    main = journey.paths.get()
    Node.objects.create(
        journey=journey, path=main, position=1, kind="wait",
        settings={"duration": 2, "unit": "hours"},
    )
    split = Node.objects.create(journey=journey, path=main, position=2, kind="split",
                                settings={"on": "accounts"})
    first = Path.objects.create(
        journey=journey, split=split, order=0, label="Big",
        conditions={"match": "all", "rows": [{"attribute": "employees", "operator": "gt",
                                             "value": 500}]},
    )
    Path.objects.create(journey=journey, split=split, order=1, label="Other accounts",
                        is_other=True)
    Node.objects.create(
        journey=journey, path=first, position=0, kind="action",
        settings={"action": "send_email", "content": {"subject": "Hi", "body": "Hello"}},
    )


def map_shape(journey):
    return sorted(
        (node.kind, node.path.label, node.path.order, node.position)
        for node in journey.nodes.select_related("path")
    )


def test_partial_duplication_copies_settings_but_not_content(make_journey, marketer):
    source = make_journey(Status.LIVE)
    build_map(source)
    copy = source.duplicate(marketer)
    assert copy.name == f"{source.name}_copy"
    assert copy.status == Status.DRAFT and copy.published_at is None
    assert map_shape(copy) == map_shape(source)
    wait = copy.nodes.get(kind="wait")
    assert wait.settings == {"duration": 2, "unit": "hours"}
    email = copy.nodes.get(kind="action")
    assert email.settings == {"action": "send_email"}
    branch = copy.paths.get(label="Big")
    assert branch.conditions["rows"][0]["value"] == 500
    assert branch.split.journey == copy
    assert copy.end_at == source.end_at
    assert copy.activities.get().details["duplicated_from"] == source.pk
    assert source.activities.first().verb == JourneyActivity.Verb.DUPLICATED


def test_duplicate_without_details_keeps_only_structure(make_journey, marketer):
    source = make_journey(Status.DRAFT)
    build_map(source)
    copy = source.duplicate(marketer, name="Bare", mode=DuplicationMode.STRUCTURE)
    assert map_shape(copy) == map_shape(source)
    assert copy.nodes.get(kind="wait").settings == {"duration": 5, "unit": "days"}
    assert copy.nodes.get(kind="audience").settings == {}
    assert copy.nodes.get(kind="action").settings == {}
    assert all(path.conditions == {} for path in copy.paths.all())
    assert copy.end_at is None


def test_copy_names_are_made_unique(make_journey, marketer):
    source = make_journey(Status.DRAFT, name="Launch")
    assert source.duplicate(marketer).name == "Launch_copy"
    assert source.duplicate(marketer).name == "Launch_copy_2"
    Journey.objects.create_journey(marketer, "LAUNCH_COPY_3")
    assert source.duplicate(marketer).name == "Launch_copy_4"


def test_duplicate_refuses_a_taken_name_in_any_case(make_journey, marketer):
    source = make_journey(Status.DRAFT, name="Spring")
    before = Journey.objects.count()
    with pytest.raises(GuardrailViolation, match="already exists"):
        source.duplicate(marketer, name="sPRING")
    assert Journey.objects.count() == before


# -- names and edits -------------------------------------------------------------------


def test_names_are_unique_ignoring_case(marketer):
    Journey.objects.create_journey(marketer, "Nurture")
    with pytest.raises(GuardrailViolation, match="already exists"):
        Journey.objects.create_journey(marketer, "  NURTURE ")
    assert Journey.objects.count() == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_bad_names_are_refused(marketer, name):
    with pytest.raises(GuardrailViolation):
        Journey.objects.create_journey(marketer, name)


@pytest.mark.parametrize("status", list(Status))
def test_rename_and_description_work_in_every_status(make_journey, marketer, status):
    journey = make_journey(status)
    journey.edit(marketer, name="Renamed", description="New words")
    stored = Journey.objects.get(pk=journey.pk)
    assert (stored.name, stored.description, stored.updated_by) == (
        "Renamed", "New words", marketer,
    )
    changes = stored.activities.first().details["changes"]
    assert changes["name"][1] == "Renamed"


@pytest.mark.parametrize("status", [Status.LIVE, Status.CLOSED, Status.ABORTED, Status.FINISHED])
def test_schedule_and_reentry_are_frozen_after_publishing(make_journey, marketer, status):
    journey = make_journey(status)
    before = snapshot(journey)
    with pytest.raises(GuardrailViolation, match="cannot change"):
        journey.edit(marketer, start_at=in_days(3), start_mode=StartMode.SCHEDULED)
    with pytest.raises(GuardrailViolation, match="cannot change"):
        journey.edit(marketer, reentry_enabled=True)
    assert snapshot(journey) == before


@pytest.mark.parametrize("status", [Status.LIVE, Status.CLOSED])
def test_end_date_can_move_while_running_within_bounds(make_journey, marketer, status):
    journey = make_journey(status)
    journey.edit(marketer, end_at=in_days(60))
    with pytest.raises(GuardrailViolation, match="past"):
        journey.edit(marketer, end_at=in_days(-1))
    with pytest.raises(GuardrailViolation, match="3 years"):
        journey.edit(marketer, end_at=in_days(3 * 366 + 2))
    with pytest.raises(GuardrailViolation, match="needs an end date"):
        journey.edit(marketer, end_at=None)
    assert Journey.objects.get(pk=journey.pk).end_at == journey.end_at


def test_saving_over_a_newer_version_is_refused(make_journey, marketer, publisher):
    journey = make_journey(Status.DRAFT)
    seen_version = journey.version
    Journey.objects.get(pk=journey.pk).edit(publisher, description="Theirs")
    with pytest.raises(StaleEdit, match="changed by pat at"):
        journey.edit(marketer, version=seen_version, description="Mine")
    assert Journey.objects.get(pk=journey.pk).description == "Theirs"


def test_viewer_cannot_edit(make_journey, viewer):
    journey = make_journey(Status.DRAFT)
    with pytest.raises(ActionForbidden):
        journey.edit(viewer, name="Nope")


def test_the_database_refuses_a_published_draft(make_journey):
    from django.db import IntegrityError, transaction

    journey = make_journey(Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Journey.objects.filter(pk=journey.pk).update(published_at=timezone.now())


def test_the_database_refuses_a_second_audience_node(make_journey):
    from django.db import IntegrityError, transaction

    journey = make_journey(Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Node.objects.create(journey=journey, path=journey.paths.get(), position=5,
                            kind="audience")
