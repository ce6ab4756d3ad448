"""Lifecycle actions by POST: every cell of SPEC §2.1, refused or done as the model says."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from journeys.models import Action, Journey, Status
from tests.test_lifecycle import CONTRACT, DELETED, REFUSED, snapshot

URL_NAME = {
    Action.PUBLISH: "journeys:publish",
    Action.DUPLICATE: "journeys:duplicate",
    Action.CLOSE: "journeys:close",
    Action.ABORT: "journeys:abort",
    Action.DELETE: "journeys:delete",
}


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("status", "action"), [(s, a) for s in CONTRACT for a in CONTRACT[s]]
)
def test_crafted_post_in_every_status(client, admin_user, make_journey, status, action):
    journey = make_journey(status)
    expected = CONTRACT[status][action]
    before = snapshot(journey)
    client.force_login(admin_user)

    response = client.post(reverse(URL_NAME[action], args=[journey.pk]))

    if expected == REFUSED:
        assert response.status_code == 409
        body = response.content.decode()
        assert f"{Action(action).label} is not possible: the journey is {Status(status).label}." in body
        assert snapshot(journey) == before
    elif expected == DELETED:
        assert response.status_code == 302
        assert response["Location"] == reverse("journeys:list")
        assert not Journey.objects.filter(pk=journey.pk).exists()
        assert messages_of(response) == [f"“{journey.name}” was deleted."]
    elif action == Action.DUPLICATE:
        copy = Journey.objects.get(name=f"{journey.name}_copy")
        assert copy.status == Status.DRAFT
        assert response["Location"] == reverse("journeys:detail", args=[copy.pk])
        assert Journey.objects.get(pk=journey.pk).status == status
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("journeys:detail", args=[journey.pk])
        assert Journey.objects.get(pk=journey.pk).status == expected


@pytest.mark.parametrize("action", list(Action))
def test_actions_are_post_only(client, admin_user, make_journey, action):
    journey = make_journey(Status.DRAFT)
    client.force_login(admin_user)
    assert client.get(reverse(URL_NAME[action], args=[journey.pk])).status_code == 405


@pytest.mark.parametrize("action", list(Action))
def test_a_viewer_gets_403_for_every_action(client, viewer, make_journey, action):
    journey = make_journey(Status.DRAFT)
    before = snapshot(journey)
    client.force_login(viewer)
    assert client.post(reverse(URL_NAME[action], args=[journey.pk])).status_code == 403
    assert snapshot(journey) == before


def test_publish_with_blocker_errors_is_refused_with_the_errors(client, publisher, make_journey):
    journey = make_journey(Status.DRAFT, ready=False)
    client.force_login(publisher)
    response = client.post(reverse("journeys:publish", args=[journey.pk]))
    assert response.status_code == 409
    assert "Resolve errors before publishing" in response.content.decode()
    assert Journey.objects.get(pk=journey.pk).status == Status.DRAFT


def test_duplicate_with_a_name_type_and_description(client, marketer, make_journey):
    journey = make_journey(Status.LIVE, name="Source")
    client.force_login(marketer)
    response = client.post(
        reverse("journeys:duplicate", args=[journey.pk]),
        {"name": "Bare copy", "description": "Only the shape", "mode": "structure"},
    )
    copy = Journey.objects.get(name="Bare copy")
    assert response["Location"] == reverse("journeys:detail", args=[copy.pk])
    assert copy.description == "Only the shape"
    assert copy.end_at is None  # a copy without details keeps no schedule


def test_duplicate_to_a_taken_name_shows_the_form_again(client, marketer, make_journey):
    make_journey(Status.DRAFT, name="Taken")
    journey = make_journey(Status.DRAFT, name="Source")
    client.force_login(marketer)
    count = Journey.objects.count()
    response = client.post(reverse("journeys:duplicate", args=[journey.pk]), {"name": "TAKEN"})
    assert response.status_code == 400
    assert "A journey named “TAKEN” already exists." in response.content.decode()
    assert Journey.objects.count() == count


@pytest.mark.parametrize("mode", ["everything", "PARTIAL"])
def test_duplicate_with_an_unknown_type_is_a_400(client, marketer, make_journey, mode):
    journey = make_journey(Status.DRAFT)
    client.force_login(marketer)
    count = Journey.objects.count()
    response = client.post(reverse("journeys:duplicate", args=[journey.pk]), {"mode": mode})
    assert response.status_code == 400
    assert Journey.objects.count() == count


def test_action_on_a_missing_journey_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.post(reverse("journeys:abort", args=[424242])).status_code == 404
