"""The journey editor page: header, actions by status and role, dialogs, partials."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys.models import Journey, Status
from tests.test_lifecycle import snapshot

# SPEC §2.1 written out by hand: the header's action buttons in each status, for a user
# holding every right.
BUTTONS = {
    Status.DRAFT: ["Publish", "Duplicate", "Delete"],
    Status.LIVE: ["Duplicate", "Close to new entries", "Abort"],
    Status.CLOSED: ["Duplicate", "Abort"],
    Status.ABORTED: ["Duplicate", "Delete"],
    Status.FINISHED: ["Duplicate", "Delete"],
}


def editor_url(journey, name="journeys:detail"):
    return reverse(name, args=[journey.pk])


def action_buttons(response):
    """The labels of the header's action buttons, and whether each is disabled."""
    body = response.content.decode()
    form = re.search(r'<form id="dialog-openers".*?</form>', body, re.S)
    assert form, "the editor has no actions form"
    return [
        (label, "disabled" in attrs)
        for attrs, label in re.findall(r"<button([^>]*)>([^<]*)</button>", form.group(0))
    ]


@pytest.mark.parametrize("status", list(Status))
def test_buttons_follow_the_contract(client, admin_user, make_journey, status):
    journey = make_journey(status)
    client.force_login(admin_user)
    buttons = action_buttons(client.get(editor_url(journey)))
    assert buttons == [(label, False) for label in BUTTONS[status]]


@pytest.mark.parametrize(
    ("role_fixture", "status", "expected"),
    [
        ("viewer", Status.DRAFT, []),
        ("viewer", Status.LIVE, []),
        ("marketer", Status.DRAFT, ["Duplicate"]),
        ("marketer", Status.LIVE, ["Duplicate"]),
        ("marketer", Status.ABORTED, ["Duplicate"]),
        ("publisher", Status.DRAFT, ["Publish", "Duplicate"]),
        ("publisher", Status.LIVE, ["Duplicate", "Close to new entries", "Abort"]),
        ("publisher", Status.FINISHED, ["Duplicate"]),
        ("admin_user", Status.ABORTED, ["Duplicate", "Delete"]),
    ],
)
def test_buttons_are_narrowed_to_the_users_role(
    client, request, make_journey, role_fixture, status, expected
):
    journey = make_journey(status)
    client.force_login(request.getfixturevalue(role_fixture))
    buttons = action_buttons(client.get(editor_url(journey)))
    assert [label for label, _ in buttons] == expected


def test_a_viewer_sees_no_edit_controls(client, viewer, make_journey):
    journey = make_journey(Status.DRAFT)
    client.force_login(viewer)
    body = client.get(editor_url(journey)).content.decode()
    assert "Edit<span class=\"visually-hidden\"> name" not in body
    assert body.count('<form method="post"') == 1  # Log out, nothing of the journey's
    # Settings and re-entry read only.
    assert "Journey settings" in body and "Accounts enter this journey once." in body


def test_editor_page_layout_and_queries(client, viewer, make_journey, django_assert_num_queries):
    journey = make_journey(Status.LIVE, name="Spring launch")
    client.force_login(viewer)
    # session, user, user permissions, group permissions, the journey with its users,
    # its nodes with their paths (the map), the chosen account list with its count (the
    # audience card), its activities with their actors (history).
    with django_assert_num_queries(8):
        response = client.get(editor_url(journey))
    body = response.content.decode()
    assert "<h1>Spring launch</h1>" in body
    assert '<span class="badge badge-live">Live</span>' in body
    assert "Published by pat" in body and "Created by mia" in body
    node = journey.nodes.get()
    node_url = reverse("journeys:node", args=[journey.pk, node.pk])
    assert (
        f'<a class="node-card" href="{node_url}"\n'
        f'             data-hx-get="{node_url}"\n'
        '             data-hx-target="#properties" data-hx-swap="outerHTML">'
    ) in body
    assert "Account audience" in body and "Test accounts" in body
    assert '<aside class="properties-pane" aria-label="Properties">' in body
    assert '<section id="properties"' in body
    assert response["Vary"].count("HX-Request") == 1


def test_draft_editor_queries_do_not_grow_with_the_map(
    client, admin_user, make_journey, django_assert_num_queries
):
    journey = make_journey(Status.DRAFT, ready=False)
    client.force_login(admin_user)
    # session, user, user permissions, group permissions, the journey with its users,
    # the nodes for the blocker errors, the copy names for the Duplicate dialog,
    # the activities with their actors, the nodes for the map.
    with django_assert_num_queries(9):
        client.get(editor_url(journey))
    main = journey.paths.get()
    for position in range(1, 6):
        journey.nodes.create(path=main, position=position, kind="wait")
    with django_assert_num_queries(9):
        response = client.get(editor_url(journey))
    assert response.content.decode().count('class="node-card"') == 6


