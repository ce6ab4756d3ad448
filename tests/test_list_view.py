"""The journey list (SPEC §1, issue 3): table, sorting, search, filters, pagination,
columns, create dialog, row actions, empty states, query counts, search indexes."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from journeys.filters import JourneyFilter, users_matching
from journeys.models import Journey, ListPreference, Status

LIST = reverse("journeys:list")
HTMX = {"HX-Request": "true"}
HEADERS = [
    "Name", "Status", "Description", "Created by", "Created at", "Last updated at",
    "Last updated by", "Published on", "Published by", "Start date", "End date", "Actions",
]


def names(response):
    """The journey names in the table, in order."""
    return re.findall(r'<td><a href="/journeys/\d+/">([^<]*)</a></td>', response.content.decode())


def headers(body):
    return re.findall(r'<th scope="col"[^>]*>\s*(?:<a [^>]*>)?([^<]+?)\s*<', body)


def bulk_journeys(count, by, prefix="Bulk", **fields):
    """Many journeys at once: the list only reads their own columns."""
    now = timezone.now()
    return Journey.objects.bulk_create(
        Journey(
            name=f"{prefix} {n:04}", created_by=by, updated_by=by,
            created_at=now - datetime.timedelta(minutes=n),
            updated_at=now - datetime.timedelta(minutes=n), **fields,
        )
        for n in range(count)
    )


@pytest.fixture
def as_viewer(client, viewer):
    client.force_login(viewer)
    return client


# -- columns -------------------------------------------------------------------------


def test_every_column_is_shown_with_its_values(client, marketer, make_journey):
    journey = make_journey(Status.LIVE, name="Spring launch")
    Journey.objects.filter(pk=journey.pk).update(description="Warm up <b>accounts</b>")
    client.force_login(marketer)
    body = client.get(LIST).content.decode()
    assert headers(body) == HEADERS
    assert f'<a href="{reverse("journeys:detail", args=[journey.pk])}">Spring launch</a>' in body
    assert '<span class="badge badge-live">Live</span>' in body
    assert "Warm up &lt;b&gt;accounts&lt;/b&gt;" in body  # user text is escaped
    assert "<td>Mia Marketer</td>" in body and "<td>Pat Publisher</td>" in body


def test_dates_are_readable_with_the_exact_time_on_hover_in_the_browsers_zone(
    as_viewer, make_journey
):
    journey = make_journey(Status.DRAFT)
    moment = datetime.datetime(2026, 7, 1, 22, 30, 5, tzinfo=datetime.UTC)
    Journey.objects.filter(pk=journey.pk).update(created_at=moment)
    as_viewer.cookies["tz"] = "Europe/Paris"
    body = as_viewer.get(LIST).content.decode()
    assert (
        '<time datetime="2026-07-02T00:30:05+02:00" '
        'title="Thursday, July 2, 2026, 00:30:05 CEST">Jul 2, 2026, 00:30</time>'
    ) in body


@pytest.mark.parametrize("cookie", ["Not/AZone", "", "../../etc/passwd"])
def test_an_unknown_time_zone_falls_back_to_the_sites(as_viewer, make_journey, cookie):
    journey = make_journey(Status.DRAFT)
    moment = datetime.datetime(2026, 7, 1, 22, 30, 5, tzinfo=datetime.UTC)
    Journey.objects.filter(pk=journey.pk).update(created_at=moment)
    as_viewer.cookies["tz"] = cookie
    response = as_viewer.get(LIST)
    assert response.status_code == 200
    assert '<time datetime="2026-07-01T22:30:05+00:00"' in response.content.decode()


# -- sorting -------------------------------------------------------------------------


@pytest.fixture
def three_journeys(make_journey, marketer, publisher, make_user):
    zed = make_user("zed", first_name="Zed", last_name="Zulu")
    a = make_journey(Status.LIVE, name="alpha")
    b = make_journey(Status.DRAFT, name="Bravo")
    c = make_journey(Status.ABORTED, name="charlie")
    day = datetime.timedelta(days=1)
    now = timezone.now()
    Journey.objects.filter(pk=a.pk).update(updated_at=now - 2 * day, created_at=now - day)
    Journey.objects.filter(pk=b.pk).update(updated_at=now, created_at=now - 3 * day)
    Journey.objects.filter(pk=c.pk).update(
        updated_at=now - day, created_at=now - 2 * day, created_by=zed
    )
    return a, b, c


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Bravo", "charlie", "alpha"]),  # default: last updated, newest first
        ("name", ["alpha", "Bravo", "charlie"]),
        ("-name", ["charlie", "Bravo", "alpha"]),
        ("status", ["Bravo", "alpha", "charlie"]),  # lifecycle order: Draft, Live, Aborted
        ("-status", ["charlie", "alpha", "Bravo"]),
        ("created_at", ["Bravo", "charlie", "alpha"]),
        ("-created_at", ["alpha", "charlie", "Bravo"]),
        ("created_by", ["alpha", "Bravo", "charlie"]),  # Mia, Mia (by pk), Zed
        ("-created_by", ["charlie", "Bravo", "alpha"]),
        ("published_at", ["alpha", "charlie", "Bravo"]),  # never published: last
        ("-published_at", ["charlie", "alpha", "Bravo"]),
        ("updated_at", ["alpha", "charlie", "Bravo"]),
        ("bogus", ["Bravo", "charlie", "alpha"]),  # unknown: the default
        ("description", ["Bravo", "charlie", "alpha"]),  # not orderable: the default
    ],
)
def test_sorting(as_viewer, three_journeys, sort, expected):
    response = as_viewer.get(LIST, {"sort": sort} if sort else {})
    assert response.status_code == 200
    assert names(response) == expected


def test_rows_that_tie_keep_the_primary_key_order(as_viewer, marketer):
    journeys = bulk_journeys(4, marketer)
    Journey.objects.update(updated_at=timezone.now())
    newest_pk_first = [j.name for j in sorted(journeys, key=lambda j: -j.pk)]
    assert names(as_viewer.get(LIST)) == newest_pk_first
    assert names(as_viewer.get(LIST, {"sort": "updated_at"})) == newest_pk_first[::-1]


@pytest.mark.parametrize(
    ("sort", "header", "aria_sort", "arrow", "next_sort"),
    [
        ("", "Last updated at", "descending", "▼", "updated_at"),
        ("name", "Name", "ascending", "▲", "-name"),
        ("-name", "Name", "descending", "▼", "name"),
    ],
)
def test_the_sorted_header_says_so_and_links_to_the_reverse(
    as_viewer, make_journey, sort, header, aria_sort, arrow, next_sort
):
    make_journey(Status.DRAFT)
    body = as_viewer.get(LIST, {"sort": sort, "q": "jour", "page": "1"}).content.decode()
    assert body.count("aria-sort=") == 1
    th = re.search(r'<th scope="col" class="[^"]*" aria-sort="(\w+)">\s*<a href="([^"]*)"[^>]*>([^<]+)<span class="sort-indicator" aria-hidden="true">(.)</span>', body)
    assert th.groups() == (aria_sort, f"?sort={next_sort}&amp;q=jour", header, arrow)


def test_a_date_column_sorts_newest_first_on_the_first_click(as_viewer, make_journey):
    make_journey(Status.DRAFT)
    body = as_viewer.get(LIST).content.decode()
    assert 'href="?sort=-created_at"' in body and 'href="?sort=name"' in body


# -- search and filters --------------------------------------------------------------


@pytest.fixture
def searchable(make_journey, make_user):
    ola = make_user("ola", first_name="Ola", last_name="Nordmann")
    make_journey(Status.DRAFT, name="Spring Launch")
    make_journey(Status.LIVE, name="Autumn launch")
    other = make_journey(Status.DRAFT, name="Nurture SPRINGboard")
    Journey.objects.filter(pk=other.pk).update(created_by=ola)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "launch"}, {"Spring Launch", "Autumn launch"}),
        ({"q": "SPRING"}, {"Spring Launch", "Nurture SPRINGboard"}),
        ({"q": "  "}, {"Spring Launch", "Autumn launch", "Nurture SPRINGboard"}),
        ({"created_by": "OLA"}, {"Nurture SPRINGboard"}),  # user name
        ({"created_by": "a nord"}, {"Nurture SPRINGboard"}),  # across the full name
        ({"created_by": "mia mark"}, {"Spring Launch", "Autumn launch"}),
        ({"status": "live"}, {"Autumn launch"}),
        ({"q": "spring", "status": "draft", "created_by": "mia"}, {"Spring Launch"}),
        ({"status": "bogus"}, {"Spring Launch", "Autumn launch", "Nurture SPRINGboard"}),
        ({"colour": "red"}, {"Spring Launch", "Autumn launch", "Nurture SPRINGboard"}),
    ],
)
def test_search_and_filters(as_viewer, searchable, query, expected):
    response = as_viewer.get(LIST, query)
    assert response.status_code == 200
    assert set(names(response)) == expected


def test_an_unknown_status_says_so(as_viewer, searchable):
    body = as_viewer.get(LIST, {"status": "bogus"}).content.decode()
    assert "Unknown status: showing every status." in body


def test_the_form_keeps_the_search_and_the_sort(as_viewer, searchable):
    body = as_viewer.get(LIST, {"q": "spring", "status": "draft", "sort": "-name"}).content.decode()
    assert 'name="q" value="spring"' in body
    assert '<option value="draft" selected>Draft</option>' in body
    # The sort travels with the search form, from inside the table partial.
    assert '<input type="hidden" name="sort" value="-name" form="journey-filters">' in body


# -- pagination ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "rows", "first", "page_label"),
    [
        ({}, 50, "Bulk 0000", "Page 1 of 3"),
        ({"page": "2"}, 50, "Bulk 0050", "Page 2 of 3"),
        ({"page": "3"}, 20, "Bulk 0100", "Page 3 of 3"),
        ({"page": "abc"}, 50, "Bulk 0000", "Page 1 of 3"),
        ({"page": "-1"}, 50, "Bulk 0000", "Page 1 of 3"),
        ({"page": "0"}, 50, "Bulk 0000", "Page 1 of 3"),
        ({"page": "99999"}, 20, "Bulk 0100", "Page 3 of 3"),
        ({"page": "1e9"}, 50, "Bulk 0000", "Page 1 of 3"),
        ({"per_page": "25"}, 25, "Bulk 0000", "Page 1 of 5"),
        ({"per_page": "100", "page": "2"}, 20, "Bulk 0100", "Page 2 of 2"),
        ({"per_page": "100000"}, 50, "Bulk 0000", "Page 1 of 3"),
        ({"per_page": "0"}, 50, "Bulk 0000", "Page 1 of 3"),
        ({"per_page": "x", "page": "y"}, 50, "Bulk 0000", "Page 1 of 3"),
    ],
)
def test_pagination_gives_a_sensible_page(as_viewer, marketer, query, rows, first, page_label):
    bulk_journeys(120, marketer)
    response = as_viewer.get(LIST, query)
    assert response.status_code == 200
    body = response.content.decode()
    assert len(names(response)) == rows
    assert names(response)[0] == first
    assert "120 journeys" in body
    assert page_label in body


def test_page_links_keep_the_search_and_mark_the_current_page(as_viewer, marketer):
    bulk_journeys(60, marketer)
    body = as_viewer.get(LIST, {"q": "bulk", "per_page": "25", "page": "2"}).content.decode()
    assert '<a aria-current="page" href="#journey-table">2</a>' in body
    assert 'href="?q=bulk&amp;per_page=25&amp;page=3"' in body
    assert 'href="?q=bulk&amp;per_page=25&amp;page=1"' in body
    assert '<option value="25" selected>25</option>' in body


# -- htmx partial and query counts ---------------------------------------------------


def test_htmx_gets_only_the_table(as_viewer, make_journey):
    make_journey(Status.DRAFT, name="Only me")
    response = as_viewer.get(LIST, {"q": "only"}, headers=HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="journey-table"')
    assert "<h1>" not in body and names(response) == ["Only me"]
    assert "HX-Request" in response["Vary"]
    # The table reloads itself from the URL it shows when the columns change.
    assert 'data-hx-get="/?q=only" data-hx-trigger="columns-changed from:body, time-zone-changed from:body"' in body


def test_a_history_restore_gets_the_whole_page(as_viewer, make_journey):
    make_journey(Status.DRAFT)
    body = as_viewer.get(
        LIST, headers={**HTMX, "HX-History-Restore-Request": "true"}
    ).content.decode()
    assert "<h1>Account journeys</h1>" in body


@pytest.mark.parametrize("count", [5, 500])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "partial"])
def test_query_count_does_not_grow_with_the_rows(
    client, admin_user, marketer, django_assert_num_queries, count, headers
):
    bulk_journeys(count, marketer, prefix="Match", description="d")
    bulk_journeys(3, marketer, prefix="Other")
    ListPreference.objects.create(user=admin_user, hidden_columns=["description"])
    client.force_login(admin_user)
    # session, user, user permissions, group permissions, the column preference,
    # the count of matching journeys, one page of them joined to their three users.
    # The row actions ask the user's rights, which the permission queries cached.
    with django_assert_num_queries(7):
        response = client.get(LIST, {"q": "match", "sort": "-name", "per_page": "100"},
                              headers=headers)
    assert len(names(response)) == min(count, 100)
    assert response.content.decode().count(">Delete<") == min(count, 100)


def test_no_match_asks_once_whether_there_are_journeys(as_viewer, marketer,
                                                      django_assert_num_queries):
    bulk_journeys(3, marketer)
    # session, user, user permissions, group permissions, column preference, count,
    # and, the page being empty, whether any journey exists at all.
    with django_assert_num_queries(7):
        body = as_viewer.get(LIST, {"q": "nothing like it"}, headers=HTMX).content.decode()
    assert "No journeys match" in body and "No journeys yet" not in body


def test_no_journeys_yet(as_viewer):
    body = as_viewer.get(LIST, {"q": "x"}).content.decode()
    assert "No journeys yet" in body and "<table" not in body


# -- columns preference --------------------------------------------------------------

COLUMNS = reverse("journeys:columns")


def test_hidden_columns_are_remembered_for_the_user(client, viewer, make_user, make_journey):
    make_journey(Status.DRAFT)
    client.force_login(viewer)
    shown = ["status", "created_by", "updated_at"]
    response = client.post(COLUMNS, {"columns": shown, "next": "/?q=jour&sort=name"})
    assert response.status_code == 302 and response["Location"] == "/?q=jour&sort=name"
    body = client.get(LIST).content.decode()
    assert headers(body) == ["Name", "Status", "Created by", "Last updated at"]
    assert 'value="description" id="id_columns_1">' in body  # unchecked in the menu
    assert 'value="status" id="id_columns_0" checked>' in body
    # Another user keeps every column.
    client.force_login(make_user("other", "Viewer"))
    assert headers(client.get(LIST).content.decode()) == HEADERS[:-1]  # no row actions


def test_columns_by_htmx_answer_with_an_event_for_the_table(client, viewer):
    client.force_login(viewer)
    response = client.post(COLUMNS, {"columns": ["status"]}, headers=HTMX)
    assert response.status_code == 204
    assert json.loads(response["HX-Trigger"]) == {"columns-changed": {}}
    assert ListPreference.objects.get(user=viewer).hidden_columns == [
        "description", "created_by", "created_at", "updated_at", "updated_by",
        "published_at", "published_by", "start_at", "end_at",
    ]


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"columns": ["name"]}, 400),  # Name cannot be hidden, nor chosen
        ({"columns": ["password"]}, 400),
        ({"columns": ["status"], "next": "https://evil.example.com/"}, 302),
        ({"columns": ["status"], "next": "/admin/"}, 302),
    ],
)
def test_bad_columns_posts(client, viewer, data, status):
    client.force_login(viewer)
    response = client.post(COLUMNS, data)
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == LIST
    else:
        assert "Choose columns from the list." in response.content.decode()
        assert not ListPreference.objects.exists()


def test_columns_is_post_only(client, viewer):
    client.force_login(viewer)
    assert client.get(COLUMNS).status_code == 405


# -- create --------------------------------------------------------------------------

CREATE = reverse("journeys:create")


def test_create_opens_the_new_draft_in_the_editor(client, marketer):
    client.force_login(marketer)
    response = client.post(CREATE, {"name": "  Welcome series ", "description": "Hello"})
    journey = Journey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("journeys:detail", args=[journey.pk])
    assert (journey.name, journey.description, journey.status) == (
        "Welcome series", "Hello", Status.DRAFT,
    )
    assert list(journey.nodes.values_list("kind", flat=True)) == ["audience"]


def test_create_by_htmx_redirects_the_browser(client, marketer):
    client.force_login(marketer)
    response = client.post(CREATE, {"name": "Welcome"}, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("journeys:detail", args=[Journey.objects.get().pk])


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("welcome SERIES", "A journey named “welcome SERIES” already exists."),
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 201, "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_create_with_a_bad_name_shows_the_form_again(
    client, marketer, make_journey, name, error, headers
):
    make_journey(Status.DRAFT, name="Welcome series")
    client.force_login(marketer)
    response = client.post(CREATE, {"name": name, "description": "Kept"}, headers=headers)
    body = response.content.decode()
    assert response.status_code == 400
    assert error in body
    assert 'aria-invalid="true"' in body and "Kept</textarea>" in body
    assert Journey.objects.count() == 1
    if headers:
        assert body.lstrip().startswith('<form id="create-journey-form"')
    else:
        assert "<h1 id=\"create-heading\">Create account journey</h1>" in body


def test_the_plain_create_page(client, marketer, django_assert_num_queries):
    client.force_login(marketer)
    # session, user, user permissions, group permissions.
    with django_assert_num_queries(4):
        response = client.get(CREATE)
    assert response.status_code == 200
    assert '<label for="id_name">Name:</label>' in response.content.decode()


def test_a_viewer_cannot_create(client, viewer):
    client.force_login(viewer)
    assert client.post(CREATE, {"name": "Nope"}).status_code == 403
    assert not Journey.objects.exists()
    assert "Create account journey" not in client.get(LIST).content.decode()


def test_the_list_holds_the_create_dialog(client, marketer):
    client.force_login(marketer)
    body = client.get(LIST).content.decode()
    assert '<dialog id="create-journey-dialog"' in body
    assert '<form method="get" action="/journeys/new/" data-opens-dialog="create-journey-dialog">' in body


# -- row actions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "buttons"),
    [
        ("admin_user", Status.DRAFT, ["Duplicate", "Delete"]),
        ("admin_user", Status.LIVE, ["Duplicate"]),
        ("admin_user", Status.CLOSED, ["Duplicate"]),
        ("admin_user", Status.ABORTED, ["Duplicate", "Delete"]),
        ("admin_user", Status.FINISHED, ["Duplicate", "Delete"]),
        ("marketer", Status.DRAFT, ["Duplicate"]),
        ("marketer", Status.FINISHED, ["Duplicate"]),
        ("viewer", Status.DRAFT, []),
    ],
)
def test_row_actions_follow_the_status_and_the_role(
    request, client, make_journey, role, status, buttons
):
    journey = make_journey(status)
    client.force_login(request.getfixturevalue(role))
    body = client.get(LIST).content.decode()
    found = re.findall(r'<button type="submit" class="button button-small">(\w+)<', body)
    assert found == buttons
    assert (headers(body)[-1] == "Actions") == (role != "viewer")
    if "Duplicate" in buttons:
        assert f'action="{reverse("journeys:duplicate", args=[journey.pk])}"' in body
    if "Delete" in buttons:
        assert f'<dialog id="delete-{journey.pk}"' in body
        assert f"Delete “{journey.name}”?" in body
        # Only the dialog's form deletes; without JavaScript the row's button opens the
        # editor's delete confirmation instead of deleting at once.
        assert body.count(f'action="{reverse("journeys:delete", args=[journey.pk])}"') == 1
        assert f'action="{reverse("journeys:detail", args=[journey.pk])}"' in body
        assert '<input type="hidden" name="dialog" value="delete">' in body


def test_delete_without_javascript_lands_on_the_confirmation(client, admin_user, make_journey):
    journey = make_journey(Status.ABORTED)
    client.force_login(admin_user)
    response = client.get(reverse("journeys:detail", args=[journey.pk]), {"dialog": "delete"})
    assert response.status_code == 200
    assert Journey.objects.filter(pk=journey.pk).exists()
    body = response.content.decode()
    assert f'action="{reverse("journeys:delete", args=[journey.pk])}"' in body
    assert '<dialog id="delete-dialog" class="editor-dialog" aria-labelledby="delete-dialog-heading" open>' in body


# -- PostgreSQL ----------------------------------------------------------------------


def explain(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # The tables are tiny here, so the planner would rightly scan them; forbid the
        # plain scans to see that the trigram index can answer the search.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_name_search_uses_the_trigram_index(marketer):
    bulk_journeys(50, marketer)
    plan = explain(JourneyFilter({"q": "spring"}, queryset=Journey.objects.all()).qs)
    assert "Bitmap Index Scan on journey_name_trgm" in plan, plan


@pytest.mark.postgres
def test_created_by_search_uses_the_trigram_indexes(make_user):
    for n in range(50):
        make_user(f"user{n}", first_name=f"First{n}", last_name="Last")
    plan = explain(users_matching("mia mark"))
    assert "Bitmap Index Scan on journey_user_username_trgm" in plan, plan
    assert "Bitmap Index Scan on journey_user_full_name_trgm" in plan, plan


@pytest.mark.postgres
def test_the_list_page_search_uses_the_trigram_indexes(marketer):
    bulk_journeys(50, marketer)
    query = {"q": "spring", "created_by": "mia"}
    plan = explain(JourneyFilter(query, queryset=Journey.objects.all()).qs)
    assert "journey_name_trgm" in plan and "journey_user_username_trgm" in plan, plan


def test_saving_columns_queries(client, viewer, django_assert_num_queries):
    ListPreference.objects.create(user=viewer, hidden_columns=["status"])
    client.force_login(viewer)
    # session, user, user permissions, group permissions; update_or_create: savepoint,
    # the preference locked for update, its update, savepoint release.
    with django_assert_num_queries(8):
        response = client.post(COLUMNS, {"columns": ["status"]}, headers=HTMX)
    assert response.status_code == 204
    assert "status" not in ListPreference.objects.get(user=viewer).hidden_columns
