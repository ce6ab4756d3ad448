"""Conflicting lifecycle actions racing on PostgreSQL end with exactly one winner.

SQLite serialises writers and ignores row locks, so these run on a real PostgreSQL
server (bin/test starts a throwaway one). Each side runs in its own thread, with its
own connection and its own stale copy of the journey, released together by a barrier.
"""

import threading

import pytest
from django.db import connection

from journeys.errors import TransitionNotAllowed
from journeys.models import Journey, JourneyActivity, Status

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 15

# (starting status, first action, second action) -> {winner: resulting status}
RACES = {
    (Status.LIVE, "close_to_new_entries", "abort"): {
        "close_to_new_entries": Status.CLOSED, "abort": Status.ABORTED,
    },
    (Status.LIVE, "abort", "abort"): {"abort": Status.ABORTED},
    (Status.LIVE, "close_to_new_entries", "close_to_new_entries"): {
        "close_to_new_entries": Status.CLOSED,
    },
    (Status.CLOSED, "abort", "abort"): {"abort": Status.ABORTED},
    (Status.DRAFT, "publish", "publish"): {"publish": Status.LIVE},
    (Status.DRAFT, "publish", "delete_journey"): {
        "publish": Status.LIVE, "delete_journey": None,
    },
    (Status.ABORTED, "delete_journey", "delete_journey"): {"delete_journey": None},
}


def race(journey_pk, user, actions):
    """Run each action from its own thread at the same moment; return (wins, refusals)."""
    barrier = threading.Barrier(len(actions))
    wins, refusals, crashes = [], [], []

    def contender(action):
        try:
            stale = Journey.objects.get(pk=journey_pk)
            barrier.wait(timeout=10)
            getattr(stale, action)(user)
            wins.append(action)
        except TransitionNotAllowed as refusal:
            refusals.append(refusal.message)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            crashes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=contender, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a contender hung"
    assert crashes == []
    return wins, refusals


@pytest.mark.parametrize(("start", "first", "second"), list(RACES))
def test_racing_actions_have_exactly_one_winner(make_journey, admin_user, start, first, second):
    outcomes = RACES[(start, first, second)]
    seen_winners = set()
    for _ in range(ROUNDS):
        journey = make_journey(start)
        history_before = JourneyActivity.objects.filter(journey=journey).count()

        wins, refusals = race(journey.pk, admin_user, [first, second])

        assert len(wins) == 1, (wins, refusals)
        assert len(refusals) == 1
        winner = wins[0]
        seen_winners.add(winner)
        stored = Journey.objects.filter(pk=journey.pk).first()
        expected = outcomes[winner]
        if expected is None:
            assert stored is None
            assert JourneyActivity.objects.filter(
                journey_name=journey.name, verb=JourneyActivity.Verb.DELETED
            ).count() == 1
        else:
            assert stored.status == expected
            # Exactly one entry for the one transition that happened.
            assert JourneyActivity.objects.filter(journey=journey).count() == history_before + 1
            assert (stored.published_at is not None) == (stored.status != Status.DRAFT)
    assert seen_winners <= set(outcomes)