@pytest.mark.parametrize(
    ("target", "queries", "starts_with"),
    [
        # session, user, user permissions, group permissions, journey, blocker nodes, the
        # chosen account list (the audience node's rule), copy names for Duplicate.
        # The title first: htmx makes it the document's title (after a rename).
        ("journey-header", 8, '<title>Journey 1 · Journeys</title>\n<header id="journey-header"'),
        # session, user, user permissions, group permissions, journey, activities.
        ("journey-history", 6, '<section id="journey-history"'),
        # session, user, user permissions, group permissions, journey, nodes with their
        # paths, the chosen account list with its count (the audience card).
        ("journey-map", 7, '<section id="journey-map"'),
    ],
)
def test_editor_partials(
    client, admin_user, make_journey, django_assert_num_queries, target, queries, starts_with
):
    journey = make_journey(Status.DRAFT)
    client.force_login(admin_user)
    with django_assert_num_queries(queries):
        response = client.get(
            editor_url(journey), headers={"HX-Request": "true", "HX-Target": target}
        )
    assert response.content.decode().lstrip().startswith(starts_with)
    assert "HX-Target" in response["Vary"]


def test_an_unknown_htmx_target_is_a_400(client, viewer, make_journey):
    journey = make_journey(Status.DRAFT)
    client.force_login(viewer)
    response = client.get(editor_url(journey), headers={"HX-Request": "true", "HX-Target": "x"})
    assert response.status_code == 400
    assert "The editor has no such part to refresh." in response.content.decode()


@pytest.mark.parametrize(
    ("role_fixture", "status", "dialog"),
    [
        ("admin_user", Status.DRAFT, "nonsense"),
        ("marketer", Status.DRAFT, "delete"),  # not the marketer's right
        ("admin_user", Status.LIVE, "publish"),  # not offered when Live
        ("admin_user", Status.LIVE, "reentry"),  # Draft only
    ],
)
def test_a_dialog_that_is_not_offered_is_a_400(
    client, request, make_journey, role_fixture, status, dialog
):
    journey = make_journey(status)
    client.force_login(request.getfixturevalue(role_fixture))
    response = client.get(editor_url(journey), {"dialog": dialog})
    assert response.status_code == 400
    assert f"There is no “{dialog}” dialog on this page now." in response.content.decode()


@pytest.mark.parametrize(
    ("status", "dialog", "says"),
    [
        (Status.DRAFT, "publish", "Next"),
        (Status.DRAFT, "duplicate", "Partial content duplication"),
        (Status.DRAFT, "delete", "removed permanently"),
        (Status.DRAFT, "settings", "Save settings"),
        (Status.DRAFT, "reentry", "Entry limit per account"),
        (Status.LIVE, "close", "No new account will enter the journey."),
        (Status.LIVE, "abort", "Every account in the journey stops at once"),
        (Status.LIVE, "settings", "Only the end date can change now."),
    ],
)
def test_each_dialog_opens_without_javascript(
    client, admin_user, make_journey, status, dialog, says
):
    journey = make_journey(status)
    client.force_login(admin_user)
    body = client.get(editor_url(journey), {"dialog": dialog}).content.decode()
    assert f'<dialog id="{dialog}-dialog" class="editor-dialog"' in body
    assert re.search(rf'<dialog id="{dialog}-dialog"[^>]* open>', body)
    assert body.count(" open>") == 1
    assert says in body


def test_duplicate_dialog_prefills_a_unique_name(client, marketer, make_journey):
    journey = make_journey(Status.LIVE, name="Launch")
    make_journey(Status.DRAFT, name="launch_copy")
    client.force_login(marketer)
    body = client.get(editor_url(journey), {"dialog": "duplicate"}).content.decode()
    assert 'value="Launch_copy_2"' in body
    assert "Duplicate without details" in body


def test_publish_is_disabled_with_a_hint_while_errors_exist(client, publisher, make_journey):
    journey = make_journey(Status.DRAFT, ready=False)
    client.force_login(publisher)
    response = client.get(editor_url(journey))
    body = response.content.decode()
    assert ("Publish", True) in action_buttons(response)
    assert 'disabled aria-describedby="publish-hint">Publish</button>' in body
    assert '<span id="publish-hint" class="hint">Resolve errors before publishing</span>' in body
    assert '<dialog id="publish-dialog"' not in body
    node = journey.nodes.get()
    node_url = reverse("journeys:node", args=[journey.pk, node.pk])
    assert "2 errors to resolve before publishing" in body
    assert f'<a href="{node_url}"\n                 data-hx-get="{node_url}"' in body
    assert "Set an end date for the journey." in body


