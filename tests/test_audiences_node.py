"""The Account audience node's settings: the model rule (Node.update_settings), the
blocker errors, the card summary, and the properties pane (journeys:node)."""

import pytest
from django.urls import reverse

from journeys.audiences.models import Account, AccountAudience, AccountList
from journeys.errors import ActionForbidden, GuardrailViolation, StaleEdit
from journeys.models import JourneyActivity, Status


@pytest.fixture
def sources(db):
    accounts = Account.objects.bulk_create(
        Account(name=f"Account {i}", industry="Software" if i % 2 else "Retail",
                employee_size=i * 100)
        for i in range(1, 7)
    )
    emea = AccountList.objects.create(name="Key accounts EMEA")
    emea.accounts_in.set(accounts[:4])
    AccountList.objects.create(name="Empty list")
    software = AccountAudience.objects.create(name="Software companies", conditions={
        "match": "all", "rows": [{"attribute": "industry", "operator": "is", "value": "software"}],
    })
    return {"list": emea, "audience": software}


def audience_node(journey):
    return journey.nodes.get(kind="audience")


def test_choosing_a_list_saves_bumps_the_version_and_records_history(
    make_journey, marketer, sources
):
    journey = make_journey(Status.DRAFT, ready=False)
    node = audience_node(journey)
    version = journey.version
    node.update_settings(marketer, {"source": "list", "source_id": sources["list"].pk})
    node.refresh_from_db()
    journey.refresh_from_db()
    assert node.settings == {"source": "list", "source_id": sources["list"].pk}
    assert journey.version == version + 1 and journey.updated_by == marketer
    activity = journey.activities.first()
    assert activity.verb == JourneyActivity.Verb.EDITED and activity.actor == marketer
    assert activity.details["node"] == node.pk
    assert node.summary == "Account list: Key accounts EMEA · 4 accounts"


def test_an_audience_card_counts_its_accounts_right_now(make_journey, marketer, sources):
    journey = make_journey(Status.DRAFT, ready=False)
    node = audience_node(journey)
    node.update_settings(marketer, {"source": "audience", "source_id": sources["audience"].pk})
    assert node.summary == "Account audience: Software companies · 3 accounts"
    Account.objects.create(name="Newcomer", industry="Software")
    node = audience_node(journey)
    assert node.summary == "Account audience: Software companies · 4 accounts"


@pytest.mark.parametrize("status", [s for s in Status if s != Status.DRAFT])
def test_settings_change_only_in_draft(make_journey, marketer, sources, status):
    journey = make_journey(status)
    node = audience_node(journey)
    before = node.settings, journey.version
    with pytest.raises(GuardrailViolation, match="only while the journey is a Draft"):
        node.update_settings(marketer, {"source": "audience", "source_id": sources["audience"].pk})
    journey.refresh_from_db()
    assert (audience_node(journey).settings, journey.version) == before


def test_a_viewer_cannot_change_settings(make_journey, viewer, sources):
    node = audience_node(make_journey(Status.DRAFT, ready=False))
    with pytest.raises(ActionForbidden):
        node.update_settings(viewer, {"source": "list", "source_id": sources["list"].pk})
    assert audience_node(node.journey).settings == {}


def test_a_stale_form_is_refused(make_journey, marketer, sources):
    journey = make_journey(Status.DRAFT, ready=False)
    node = audience_node(journey)
    old_version = journey.version
    journey.edit(marketer, description="changed meanwhile")
    with pytest.raises(StaleEdit):
        audience_node(journey).update_settings(
            marketer, {"source": "list", "source_id": sources["list"].pk}, version=old_version
        )
    assert audience_node(journey).settings == node.settings


@pytest.mark.parametrize(
    ("new_settings", "message"),
    [
        ({"source": "segment", "source_id": 1}, "Choose Account list or Account audience."),
        ({"source": "list", "source_id": 999_999}, "That account list does not exist"),
        ({"source": "audience", "source_id": "1"}, "That account audience does not exist"),
    ],
)
def test_bad_settings_are_refused(make_journey, marketer, sources, new_settings, message):
    node = audience_node(make_journey(Status.DRAFT, ready=False))
    with pytest.raises(GuardrailViolation, match=message):
        node.update_settings(marketer, new_settings)


def test_unchosen_audience_is_a_blocker_error(make_journey):
    journey = make_journey(Status.DRAFT, ready=False)
    messages = [error.message for error in journey.blocker_errors()]
    assert "Account audience: choose an account list or an audience." in messages


