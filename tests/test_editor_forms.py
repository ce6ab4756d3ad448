"""The editor's forms by POST: rename, schedule, re-entry, the publish review, stale pages."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from journeys.models import Journey, JourneyActivity, Node, StartMode, Status, add_years
from tests.test_lifecycle import CONTRACT, REFUSED, snapshot

HTMX = {"HX-Request": "true", "HX-Target": "journey-header"}

# The header partial, with the <title> htmx takes as the document's (commit 55e2300).
HEADER_PARTIAL = re.compile(r'\s*<title>[^<]*</title>\s*<header id="journey-header"')


def url(name, journey):
    return reverse(name, args=[journey.pk])


def local(moment):
    """A moment as a datetime-local input sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def minute(days):
    """`days` from now, to the minute, as the forms keep it."""
    return (timezone.now() + datetime.timedelta(days=days)).replace(second=0, microsecond=0)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# -- rename in place ---------------------------------------------------------------------


def test_rename_form_comes_in_place(client, marketer, make_journey, django_assert_num_queries):
    journey = make_journey(Status.LIVE, name="Old name")
    client.force_login(marketer)
    # session, user, user permissions, group permissions, the journey with its users,
    # the copy names for the Duplicate dialog.
    with django_assert_num_queries(6):
        response = client.get(url("journeys:rename", journey), headers=HTMX)
    body = response.content.decode()
    assert HEADER_PARTIAL.match(body)
    assert 'value="Old name"' in body and "autofocus" in body
    assert 'data-hx-post="/journeys/' in body and "data-cancel" in body


def test_rename_by_htmx_answers_with_the_header(
    client, marketer, make_journey, django_assert_num_queries
):
    journey = make_journey(Status.LIVE, name="Old name")
    client.force_login(marketer)
    # session, user, user permissions, group permissions, the journey with its users,
    # the name check, savepoint, UPDATE of the journey, INSERT of the history entry,
    # release savepoint, the journey reloaded, the copy names for the Duplicate dialog.
    with django_assert_num_queries(12):
        response = client.post(
            url("journeys:rename", journey),
            {"name": "  New name ", "description": "Now described", "version": journey.version},
            headers=HTMX,
        )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "journey-changed"
    body = response.content.decode()
    assert "<h1>New name</h1>" in body and "Now described" in body
    journey.refresh_from_db()
    assert (journey.name, journey.description, journey.updated_by) == (
        "New name", "Now described", marketer,
    )
    activity = journey.activities.first()
    assert activity.verb == JourneyActivity.Verb.EDITED
    assert activity.details["changes"]["name"] == ["Old name", "New name"]


def test_rename_without_javascript_redirects_with_a_message(client, marketer, make_journey):
    journey = make_journey(Status.DRAFT, name="Old name")
    client.force_login(marketer)
    response = client.post(
        url("journeys:rename", journey), {"name": "New name", "version": journey.version}
    )
    assert response["Location"] == url("journeys:detail", journey)
    assert messages_of(response) == ["Saved “New name”."]


@pytest.mark.parametrize(
    ("name", "status_code", "message"),
    [
        ("", 400, "This field is required."),
        ("x" * 201, 400, "Ensure this value has at most 200 characters"),
        ("TAKEN", 400, "A journey named “TAKEN” already exists."),
    ],
)
def test_bad_names_are_refused_inline(client, marketer, make_journey, name, status_code, message):
    make_journey(Status.DRAFT, name="Taken")
    journey = make_journey(Status.DRAFT, name="Mine")
    before = snapshot(journey)
    client.force_login(marketer)
    response = client.post(
        url("journeys:rename", journey), {"name": name, "version": journey.version}, headers=HTMX
    )
    assert response.status_code == status_code
    body = response.content.decode()
    assert HEADER_PARTIAL.match(body)
    assert 'id="rename-form"' in body and message in body
    assert snapshot(journey) == before


# -- stale edits -------------------------------------------------------------------------


