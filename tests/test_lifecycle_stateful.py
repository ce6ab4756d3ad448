"""Random sequences of lifecycle actions never leave the contract (Hypothesis)."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from journeys.errors import PublishBlocked, TransitionNotAllowed
from journeys.models import Action, Journey, JourneyActivity, Status
from tests.conftest import choose_audience
from tests.test_lifecycle import CONTRACT, DELETED, REFUSED, perform

FINISH = "finish"


class LifecycleMachine(RuleBasedStateMachine):
    """Drives journeys through random actions and compares them with a plain model.

    The model tracks, per journey, the expected status and how many history entries it
    must have; the invariants compare that with the database after every step.
    """

    user = None  # set by the test, outside the per-example transaction

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.expected = {}  # pk -> status
        self.history = {}  # pk -> number of activities
        self.ready = {}  # pk -> has no blocker errors
        self.counter = 0

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def _new(self, ready, copy_of=None):
        self.counter += 1
        journey = Journey.objects.create_journey(self.user, f"Machine {self.counter}")
        if ready:
            choose_audience(journey)
            journey.edit(self.user, end_at=timezone.now() + datetime.timedelta(days=20))
        self.expected[journey.pk] = Status.DRAFT
        self.history[journey.pk] = 2 if ready else 1  # created (+ edited)
        self.ready[journey.pk] = ready

    @rule(ready=st.booleans())
    def create(self, ready):
        self._new(ready)

    @rule(data=st.data(), action=st.sampled_from([*Action, FINISH]))
    def act(self, data, action):
        alive = sorted(pk for pk, status in self.expected.items() if status != DELETED)
        if not alive:
            return
        pk = data.draw(st.sampled_from(alive))
        journey = Journey.objects.get(pk=pk)
        status = self.expected[pk]
        if action == FINISH:
            outcome = Status.FINISHED if status in (Status.LIVE, Status.CLOSED) else REFUSED
        else:
            outcome = CONTRACT[status][action]
        if outcome != REFUSED and action == Action.PUBLISH and not self.ready[pk]:
            with pytest.raises(PublishBlocked):
                journey.publish(self.user)
            return
        if outcome == REFUSED:
            with pytest.raises(TransitionNotAllowed):
                journey.finish() if action == FINISH else perform(journey, action, self.user)
            return
        if action == FINISH:
            journey.finish()
        else:
            copy = perform(journey, action, self.user)
        self.history[pk] += 1
        if action == Action.DUPLICATE:
            self.expected[copy.pk] = Status.DRAFT
            self.history[copy.pk] = 1
            self.ready[copy.pk] = self.ready[pk]
        else:
            self.expected[pk] = outcome

    @invariant()
    def statuses_match_the_model(self):
        stored = dict(Journey.objects.values_list("pk", "status"))
        assert stored == {pk: s for pk, s in self.expected.items() if s != DELETED}

    @invariant()
    def published_fields_are_set_exactly_when_published(self):
        for journey in Journey.objects.all():
            published = journey.status != Status.DRAFT
            assert (journey.published_at is not None) is published
            assert (journey.published_by_id is not None) is published

    @invariant()
    def history_is_complete(self):
        for pk, count in self.history.items():
            # A deleted journey's entries stay, detached from it.
            expected = 0 if self.expected[pk] == DELETED else count
            assert JourneyActivity.objects.filter(journey_id=pk).count() == expected
        deleted = sum(1 for status in self.expected.values() if status == DELETED)
        assert JourneyActivity.objects.filter(verb="deleted").count() == deleted


def test_random_action_sequences_keep_the_contract(admin_user):
    LifecycleMachine.user = admin_user
    run_state_machine_as_test(
        LifecycleMachine,
        settings=settings(max_examples=150, stateful_step_count=30, deadline=None),
    )
