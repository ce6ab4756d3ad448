"""Crafted input anywhere gets a 4xx with a message, never a 500, and changes nothing.

Run on SQLite and on PostgreSQL (bin/test runs both): PostgreSQL refuses NUL characters
and integers past bigint inside queries, where SQLite shrugs.
"""

import pytest
from django.urls import reverse

from journeys.models import Journey, Status
from tests.test_lifecycle import snapshot

HUGE = "99999999999999999999999"  # past any database integer


def at(journey, path):
    """`path` with {journey} and {node} filled in (ids differ between databases)."""
    return path.replace("{journey}", str(journey.pk)).replace(
        "{node}", str(journey.nodes.get().pk)
    )


@pytest.fixture
def superuser_client(client, admin_user):
    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_superuser"])
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    "path",
    [
        f"/journeys/{HUGE}/",
        f"/journeys/{HUGE}/rename/",
        "/journeys/{journey}/nodes/" + HUGE + "/",
    ],
)
def test_ids_past_any_integer_are_not_found(superuser_client, make_journey, path):
    assert superuser_client.get(at(make_journey(Status.DRAFT), path)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/?q=%00",
        "/?created_by=a%00b",
        "/?status=%00",
        "/journeys/{journey}/?dialog=%00",
        "/journeys/{journey}/nodes/{node}/?q=%00",
        "/admin/journeys/journey/?status__exact=%00",
        "/admin/journeys/journey/?q=%00",
        "/admin/audiences/account/?q=%00",
        "/admin/audiences/accountlist/?q=%00",
    ],
)
def test_a_nul_character_in_the_query_string_is_a_400(superuser_client, make_journey, path):
    response = superuser_client.get(at(make_journey(Status.DRAFT), path))
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        f"/?page={HUGE}",
        f"/?per_page={HUGE}",
        "/?page=1e9",
        "/?sort=" + "x" * 5000,
        "/?q=" + "a" * 10_000,
        f"/admin/journeys/journey/?created_by__id__exact={HUGE}",
        "/admin/journeys/journey/?o=99",
        "/journeys/{journey}/nodes/{node}/?source=list&q=" + "a" * 3000,
    ],
)
def test_odd_query_strings_still_give_a_page(superuser_client, make_journey, path):
    assert superuser_client.get(at(make_journey(Status.DRAFT), path)).status_code == 200


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("journeys:rename", {"name": "x", "version": HUGE}),
        ("journeys:rename", {"name": "x\x00y", "version": "1"}),
        ("journeys:settings", {"start_mode": "scheduled", "start_at": "99999-12-31T00:00",
                               "end_at": "0001-01-01T00:00", "version": "1"}),
        ("journeys:settings", {"start_mode": "immediately", "end_at": "9999-12-31T23:59",
                               "version": "1"}),
        ("journeys:reentry", {"reentry_enabled": "on", "reentry_timing": "from_end",
                              "reentry_delay": HUGE, "reentry_delay_unit": "days",
                              "reentry_limit": "-1", "version": "1"}),
        ("journeys:publish", {"start_mode": "scheduled", "start_at": "garbage", "end_at": "",
                              "version": HUGE}),
        ("journeys:publish_review", {"start_mode": "immediately",
                                     "end_at": "9999-12-31T23:59", "version": "1"}),
        ("journeys:duplicate", {"name": "a" * 5000, "mode": "partial", "version": HUGE}),
        ("journeys:duplicate", {"name": "\x00", "version": "abc"}),
        ("journeys:abort", {"version": "abc"}),
        ("journeys:delete", {"version": HUGE}),
        ("journeys:node", {"version": HUGE, "source": "list", "source_id": HUGE}),
        ("journeys:node", {"version": "1", "source": "audience", "source_id": "abc"}),
        ("journeys:node", {"version": "1", "source": "x\x00", "source_id": "1"}),
    ],
)
def test_crafted_posts_are_refused_and_change_nothing(
    superuser_client, make_journey, url_name, data
):
    journey = make_journey(Status.DRAFT)
    before = snapshot(journey)
    args = [journey.pk, journey.nodes.get().pk] if url_name == "journeys:node" else [journey.pk]
    response = superuser_client.post(reverse(url_name, args=args), data)
    assert 400 <= response.status_code < 500, response.status_code
    assert snapshot(journey) == before


@pytest.mark.parametrize(
    "data",
    [{"name": "\x00bad", "description": "x"}, {"name": "a" * 5000}, {"description": "no name"}],
)
def test_a_bad_new_journey_is_refused(superuser_client, data):
    response = superuser_client.post(reverse("journeys:create"), data)
    assert response.status_code == 400
    assert Journey.objects.count() == 0


@pytest.mark.parametrize("next_url", ["http://evil.example/", "//evil.example/", "/admin/"])
def test_columns_never_redirect_off_the_list(superuser_client, next_url):
    response = superuser_client.post(
        reverse("journeys:columns"), {"columns": ["status"], "next": next_url}
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response["Location"].startswith("/") and not response["Location"].startswith(
            ("//", "/admin")
        )
