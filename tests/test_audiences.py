"""Audience data: the models' rules, the admin (search, filters, delete guard) and the
role groups' permissions, and the demo data."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from journeys.audiences.models import (
    Account,
    AccountAudience,
    AccountList,
    BuyingGroup,
    BuyingGroupMember,
    Person,
    SolutionInterest,
)
from journeys.models import Journey, Status
from journeys.roles import ADMIN, MARKETER, PUBLISHER, VIEWER

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    return Account.objects.create(name="Acme", industry="Software", country="Germany",
                                  employee_size=250)


def test_account_names_are_unique_ignoring_case(acme):
    with pytest.raises(ValidationError, match="An account with this name already exists."):
        Account(name="ACME").full_clean()


def test_a_person_email_is_valid_and_unique_per_account(acme):
    Person.objects.create(account=acme, email="kim@acme.example")
    with pytest.raises(ValidationError, match="already has a person with this email"):
        Person(account=acme, email="KIM@acme.example").full_clean()
    with pytest.raises(ValidationError, match="Enter a valid email address"):
        Person(account=acme, email="kim").full_clean()
    other = Account.objects.create(name="Globex")
    Person(account=other, email="kim@acme.example").full_clean()


def test_buying_group_status_is_at_most_50_characters_and_scores_at_most_100(acme):
    interest = SolutionInterest.objects.create(name="Analytics")
    group = BuyingGroup(account=acme, solution_interest=interest, status="x" * 51,
                        engagement_score=101)
    with pytest.raises(ValidationError) as raised:
        group.full_clean()
    assert set(raised.value.message_dict) == {"status", "engagement_score"}


def test_a_buying_group_member_belongs_to_the_groups_account(acme):
    group = BuyingGroup.objects.create(
        account=acme, solution_interest=SolutionInterest.objects.create(name="Cloud")
    )
    outsider = Person.objects.create(account=Account.objects.create(name="Globex"),
                                     email="x@globex.example")
    with pytest.raises(ValidationError, match="buying group's account's people"):
        BuyingGroupMember(buying_group=group, person=outsider).full_clean()


def test_an_audience_needs_valid_conditions():
    audience = AccountAudience(name="Big", conditions={"match": "all", "rows": [
        {"attribute": "employee_size", "operator": "gt", "value": "many"}]})
    with pytest.raises(ValidationError) as raised:
        audience.full_clean()
    assert raised.value.message_dict == {
        "conditions": ["Condition 1: “many” is not a number (Employee size)."]
    }
    audience.conditions = {"match": "all", "rows": []}
    with pytest.raises(ValidationError, match="Add at least one condition."):
        audience.full_clean()


def test_an_audience_counts_the_accounts_it_matches_right_now(acme):
    audience = AccountAudience.objects.create(name="Germany", conditions={
        "match": "all", "rows": [{"attribute": "country", "operator": "is", "value": "Germany"}]})
    assert audience.account_count() == 1
    Account.objects.create(name="Bayer", country="germany")
    assert audience.account_count() == 2


@pytest.mark.parametrize(
    ("role", "may_view", "may_change"),
    [(VIEWER, True, False), (MARKETER, True, False), (PUBLISHER, True, False),
     (ADMIN, True, True)],
)
def test_roles_read_audience_data_and_admins_manage_it(make_user, role, may_view, may_change):
    user = make_user(f"user-{role}", role)
    for model in ["account", "person", "solutioninterest", "buyinggroup",
                  "buyinggroupmember", "accountlist", "accountaudience"]:
        assert user.has_perm(f"audiences.view_{model}") is may_view
        for verb in ("add", "change", "delete"):
            assert user.has_perm(f"audiences.{verb}_{model}") is may_change
    assert Group.objects.get(name=role).permissions.filter(
        content_type__app_label="journeys", codename="view_journey").exists()


# -- the admin ---------------------------------------------------------------------------


@pytest.fixture
def audience_data(acme):
    interest = SolutionInterest.objects.create(name="Analytics")
    people = [Person.objects.create(account=acme, email=f"p{i}@acme.example",
                                    last_name=f"P{i}") for i in range(3)]
    group = BuyingGroup.objects.create(account=acme, solution_interest=interest,
                                       status="Active")
    for person in people:
        BuyingGroupMember.objects.create(buying_group=group, person=person)
    key = AccountList.objects.create(name="Key accounts")
    key.accounts_in.add(acme)
    AccountAudience.objects.create(name="German", conditions={
        "match": "all", "rows": [{"attribute": "country", "operator": "is", "value": "Germany"}]})


@pytest.mark.parametrize(
    ("model", "search", "expected"),
    [("account", "acm", "Acme"), ("person", "p2@", "p2@acme.example"),
     ("buyinggroup", "acme", "Active"), ("solutioninterest", "ana", "Analytics"),
     ("accountlist", "key", "Key accounts"), ("accountaudience", "germ", "Country is Germany")],
)
def test_admin_change_lists_search_and_open(
    client, admin_user, audience_data, model, search, expected
):
    client.force_login(admin_user)
    url = reverse(f"admin:audiences_{model}_changelist")
    response = client.get(url, {"q": search})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert client.get(reverse(f"admin:audiences_{model}_add")).status_code == 200


def test_admin_change_lists_do_not_query_per_row(
    client, admin_user, audience_data, django_assert_max_num_queries
):
    client.force_login(admin_user)
    for i in range(20):
        Person.objects.create(account=Account.objects.create(name=f"A{i}"), email="x@y.example")
    # session, user, permissions, the count, the page with accounts joined, filters, ...:
    # a fixed number whatever the page size.
    with django_assert_max_num_queries(10):
        client.get(reverse("admin:audiences_person_changelist"))
    with django_assert_max_num_queries(10):
        client.get(reverse("admin:audiences_accountlist_changelist"))


def test_admin_audience_form_shows_the_condition_messages(client, admin_user):
    client.force_login(admin_user)
    # The builder's rows (tests/test_audience_builder.py has the rest).
    response = client.post(reverse("admin:audiences_accountaudience_add"), {
        "name": "Bad", "description": "", "conditions-TOTAL_FORMS": "1",
        "conditions-INITIAL_FORMS": "0", "conditions-match": "all",
        "conditions-0-attribute": "colour", "conditions-0-operator": "is",
        "conditions-0-value": "red",
    })
    assert response.status_code == 200
    assert "Condition 1: unknown attribute “colour”." in response.content.decode()
    assert not AccountAudience.objects.exists()


@pytest.mark.parametrize("model", ["accountlist", "accountaudience"])
def test_admin_refuses_deleting_a_source_a_live_journey_uses(
    client, admin_user, make_journey, marketer, audience_data, model
):
    source = (AccountList if model == "accountlist" else AccountAudience).objects.get()
    journey = make_journey(Status.DRAFT)
    journey.nodes.get().update_settings(
        marketer, {"source": source.source_key, "source_id": source.pk})
    journey.refresh_from_db()
    journey.publish(Journey.objects.get(pk=journey.pk).created_by.__class__.objects.get(
        username="pat"))
    client.force_login(admin_user)
    url = reverse(f"admin:audiences_{model}_delete", args=[source.pk])
    page = client.get(url).content.decode()
    assert f"the Live journey(s) “{journey.name}” take their accounts from it" in page
    client.post(url, {"post": "yes"})
    assert type(source).objects.filter(pk=source.pk).exists()
    bulk = client.post(reverse(f"admin:audiences_{model}_changelist"), {
        "action": "delete_selected", "_selected_action": [source.pk], "post": "yes"})
    assert "take their accounts from it" in bulk.content.decode()
    assert type(source).objects.filter(pk=source.pk).exists()
    journey.abort(journey.published_by)
    client.post(url, {"post": "yes"})
    assert not type(source).objects.filter(pk=source.pk).exists()


# -- demo data ---------------------------------------------------------------------------


def test_seed_demo_is_idempotent_and_points_journeys_at_real_sources():
    call_command("seed_demo", stdout=open("/dev/null", "w"))

    def snapshot():
        return [
            Account.objects.count(), Person.objects.count(), BuyingGroup.objects.count(),
            BuyingGroupMember.objects.count(),
            sorted(AccountList.objects.values_list("name", flat=True)),
            sorted(AccountAudience.objects.values_list("name", flat=True)),
            sorted(Journey.objects.values_list("name", "status", "version")),
        ]

    first = snapshot()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert snapshot() == first
    assert first[0] >= 200 and first[1] >= first[0] and first[2] > 0
    assert len(first[4]) == 2 and len(first[5]) == 2
    for journey in Journey.objects.exclude(status=Status.DRAFT):
        assert journey.blocker_errors() == [] or journey.status != Status.DRAFT
        assert "deleted" not in journey.nodes.get(kind="audience").summary
        assert journey.nodes.get(kind="audience").settings.get("source_id")
    ready = [j for j in Journey.objects.filter(status=Status.DRAFT) if not j.blocker_errors()]
    assert [j.name for j in ready] == ["Spring webinar invite"]
    assert AccountAudience.objects.get(name="Mid-size software companies").account_count() > 0