def test_rename_over_a_newer_version_is_refused(client, marketer, publisher, make_journey):
    journey = make_journey(Status.DRAFT, name="Mine")
    seen = journey.version
    journey.edit(publisher, description="Changed elsewhere")
    before = snapshot(journey)
    client.force_login(marketer)
    response = client.post(
        url("journeys:rename", journey), {"name": "Overwrite", "version": seen}, headers=HTMX
    )
    assert response.status_code == 409
    when = timezone.localtime(Journey.objects.get(pk=journey.pk).updated_at)
    assert (
        f"This journey was changed by pat at {when:%Y-%m-%d %H:%M} — reload to see it."
        in response.content.decode()
    )
    assert snapshot(journey) == before


@pytest.mark.parametrize(
    ("status", "name", "data"),
    [
        (Status.DRAFT, "journeys:settings", {"start_mode": "immediately", "end_at": 20}),
        (Status.LIVE, "journeys:settings", {"end_at": 20}),
        (Status.DRAFT, "journeys:reentry", {
            "reentry_enabled": "on", "reentry_timing": "from_end", "reentry_delay": 2,
            "reentry_delay_unit": "days", "reentry_limit": 3,
        }),
        (Status.DRAFT, "journeys:publish", {"start_mode": "immediately", "end_at": 20}),
        (Status.DRAFT, "journeys:publish", {}),
        (Status.DRAFT, "journeys:duplicate", {"name": "A copy", "mode": "partial"}),
        (Status.DRAFT, "journeys:delete", {}),
        (Status.LIVE, "journeys:close", {}),
        (Status.LIVE, "journeys:abort", {}),
    ],
)
def test_every_form_refuses_a_stale_version(
    client, admin_user, marketer, make_journey, status, name, data
):
    journey = make_journey(status)
    seen = journey.version
    journey.edit(marketer, description="Changed elsewhere")
    before = snapshot(journey)
    client.force_login(admin_user)
    if "end_at" in data:
        data = {**data, "end_at": local(minute(data["end_at"]))}
    response = client.post(url(name, journey), {**data, "version": seen})
    assert response.status_code == 409
    assert "This journey was changed by mia at" in response.content.decode()
    assert "reload to see it" in response.content.decode()
    assert snapshot(journey) == before


@pytest.mark.parametrize("version", ["abc", "0", "-3"])
def test_a_malformed_version_is_a_400(client, admin_user, make_journey, version):
    journey = make_journey(Status.LIVE)
    before = snapshot(journey)
    client.force_login(admin_user)
    response = client.post(url("journeys:abort", journey), {"version": version})
    assert response.status_code == 400
    assert snapshot(journey) == before


# -- journey settings (schedule) --------------------------------------------------------


def test_draft_schedule_exactly_three_years_is_accepted(client, marketer, make_journey):
    journey = make_journey(Status.DRAFT)
    start = minute(10)
    client.force_login(marketer)
    response = client.post(url("journeys:settings", journey), {
        "start_mode": "scheduled", "start_at": local(start),
        "end_at": local(add_years(start, 3)), "version": journey.version,
    })
    assert response.status_code == 302
    assert messages_of(response) == ["Journey settings saved."]
    journey.refresh_from_db()
    assert (journey.start_mode, journey.start_at, journey.end_at) == (
        StartMode.SCHEDULED, start, add_years(start, 3),
    )


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ({"start_mode": "scheduled", "start_at": 10, "end_at": ("3y", 10, 1)},
         "The end date can be at most 3 years after the start."),
        ({"start_mode": "immediately", "end_at": ("3y", 0, 1)},
         "The end date can be at most 3 years after the start."),
        ({"start_mode": "scheduled", "start_at": -1, "end_at": 30},
         "The start date is in the past."),
        ({"start_mode": "scheduled", "start_at": 10, "end_at": 9},
         "The end date must be after the start."),
        ({"start_mode": "scheduled", "end_at": 30}, "Choose the date the journey starts on."),
        ({"start_mode": "immediately"}, "This field is required."),
        ({"start_mode": "later", "end_at": 30}, "Select a valid choice."),
        ({"start_mode": "immediately", "end_at": "soon"}, "Enter a valid date/time."),
    ],
)
@pytest.mark.parametrize("endpoint", ["journeys:settings", "journeys:publish_review",
                                      "journeys:publish"])
