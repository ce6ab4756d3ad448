"""Choosing a journey's audience in the editor's properties pane, then publishing it."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from journeys.audiences.models import Account, AccountAudience, AccountList
from journeys.models import Journey
from journeys.roles import PUBLISHER, ensure_groups
from tests.browser.test_login import served_html

PASSWORD = "a-long-and-correct-passphrase"


@pytest.fixture
def journey(transactional_db, django_user_model):
    ensure_groups()
    user = django_user_model.objects.create_user(username="pia", password=PASSWORD)
    user.groups.add(Group.objects.get(name=PUBLISHER))
    Account.objects.bulk_create(
        Account(name=f"Account {i}", industry="Software" if i % 3 else "Retail")
        for i in range(30)
    )
    AccountList.objects.create(name="Key accounts")
    AccountAudience.objects.create(name="Software companies", conditions={
        "match": "all", "rows": [{"attribute": "industry", "operator": "is", "value": "Software"}],
    })
    AccountAudience.objects.create(name="Retailers", conditions={
        "match": "all", "rows": [{"attribute": "industry", "operator": "is", "value": "Retail"}],
    })
    journey = Journey.objects.create_journey(user, "Spring webinar invite")
    journey.edit(user, end_at=timezone.now() + datetime.timedelta(days=60))
    return journey


def test_choose_an_audience_then_publish(page: Page, live_server, journey, axe_check, nu_check):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username", exact=True).fill("pia")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", name="Account journeys", level=1)).to_be_visible()

    node = journey.nodes.get(kind="audience")
    editor_url = live_server.url + reverse("journeys:detail", args=[journey.pk])
    served = {"editor": served_html(page, lambda: page.goto(editor_url))}
    publish = page.get_by_role("button", name="Publish", exact=True)
    expect(publish).to_be_disabled()
    expect(publish).to_have_accessible_description("Resolve errors before publishing")

    # The node card loads the audience settings into the properties pane (htmx).
    page.get_by_role("link", name=re.compile("^Account audience")).click()
    pane = page.locator("#properties")
    expect(pane.get_by_role("heading", name="Account audience")).to_be_visible()
    expect(pane.get_by_text("No audience chosen")).to_be_visible()
    axe_check(page)

    # Switch to audiences, then narrow the picker by typing (htmx swaps the choices).
    pane.get_by_role("radio", name="Account audience").check()
    expect(pane.get_by_role("group", name="Choose an account audience")).to_be_visible()
    expect(pane.get_by_role("radio", name="Retailers")).to_be_visible()
    pane.get_by_role("searchbox", name="Search by name").fill("soft")
    expect(pane.get_by_role("radio", name="Retailers")).to_have_count(0)
    pane.get_by_role("radio", name="Software companies").check()
    pane.get_by_role("button", name="Save audience").click()

    summary = "Account audience: Software companies · 20 accounts"
    expect(pane.get_by_text(summary)).to_be_visible()
    expect(pane.get_by_role("status")).to_have_text("Saved.")
    # The map card and the header heard nodeSettingsSaved: the card names the audience
    # and Publish is possible now.
    expect(page.locator("#journey-map").get_by_text(summary)).to_be_visible()
    expect(publish).to_be_enabled()
    axe_check(page)

    publish.click()
    review = page.get_by_role("dialog", name="Publish “Spring webinar invite”")
    review.get_by_role("button", name="Next").click()
    review.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("“Spring webinar invite” is live.")).to_be_visible()
    page.get_by_role("link", name="Account journeys").first.click()
    row = page.get_by_role("row", name=re.compile("Spring webinar invite"))
    expect(row.get_by_text("Live")).to_be_visible()

    journey.refresh_from_db()
    assert journey.status == "live"
    assert node.__class__.objects.get(pk=node.pk).settings["source"] == "audience"

    node_url = live_server.url + reverse("journeys:node", args=[journey.pk, node.pk])
    served["node page"] = served_html(page, lambda: page.goto(node_url))
    nu_check(**served)
