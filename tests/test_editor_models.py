"""The model methods the editor added: versioned actions, the schedule, the publish review."""

import datetime

import pytest
from django.utils import timezone

from journeys.errors import ActionForbidden, GuardrailViolation, PublishBlocked, StaleEdit
from journeys.models import Action, Journey, JourneyActivity, StartMode, Status, add_years
from tests.test_lifecycle import snapshot


def minute(days):
    return (timezone.now() + datetime.timedelta(days=days)).replace(second=0, microsecond=0)


def test_act_refuses_a_stale_version_and_changes_nothing(make_journey, publisher, marketer):
    journey = make_journey(Status.LIVE)
    seen = journey.version
    journey.edit(marketer, description="meanwhile")
    before = snapshot(journey)
    with pytest.raises(StaleEdit, match="changed by mia at .* — reload to see it"):
        journey.act(publisher, Action.ABORT, version=seen)
    assert snapshot(journey) == before


def test_act_checks_the_role_before_the_version(make_journey, viewer):
    journey = make_journey(Status.LIVE)
    with pytest.raises(ActionForbidden):
        journey.act(viewer, Action.ABORT, version=journey.version - 1)


def test_act_without_a_version_runs_the_action(make_journey, publisher):
    journey = make_journey(Status.LIVE)
    journey.act(publisher, Action.CLOSE)
    assert Journey.objects.get(pk=journey.pk).status == Status.CLOSED


def test_schedule_problems_judge_like_publishing(make_journey):
    journey = make_journey(Status.DRAFT)
    start = minute(10)
    assert journey.schedule_problems(StartMode.SCHEDULED, start, add_years(start, 3)) == []
    too_late = add_years(start, 3) + datetime.timedelta(days=1)
    [problem] = journey.schedule_problems(StartMode.SCHEDULED, start, too_late)
    assert problem.message == "The end date can be at most 3 years after the start."
    [problem] = journey.schedule_problems(StartMode.SCHEDULED, None, too_late)
    assert problem.message == "Choose the date the journey starts on."
    # Judging a proposal leaves the journey itself alone.
    assert Journey.objects.get(pk=journey.pk).start_mode == journey.start_mode == "immediately"


def test_change_schedule_to_immediately_forgets_the_start_date(make_journey, marketer):
    journey = make_journey(Status.DRAFT)
    journey.change_schedule(marketer, start_mode=StartMode.SCHEDULED, start_at=minute(3),
                            end_at=minute(9))
    journey.change_schedule(marketer, start_mode=StartMode.IMMEDIATELY, start_at=minute(4),
                            end_at=minute(9))
    assert (journey.start_mode, journey.start_at) == (StartMode.IMMEDIATELY, None)


def test_change_schedule_of_a_running_journey_refuses_the_start(make_journey, publisher):
    journey = make_journey(Status.LIVE)
    with pytest.raises(GuardrailViolation, match="cannot change while the journey is Live"):
        journey.change_schedule(publisher, start_mode=StartMode.SCHEDULED, start_at=minute(3),
                                end_at=minute(9))


def test_publish_with_schedule_is_all_or_nothing(make_journey, publisher):
    journey = make_journey(Status.DRAFT, ready=False)
    before = snapshot(journey)
    with pytest.raises(PublishBlocked):
        journey.publish_with_schedule(publisher, version=journey.version,
                                      start_mode=StartMode.IMMEDIATELY, end_at=minute(9))
    assert snapshot(journey) == before
    assert journey.end_at is None  # the instance was put back too


def test_publish_with_schedule_needs_the_publish_right(make_journey, marketer):
    journey = make_journey(Status.DRAFT)
    before = snapshot(journey)
    with pytest.raises(ActionForbidden):
        journey.publish_with_schedule(marketer, start_mode=StartMode.IMMEDIATELY,
                                      end_at=minute(9))
    assert snapshot(journey) == before


def test_history_lines(make_journey, marketer):
    journey = make_journey(Status.DRAFT, name="A")
    journey.edit(marketer, name="B", reentry_delay_unit="hours", reentry_limit=3)
    edited = journey.activities.first()
    assert edited.verb == JourneyActivity.Verb.EDITED
    assert edited.what_changed() == [
        ("Name", "A", "B"),
        ("Re-entry delay unit", "Days", "Hours"),
        ("Entry limit per account", "1", "3"),
    ]
    copy = journey.duplicate(marketer)
    assert copy.activities.get().what_changed() == [("Copy of", None, "B")]