def test_bad_schedules_are_refused(client, admin_user, make_journey, schedule, message, endpoint):
    journey = make_journey(Status.DRAFT)
    data = {"version": journey.version}
    for field, value in schedule.items():
        if isinstance(value, int):
            value = local(minute(value))
        elif isinstance(value, tuple):  # 3 years after the start, plus `extra` days
            _, start_days, extra = value
            value = local(add_years(minute(start_days), 3) + datetime.timedelta(days=extra))
        data[field] = value
    before = snapshot(journey)
    client.force_login(admin_user)
    response = client.post(url(endpoint, journey), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'dialog id="' in body and " open>" in body  # the dialog, open, with the message
    assert snapshot(journey) == before


def test_running_end_date_can_move(client, publisher, make_journey):
    journey = make_journey(Status.LIVE)
    end = add_years(journey.start_at, 3).replace(second=0, microsecond=0)
    client.force_login(publisher)
    response = client.post(url("journeys:settings", journey), {
        "end_at": local(end), "start_mode": "scheduled", "start_at": local(minute(5)),
        "version": journey.version,
    })
    assert response.status_code == 302
    after = Journey.objects.get(pk=journey.pk)
    assert after.end_at == end
    # The start date never changes once published, whatever the POST says.
    assert (after.start_mode, after.start_at) == (journey.start_mode, journey.start_at)


@pytest.mark.parametrize(
    ("status", "end", "message"),
    [
        (Status.LIVE, "past", "The end date cannot be moved into the past."),
        (Status.CLOSED, "past", "The end date cannot be moved into the past."),
        (Status.LIVE, "3y+1d", "The end date can be at most 3 years after the start."),
        (Status.ABORTED, "soon", "End at cannot change while the journey is Aborted."),
        (Status.FINISHED, "soon", "End at cannot change while the journey is Finished."),
    ],
)
def test_running_end_date_limits(client, publisher, make_journey, status, end, message):
    journey = make_journey(status)
    end_at = {
        "past": minute(-1),
        "3y+1d": add_years(journey.start_at, 3) + datetime.timedelta(days=1),
        "soon": minute(5),
    }[end]
    before = snapshot(journey)
    client.force_login(publisher)
    response = client.post(url("journeys:settings", journey), {
        "end_at": local(end_at), "version": journey.version,
    })
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot(journey) == before


# -- re-entry ----------------------------------------------------------------------------


REENTRY = {
    "reentry_enabled": "on", "reentry_timing": "from_start", "reentry_delay": "36",
    "reentry_delay_unit": "hours", "reentry_limit": "4",
}


def test_reentry_is_saved_in_draft(client, marketer, make_journey):
    journey = make_journey(Status.DRAFT)
    client.force_login(marketer)
    data = {**REENTRY, "version": journey.version}
    response = client.post(url("journeys:reentry", journey), data)
    assert response.status_code == 302
    journey.refresh_from_db()
    assert (
        journey.reentry_enabled, journey.reentry_timing, journey.reentry_delay,
        journey.reentry_delay_unit, journey.reentry_limit,
    ) == (True, "from_start", 36, "hours", 4)
    changes = journey.activities.first().details["changes"]
    assert changes["reentry_limit"] == [1, 4]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reentry_delay", "0", "Ensure this value is greater than or equal to 1."),
        ("reentry_delay", "-2", "Ensure this value is greater than or equal to 1."),
        ("reentry_delay", "1.5", "Enter a whole number."),
        ("reentry_delay", "99999999999", "Ensure this value is less than or equal to 10000."),
        ("reentry_limit", "0", "Ensure this value is greater than or equal to 1."),
        ("reentry_limit", "", "This field is required."),
        ("reentry_timing", "whenever", "Select a valid choice."),
        ("reentry_delay_unit", "weeks", "Select a valid choice."),
    ],
)
def test_bad_reentry_values_are_refused(client, marketer, make_journey, field, value, message):
    journey = make_journey(Status.DRAFT)
    before = snapshot(journey)
    client.force_login(marketer)
    response = client.post(
        url("journeys:reentry", journey), {**REENTRY, field: value, "version": journey.version}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot(journey) == before


@pytest.mark.parametrize("status", [Status.LIVE, Status.CLOSED, Status.ABORTED, Status.FINISHED])
def test_reentry_is_draft_only(client, admin_user, make_journey, status):
    journey = make_journey(status)
    before = snapshot(journey)
    client.force_login(admin_user)
    data = {**REENTRY, "version": journey.version}
    response = client.post(url("journeys:reentry", journey), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert f"cannot change while the journey is {Status(status).label}." in body
    assert snapshot(journey) == before


# -- the publish review ------------------------------------------------------------------


def test_publish_review_then_publish(client, publisher, make_journey, django_assert_num_queries):
    journey = make_journey(Status.DRAFT)
    start, end = minute(2), minute(60)
    data = {"start_mode": "scheduled", "start_at": local(start), "end_at": local(end),
            "version": journey.version}
    client.force_login(publisher)
    # session, user, user permissions, group permissions, the journey with its users,
    # the nodes for the blocker errors, the chosen account list (the audience node's
    # rule), the copy names for the Duplicate dialog.
    with django_assert_num_queries(8):
        review = client.post(url("journeys:publish_review", journey), data, headers=HTMX)
    body = review.content.decode()
    assert review.status_code == 200
    assert body.lstrip().startswith('<div id="publish-step">')
    assert f"On {timezone.localtime(start):%b %-d, %Y, %H:%M}" in body
    assert '<button type="submit" class="button button-primary">Publish</button>' in body
    assert Journey.objects.get(pk=journey.pk).status == Status.DRAFT  # nothing saved yet

    back = client.post(url("journeys:publish_review", journey), {**data, "step": "back"},
                       headers=HTMX)
    assert ">Next</button>" in back.content.decode()

    response = client.post(url("journeys:publish", journey), data)
    assert response["Location"] == url("journeys:detail", journey)
    assert messages_of(response) == [f"“{journey.name}” is live."]
    journey.refresh_from_db()
    assert (journey.status, journey.start_mode, journey.start_at, journey.end_at) == (
        Status.LIVE, StartMode.SCHEDULED, start, end,
    )
    assert journey.published_by == publisher
    verbs = list(journey.activities.values_list("verb", flat=True)[:2])
    assert verbs == [JourneyActivity.Verb.PUBLISHED, JourneyActivity.Verb.EDITED]


def test_publish_immediately_starts_now(client, publisher, make_journey):
    journey = make_journey(Status.DRAFT)
    client.force_login(publisher)
    response = client.post(url("journeys:publish", journey), {
        "start_mode": "immediately", "end_at": local(minute(40)), "version": journey.version,
    })
    assert response.status_code == 302
    journey.refresh_from_db()
    assert journey.status == Status.LIVE and journey.start_at == journey.published_at


def test_publish_review_without_javascript_shows_the_confirmation_page(
    client, publisher, make_journey
):
    journey = make_journey(Status.DRAFT)
    client.force_login(publisher)
    response = client.post(url("journeys:publish_review", journey), {
        "start_mode": "immediately", "end_at": local(minute(40)), "version": journey.version,
    })
    body = response.content.decode()
    assert body.startswith("<!doctype html>")
    assert "Immediately, when you publish" in body
    assert (
        '<dialog id="publish-dialog" class="editor-dialog" '
        'aria-labelledby="publish-dialog-heading" open>'
    ) in body


@pytest.mark.parametrize("status", list(Status))
def test_reviewed_publish_in_every_status(client, admin_user, make_journey, status):
    journey = make_journey(status)
    before = snapshot(journey)
    client.force_login(admin_user)
    response = client.post(url("journeys:publish", journey), {
        "start_mode": "immediately", "end_at": local(minute(40)), "version": journey.version,
    })
    if CONTRACT[status]["publish"] == REFUSED:
        assert response.status_code == 409
        assert f"Publish is not possible: the journey is {Status(status).label}." in (
            response.content.decode()
        )
        assert snapshot(journey) == before
    else:
        assert response.status_code == 302
        assert Journey.objects.get(pk=journey.pk).status == Status.LIVE


def test_a_blocked_publish_saves_nothing_not_even_the_schedule(client, publisher, make_journey):
    journey = make_journey(Status.DRAFT, ready=False)  # no audience chosen
    before = snapshot(journey)
    client.force_login(publisher)
    response = client.post(url("journeys:publish", journey), {
        "start_mode": "immediately", "end_at": local(minute(40)), "version": journey.version,
    })
    assert response.status_code == 409
    assert "Account audience: choose an account list or an audience." in response.content.decode()
    assert snapshot(journey) == before


# -- duplicate from the dialog -----------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "audience_settings", "wait_settings"),
    [
        # None: the same audience as the source journey's.
        ("partial", None, {"duration": 2, "unit": "hours"}),
        ("structure", {}, {"duration": 5, "unit": "days"}),
    ],
)
def test_duplicate_types(client, marketer, make_journey, mode, audience_settings, wait_settings):
    journey = make_journey(Status.LIVE, name="Source")
    Node.objects.create(journey=journey, path=journey.paths.get(), position=1, kind="wait",
                        settings={"duration": 2, "unit": "hours"})
    client.force_login(marketer)
    response = client.post(url("journeys:duplicate", journey), {
        "name": "Source_copy", "description": "Copied", "mode": mode, "version": journey.version,
    })
    copy = Journey.objects.get(name="Source_copy")
    assert response["Location"] == url("journeys:detail", copy)
    assert (copy.status, copy.description, copy.created_by) == (Status.DRAFT, "Copied", marketer)
    settings = dict(copy.nodes.values_list("kind", "settings"))
    if audience_settings is None:
        audience_settings = journey.nodes.get(kind="audience").settings
        assert audience_settings["source_id"]
    assert settings == {"audience": audience_settings, "wait": wait_settings}


# -- roles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_fixture", "name", "method"),
    [
        ("viewer", "journeys:rename", "get"),
        ("viewer", "journeys:rename", "post"),
        ("viewer", "journeys:settings", "post"),
        ("viewer", "journeys:reentry", "post"),
        ("viewer", "journeys:publish_review", "post"),
        ("viewer", "journeys:duplicate", "post"),
        ("marketer", "journeys:publish_review", "post"),
        ("marketer", "journeys:publish", "post"),
    ],
)
def test_roles_without_the_right_get_403(client, request, make_journey, role_fixture, name, method):
    journey = make_journey(Status.DRAFT)
    before = snapshot(journey)
    client.force_login(request.getfixturevalue(role_fixture))
    data = {"name": "X", "start_mode": "immediately", "end_at": local(minute(40)),
            "mode": "nonsense", **REENTRY, "version": journey.version}
    response = getattr(client, method)(url(name, journey), data if method == "post" else None)
    assert response.status_code == 403
    assert "Your role does not allow you to" in response.content.decode()
    assert snapshot(journey) == before


