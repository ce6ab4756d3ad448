"""An admin builds an account audience row by row in the Django admin, in Chromium."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import Page, expect

from journeys.audiences.models import Account, AccountAudience
from journeys.roles import ADMIN, ensure_groups
from tests.browser.test_login import served_html

PASSWORD = "a-long-and-correct-passphrase"


@pytest.fixture
def admin(transactional_db, django_user_model):
    ensure_groups()
    user = django_user_model.objects.create_user(
        username="ada", password=PASSWORD, is_staff=True, first_name="Ada"
    )
    user.groups.add(Group.objects.get(name=ADMIN))
    Account.objects.bulk_create([
        Account(name="Acme", country="France", employee_size=20),
        Account(name="Globex", country="Spain", employee_size=5000),
        Account(name="Initech", country="Italy", employee_size=900),
        Account(name="Umbrella", country="France", employee_size=3000),
    ])
    return user


def test_an_admin_builds_a_two_row_any_audience(page: Page, live_server, admin, axe_check,
                                                  nu_check):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    add_url = live_server.url + reverse("admin:audiences_accountaudience_add")
    served = {"add page": served_html(page, lambda: page.goto(add_url))}
    page.get_by_role("textbox", name="Name").fill("France or big")
    conditions = page.get_by_role("group", name="Conditions")
    conditions.get_by_role("radio", name="any condition").check()

    first = conditions.get_by_role("group", name="New condition").nth(0)
    first.get_by_role("combobox", name="Attribute").select_option(label="Country")
    # The script narrows the operators to the attribute's type.
    expect(first.get_by_role("option", name="≥", include_hidden=True)).to_be_disabled()
    expect(first.get_by_role("textbox", name="Custom attribute name")).to_be_hidden()
    first.get_by_role("combobox", name="Operator").select_option(label="is")
    first.get_by_role("textbox", name="Value").fill("France")

    second = conditions.get_by_role("group", name="New condition").nth(1)
    second.get_by_role("combobox", name="Attribute").select_option(label="Employee size")
    expect(second.get_by_role("option", name="contains", include_hidden=True)).to_be_disabled()
    second.get_by_role("combobox", name="Operator").select_option(label="between")
    expect(second.get_by_role("textbox", name="Value")).to_have_attribute("placeholder",
                                                                          "low, high")
    second.get_by_role("combobox", name="Operator").select_option(label="≥")
    second.get_by_role("textbox", name="Value").fill("1000")

    # "Add condition" adds a blank row; left blank, it is not a condition.
    conditions.get_by_role("button", name="Add condition").click()
    expect(conditions.get_by_role("group", name="New condition")).to_have_count(3)
    expect(conditions.get_by_role("group", name="New condition").nth(2).get_by_role(
        "combobox", name="Attribute")).to_be_focused()
    axe_check(page)

    served["change page"] = served_html(
        page, page.get_by_role("button", name="Save and continue editing").click
    )
    expect(page.get_by_text("“France or big” matches 3 accounts right now.")).to_be_visible()
    expect(page.locator(".field-account_count .readonly")).to_have_text("3")
    conditions = page.get_by_role("group", name="Conditions")
    expect(conditions.get_by_role("radio", name="any condition")).to_be_checked()
    condition_2 = conditions.get_by_role("group", name="Condition 2")
    expect(condition_2.get_by_role("combobox", name="Attribute")).to_have_value("employee_size")
    expect(condition_2.get_by_role("textbox", name="Value")).to_have_value("1000")
    assert AccountAudience.objects.get().conditions == {"match": "any", "rows": [
        {"attribute": "country", "operator": "is", "value": "France"},
        {"attribute": "employee_size", "operator": "gte", "value": 1000},
    ]}
    axe_check(page)

    # A mistake is shown beside its row.
    condition_2.get_by_role("textbox", name="Value").fill("lots")
    served["page with an error"] = served_html(
        page, page.get_by_role("button", name="Save and continue editing").click
    )
    condition_2 = page.get_by_role("group", name="Condition 2")
    expect(condition_2).to_have_accessible_description(
        "Condition 2: “lots” is not a number (Employee size).")
    axe_check(page)

    nu_check(**served)
    assert re.search(r"<fieldset[^>]*><legend[^>]*>Conditions", served["change page"])
