"""The Django admin goes through the same model methods as everything else."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from journeys.models import Action, Journey, JourneyActivity, Status
from tests.test_lifecycle import CONTRACT, DELETED, REFUSED, snapshot

CHANGELIST = reverse("admin:journeys_journey_changelist")
ADMIN_ACTION = {
    Action.PUBLISH: "publish",
    Action.DUPLICATE: "duplicate",
    Action.CLOSE: "close_to_new_entries",
    Action.ABORT: "abort",
}


@pytest.fixture
def admin_client_for(client, admin_user):
    client.force_login(admin_user)
    return client


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("status", "action"),
    [(status, action) for status in CONTRACT for action in CONTRACT[status]],
)
def test_contract_cell_through_the_admin(admin_client_for, make_journey, status, action):
    journey = make_journey(status)
    expected = CONTRACT[status][action]
    before = snapshot(journey)

    if action == Action.DELETE:
        url = reverse("admin:journeys_journey_delete", args=[journey.pk])
        response = admin_client_for.post(url, {"post": "yes"})
        if expected == REFUSED:
            assert response.status_code == 403
            assert snapshot(journey) == before
        else:
            assert response.status_code == 302
            assert not Journey.objects.filter(pk=journey.pk).exists()
            assert JourneyActivity.objects.filter(verb="deleted", journey_name=journey.name)
        return

    response = admin_client_for.post(
        CHANGELIST, {"action": ADMIN_ACTION[action], "_selected_action": [journey.pk]}
    )
    assert response.status_code == 302
    shown = messages_of(response)
    if expected == REFUSED:
        assert shown == [
            f"{journey.name}: {Action(action).label} is not possible: the journey is "
            f"{Status(status).label}."
        ]
        assert snapshot(journey) == before
        return
    assert Journey.objects.get(pk=journey.pk).status == expected
    if action == Action.DUPLICATE:
        assert Journey.objects.filter(name=f"{journey.name}_copy", status=Status.DRAFT).exists()
    assert expected != DELETED


def test_bulk_delete_of_deletable_journeys(admin_client_for, make_journey):
    draft, aborted, live = (make_journey(s) for s in (Status.DRAFT, Status.ABORTED, Status.LIVE))
    response = admin_client_for.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [draft.pk, aborted.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(Journey.objects.values_list("pk", flat=True)) == [live.pk]


def test_bulk_delete_including_a_live_journey_deletes_nothing(admin_client_for, make_journey):
    draft, live = make_journey(Status.DRAFT), make_journey(Status.LIVE)
    selection = {"action": "delete_selected", "_selected_action": [draft.pk, live.pk]}
    confirmation = admin_client_for.post(CHANGELIST, selection)
    assert "Cannot delete journeys" in confirmation.content.decode()
    response = admin_client_for.post(CHANGELIST, {**selection, "post": "yes"})
    assert response.status_code == 403
    assert Journey.objects.count() == 2


def test_admin_cannot_edit_the_schedule_of_a_live_journey(admin_client_for, make_journey):
    journey = make_journey(Status.LIVE)
    url = reverse("admin:journeys_journey_change", args=[journey.pk])
    page = admin_client_for.get(url)
    form = page.context["adminform"].form
    assert set(form.fields) == {"name", "description", "end_at"}


def test_admin_rename_goes_through_edit_and_history(admin_client_for, make_journey, admin_user):
    journey = make_journey(Status.LIVE)
    url = reverse("admin:journeys_journey_change", args=[journey.pk])
    response = admin_client_for.post(
        url,
        {
            "name": "Renamed in admin",
            "description": journey.description,
            "end_at_0": journey.end_at.strftime("%Y-%m-%d"),
            "end_at_1": journey.end_at.strftime("%H:%M:%S"),
            **inline_management("paths", journey.paths.count()),
            **inline_management("nodes", journey.nodes.count()),
            **inline_management("activities", journey.activities.count()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    journey.refresh_from_db()
    assert journey.name == "Renamed in admin"
    assert journey.updated_by == admin_user
    assert journey.activities.first().details["changes"]["name"][1] == "Renamed in admin"


def test_admin_refuses_a_taken_name_inline(admin_client_for, make_journey):
    make_journey(Status.DRAFT, name="Taken")
    journey = make_journey(Status.ABORTED)
    url = reverse("admin:journeys_journey_change", args=[journey.pk])
    response = admin_client_for.post(
        url,
        {
            "name": "TAKEN",
            "description": "",
            **inline_management("paths", journey.paths.count()),
            **inline_management("nodes", journey.nodes.count()),
            **inline_management("activities", journey.activities.count()),
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Journey.objects.get(pk=journey.pk).name == journey.name


def test_admin_add_creates_a_journey_with_its_audience_node(admin_client_for):
    response = admin_client_for.post(
        reverse("admin:journeys_journey_add"), {"name": "From admin", "description": ""}
    )
    assert response.status_code == 302
    journey = Journey.objects.get(name="From admin")
    assert list(journey.nodes.values_list("kind", flat=True)) == ["audience"]


def test_changelist_searches_by_creator_full_name(admin_client_for, make_journey, publisher):
    make_journey(Status.DRAFT, name="Mine")
    response = admin_client_for.get(CHANGELIST, {"q": "Mia Marketer"})
    assert [j.name for j in response.context["cl"].result_list] == ["Mine"]


def test_changelist_query_count_does_not_grow_with_rows(
    admin_client_for, make_journey, django_assert_max_num_queries
):
    for _ in range(3):
        make_journey(Status.LIVE)
    with django_assert_max_num_queries(12) as few:
        admin_client_for.get(CHANGELIST)
    for _ in range(10):
        make_journey(Status.LIVE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client_for.get(CHANGELIST)


def test_a_marketer_sees_no_admin(client, marketer):
    client.force_login(marketer)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def inline_management(prefix, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(initial),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