@pytest.mark.parametrize("name", ["journeys:settings", "journeys:reentry",
                                  "journeys:publish_review"])
def test_editor_forms_are_post_only(client, admin_user, make_journey, name):
    journey = make_journey(Status.DRAFT)
    client.force_login(admin_user)
    assert client.get(url(name, journey)).status_code == 405


ACTION_URLS = {
    "publish": "journeys:publish", "duplicate": "journeys:duplicate", "close": "journeys:close",
    "abort": "journeys:abort", "delete": "journeys:delete",
}


@pytest.mark.parametrize(
    ("status", "action"), [(s, a) for s in CONTRACT for a in CONTRACT[s]]
)
def test_the_editors_versioned_post_in_every_status(client, admin_user, make_journey, status,
                                                    action):
    """The 25 cells of SPEC §2.1 as the editor's dialogs post them (with the version)."""
    journey = make_journey(status)
    expected = CONTRACT[status][action]
    before = snapshot(journey)
    client.force_login(admin_user)
    response = client.post(url(ACTION_URLS[action], journey), {"version": journey.version})
    if expected == REFUSED:
        assert response.status_code == 409
        assert " is not possible: the journey is " in response.content.decode()
        assert snapshot(journey) == before
    elif action == "delete":
        assert response["Location"] == reverse("journeys:list")
        assert not Journey.objects.filter(pk=journey.pk).exists()
    elif action == "duplicate":
        copy = Journey.objects.get(name=f"{journey.name}_copy")
        assert response["Location"] == url("journeys:detail", copy)
        assert Journey.objects.get(pk=journey.pk).status == status
    else:
        assert response["Location"] == url("journeys:detail", journey)
        assert Journey.objects.get(pk=journey.pk).status == expected