@pytest.mark.parametrize(("source", "kind"), [("list", "account list"),
                                              ("audience", "account audience")])
def test_a_deleted_source_is_a_blocker_error(make_journey, marketer, sources, source, kind):
    journey = make_journey(Status.DRAFT)
    node = audience_node(journey)
    node.update_settings(marketer, {"source": source, "source_id": sources[source].pk})
    assert journey.blocker_errors() == []
    sources[source].delete_source()
    errors = journey.blocker_errors()
    assert [error.message for error in errors] == [
        f"Account audience: the chosen {kind} was deleted; choose another."
    ]
    assert errors[0].node_id == node.pk
    assert audience_node(journey).summary == "The chosen audience was deleted"


def test_blocker_errors_load_the_source_in_one_query(
    make_journey, sources, django_assert_num_queries
):
    journey = make_journey(Status.DRAFT)
    # the nodes with their paths, the chosen list (with its count).
    with django_assert_num_queries(2):
        assert journey.blocker_errors() == []


@pytest.mark.parametrize("source", ["list", "audience"])
def test_a_source_a_live_journey_uses_cannot_be_deleted(make_journey, marketer, sources, source):
    journey = make_journey(Status.DRAFT)
    audience_node(journey).update_settings(
        marketer, {"source": source, "source_id": sources[source].pk}
    )
    journey.refresh_from_db()
    journey.publish(journey.updated_by.__class__.objects.get(username="pat"))
    with pytest.raises(GuardrailViolation, match=f"“{journey.name}”"):
        sources[source].delete_source()
    assert type(sources[source]).objects.filter(pk=sources[source].pk).exists()
    journey.close_to_new_entries(journey.published_by)
    sources[source].delete_source()
    assert not type(sources[source]).objects.filter(pk=sources[source].pk).exists()


# -- the properties pane (journeys:node) ------------------------------------------------


def node_url(journey):
    return reverse("journeys:node", args=[journey.pk, audience_node(journey).pk])


def test_pane_shows_the_picker_with_constant_queries(
    client, marketer, make_journey, sources, django_assert_num_queries
):
    journey = make_journey(Status.DRAFT, ready=False)
    client.force_login(marketer)
    url = node_url(journey)
    # session, user, user permissions, group permissions, journey, node with its path,
    # picker matches (lists with their counts); an unchosen node loads nothing more.
    with django_assert_num_queries(7):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="list" checked' in body
    assert "Key accounts EMEA <span class=\"picker-count\">(4 accounts)</span>" in body
    assert "Empty list" in body and "Software companies" not in body
    assert "No audience chosen" in body
    AccountList.objects.bulk_create(AccountList(name=f"Extra {i}") for i in range(30))
    with django_assert_num_queries(7):
        body = client.get(url).content.decode()
    assert body.count('name="source_id"') == 20
    assert "Showing the first 20; type to narrow down." in body


def test_picker_searches_by_name_as_an_htmx_partial(
    client, marketer, make_journey, sources, django_assert_num_queries
):
    journey = make_journey(Status.DRAFT, ready=False)
    client.force_login(marketer)
    headers = {"HX-Request": "true", "HX-Target": "source-choices"}
    url = node_url(journey)
    # session, user, user permissions, group permissions, journey, node, picker matches.
    with django_assert_num_queries(7):
        response = client.get(url, {"source": "audience", "q": "soft"},
                              headers=headers)
    body = response.content.decode()
    assert body.lstrip().startswith('<fieldset id="source-choices"')
    assert "Software companies" in body and "Key accounts" not in body
    assert "HX-Request" in response["Vary"]
    body = client.get(node_url(journey), {"source": "list", "q": "zzz"},
                      headers=headers).content.decode()
    assert "Nothing matches “zzz”." in body