def test_history_shows_who_when_and_what_changed(client, marketer, make_journey):
    journey = make_journey(Status.DRAFT, name="Before")
    journey.edit(marketer, name="After", reentry_enabled=True)
    client.force_login(marketer)
    body = client.get(
        editor_url(journey), headers={"HX-Request": "true", "HX-Target": "journey-history"}
    ).content.decode()
    assert "Edited by mia" in body
    assert "<li>Name: <del>Before</del> → <ins>After</ins></li>" in body
    assert "<li>Re-entry: <del>No</del> → <ins>Yes</ins></li>" in body
    # make_journey set the end date: from nothing to a moment, shown to the minute.
    end = timezone.localtime(journey.end_at).strftime("%Y-%m-%d %H:%M")
    assert f"<li>End date: <del>—</del> → <ins>{end}</ins></li>" in body


def test_history_of_a_publish_and_a_duplicate(client, marketer, publisher, make_journey):
    journey = make_journey(Status.DRAFT, name="Source")
    journey.publish(publisher)
    journey.duplicate(marketer, name="Its copy")
    client.force_login(marketer)
    body = client.get(editor_url(journey)).content.decode()
    assert "Published by pat" in body and "<li>Start: <ins>" in body
    assert "Duplicated by mia" in body and "<li>Copy: <ins>Its copy</ins></li>" in body


def test_editor_of_a_missing_journey_is_404(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("journeys:rename", args=[4242])).status_code == 404


def test_every_dialog_validates_as_html(client, admin_user, make_journey, nu_check):
    draft = make_journey(Status.DRAFT, name="Draft <b>journey</b>")
    blocked = make_journey(Status.DRAFT, ready=False)
    live = make_journey(Status.LIVE)
    client.force_login(admin_user)
    pages = {
        "blocked draft": client.get(editor_url(blocked)),
        "rename form": client.get(editor_url(draft, "journeys:rename")),
        "publish confirmation": client.post(
            editor_url(draft, "journeys:publish_review"),
            {"start_mode": "immediately", "end_at": "2027-06-01T10:00", "version": draft.version},
        ),
        "settings with errors": client.post(
            editor_url(draft, "journeys:settings"),
            {"start_mode": "scheduled", "end_at": "2099-01-01T10:00", "version": draft.version},
        ),
    }
    for dialog in ["publish", "duplicate", "delete", "settings", "reentry"]:
        pages[f"draft {dialog}"] = client.get(editor_url(draft), {"dialog": dialog})
    for dialog in ["close", "abort", "settings"]:
        pages[f"live {dialog}"] = client.get(editor_url(live), {"dialog": dialog})
    for label, response in pages.items():
        assert response.status_code in (200, 400), label
    assert "Draft &lt;b&gt;journey&lt;/b&gt;" in pages["draft publish"].content.decode()
    nu_check(**{label: response.content.decode() for label, response in pages.items()})


def test_a_refused_action_shows_the_models_message(client, admin_user, make_journey):
    journey = make_journey(Status.LIVE)
    stale = {"version": journey.version}
    journey.abort(admin_user)  # meanwhile, in a second tab
    client.force_login(admin_user)
    before = snapshot(journey)
    response = client.post(editor_url(journey, "journeys:close"), stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Close to new entries is not possible: the journey is Aborted." in body
    assert snapshot(journey) == before


def test_after_an_action_the_page_shows_the_new_status(client, publisher, make_journey):
    journey = make_journey(Status.LIVE)
    client.force_login(publisher)
    response = client.post(
        editor_url(journey, "journeys:abort"), {"version": journey.version}, follow=True
    )
    body = response.content.decode()
    assert '<span class="badge badge-aborted">Aborted</span>' in body
    assert f"“{journey.name}” was aborted." in body
    assert "Aborted by pat" in body


def in_days(days):
    return timezone.now() + datetime.timedelta(days=days)


def test_duplicate_errors_reopen_the_dialog(client, marketer, make_journey):
    make_journey(Status.DRAFT, name="Taken")
    journey = make_journey(Status.DRAFT, name="Source")
    client.force_login(marketer)
    response = client.post(
        editor_url(journey, "journeys:duplicate"),
        {"name": "taken", "mode": "partial", "version": journey.version},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert re.search(r'<dialog id="duplicate-dialog"[^>]* open>', body)
    assert "A journey named “taken” already exists." in body
    assert Journey.objects.filter(name__iexact="taken").count() == 1


@pytest.mark.parametrize(("role", "offered"), [("marketer", True), ("viewer", False)])
def test_schedule_errors_link_to_journey_settings_for_editors(
    request, client, make_journey, role, offered
):
    journey = make_journey(Status.DRAFT, ready=False)
    client.force_login(request.getfixturevalue(role))
    body = client.get(editor_url(journey)).content.decode()
    assert "Set an end date for the journey." in body
    link = ('<a href="?dialog=settings" data-opens-dialog="settings-dialog">Open journey settings'
            '<span class="visually-hidden">: Set an end date for the journey.</span></a>')
    assert (link in body) is offered