def test_properties_partial_for_the_editor(client, viewer, make_journey, sources,
                                           django_assert_num_queries):
    journey = make_journey(Status.LIVE)
    client.force_login(viewer)
    url = node_url(journey)
    # session, user, user permissions, group permissions, journey, node with its path,
    # the chosen list with its count.
    with django_assert_num_queries(7):
        response = client.get(url, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="properties"')
    assert "Account list: Test accounts · 0 accounts" in body
    assert "<form" not in body
    assert "Your role does not allow you to edit journeys." in body


def test_saving_without_javascript_redirects_back(client, marketer, make_journey, sources):
    journey = make_journey(Status.DRAFT, ready=False)
    client.force_login(marketer)
    response = client.post(node_url(journey), {
        "version": journey.version, "source": "audience", "source_id": sources["audience"].pk,
    }, follow=True)
    assert response.redirect_chain == [(node_url(journey), 302)]
    body = response.content.decode()
    assert "Account audience saved." in body
    assert "Account audience: Software companies · 3 accounts" in body
    assert audience_node(journey).settings["source_id"] == sources["audience"].pk


def test_saving_with_htmx_answers_the_pane_and_an_event(client, marketer, make_journey, sources):
    journey = make_journey(Status.DRAFT, ready=False)
    client.force_login(marketer)
    response = client.post(node_url(journey), {
        "version": journey.version, "source": "list", "source_id": sources["list"].pk,
    }, headers={"HX-Request": "true", "HX-Target": "properties"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="properties"')
    assert "Account list: Key accounts EMEA · 4 accounts" in body and "Saved." in body
    assert '"nodeSettingsSaved"' in response["HX-Trigger"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"source": "list"}, "Choose an account list or an audience."),
        ({"source": "list", "source_id": "abc"}, "Enter a whole number."),
        ({"source": "list", "source_id": "999999"}, "That account list does not exist"),
        ({"source": "group", "source_id": "1"}, "Select a valid choice."),
        ({"source": "list", "source_id": "1", "version": "x"},
         "This form is out of date; reload the page."),
    ],
)
def test_bad_posts_get_a_message_and_400(client, marketer, make_journey, sources, data, message):
    journey = make_journey(Status.DRAFT, ready=False)
    client.force_login(marketer)
    response = client.post(node_url(journey), {"version": journey.version, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert audience_node(journey).settings == {}


def test_posting_to_a_live_journey_is_refused(client, publisher, make_journey, sources):
    journey = make_journey(Status.LIVE)
    client.force_login(publisher)
    response = client.post(node_url(journey), {
        "version": journey.version, "source": "list", "source_id": sources["list"].pk,
    })
    assert response.status_code == 400
    assert "only while the journey is a Draft" in response.content.decode()
    assert audience_node(journey).settings["source_id"] != sources["list"].pk


def test_a_stale_post_is_refused_with_409(client, marketer, make_journey, sources):
    journey = make_journey(Status.DRAFT, ready=False)
    client.force_login(marketer)
    response = client.post(node_url(journey), {
        "version": journey.version - 1 or 999, "source": "list", "source_id": sources["list"].pk,
    })
    assert response.status_code == 409
    assert "reload to see it" in response.content.decode()


def test_other_methods_are_refused(client, marketer, make_journey):
    client.force_login(marketer)
    assert client.put(node_url(make_journey(Status.DRAFT))).status_code == 405


def test_pane_pages_validate_as_html(client, marketer, make_journey, sources, nu_check):
    draft = make_journey(Status.DRAFT, ready=False)
    live = make_journey(Status.LIVE)
    client.force_login(marketer)
    nu_check(
        unchosen=client.get(node_url(draft)),
        with_errors=client.post(node_url(draft), {"version": draft.version, "source": "list"}),
        live=client.get(node_url(live)),
    )


def test_editor_header_and_map_follow_a_save_in_the_pane(
    client, publisher, make_journey, sources, django_assert_num_queries
):
    """The pane's save says nodeSettingsSaved; the editor's header (errors, Publish) and
    map reload themselves on it."""
    journey = make_journey(Status.DRAFT, ready=False)
    journey.edit(publisher, end_at=journey.created_at.replace(year=journey.created_at.year + 1))
    client.force_login(publisher)
    editor = reverse("journeys:detail", args=[journey.pk])
    header = client.get(editor, headers={"HX-Request": "true", "HX-Target": "journey-header"})
    assert "Resolve errors before publishing" in header.content.decode()

    saved = client.post(node_url(journey), {"version": journey.version, "source": "list",
                                            "source_id": sources["list"].pk},
                        headers={"HX-Request": "true"})
    assert "nodeSettingsSaved" in saved["HX-Trigger"]

    header = client.get(editor, headers={"HX-Request": "true", "HX-Target": "journey-header"})
    assert "Resolve errors before publishing" not in header.content.decode()
    # session, user, user permissions, group permissions, journey with its users,
    # the nodes with their paths, the chosen list with its account count.
    with django_assert_num_queries(7):
        card = client.get(editor, headers={"HX-Request": "true", "HX-Target": "journey-map"})
    body = card.content.decode()
    assert body.lstrip().startswith('<section id="journey-map"')
    assert sources["list"].name in body
