"""The journey editor in Chromium, by role and accessible name: rename, publish, duplicate,
abort, and every dialog checked by axe and the Nu Html Checker."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from journeys.models import Journey, Status

PASSWORD = "correct-horse-battery"  # tests/conftest.py's make_user


@pytest.fixture
def editor(page: Page, live_server, transactional_db):
    """`editor(user, journey)`: log `user` in and open `journey` in the editor."""

    def open_editor(user, journey):
        page.goto(f"{live_server.url}/accounts/login/?next=/journeys/{journey.pk}/")
        page.get_by_label("Username", exact=True).fill(user.get_username())
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in", exact=True).click()
        expect(page.get_by_role("heading", level=1, name=journey.name)).to_be_visible()
        return page

    return open_editor


def dialog(page, name):
    return page.get_by_role("dialog", name=name)


def in_a_month():
    moment = timezone.localtime() + datetime.timedelta(days=30)
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_rename_in_place(editor, marketer, make_journey, axe_check):
    make_journey(Status.DRAFT, name="Taken")
    journey = make_journey(Status.DRAFT, name="Spring outreach")
    page = editor(marketer, journey)

    page.get_by_role("link", name="Edit name").click()
    name = page.get_by_role("textbox", name="Name")
    expect(name).to_be_focused()
    expect(name).to_have_value("Spring outreach")
    axe_check(page)

    # A refused name is explained in place.
    name.fill("taken")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("A journey named “taken” already exists.")).to_be_visible()
    name = page.get_by_role("textbox", name="Name")

    name.fill("Summer outreach")
    page.get_by_role("textbox", name="Description").fill("For the summer fairs")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1, name="Summer outreach")).to_be_visible()
    expect(page.get_by_role("paragraph").filter(has_text="For the summer fairs")).to_be_visible()
    expect(page.get_by_role("link", name="Edit name")).to_be_focused()
    expect(page).to_have_title("Summer outreach · Journeys")
    # The history refreshed itself.
    history = page.get_by_role("region", name="History")
    expect(history.get_by_text("Name: Spring outreach → Summer outreach")).to_be_visible()
    assert Journey.objects.get(pk=journey.pk).name == "Summer outreach"

    # Escape cancels.
    page.get_by_role("link", name="Edit name").click()
    page.get_by_role("textbox", name="Name").fill("Never saved")
    page.keyboard.press("Escape")
    expect(page.get_by_role("textbox", name="Name")).to_have_count(0)
    expect(page.get_by_role("heading", level=1, name="Summer outreach")).to_be_visible()
    assert Journey.objects.get(pk=journey.pk).name == "Summer outreach"


def test_publish_flow(editor, publisher, make_journey, axe_check):
    journey = make_journey(Status.DRAFT, name="Launch")
    page = editor(publisher, journey)

    page.get_by_role("button", name="Publish").click()
    review = dialog(page, "Publish “Launch”")
    expect(review).to_be_visible()
    # The start date shows only for a start on a specific date.
    review.get_by_role("radio", name="On a specific date").check()
    expect(review.get_by_role("textbox", name="Start date")).to_be_visible()
    review.get_by_role("radio", name="Immediately").check()
    expect(review.get_by_role("textbox", name="Start date")).to_be_hidden()
    review.get_by_role("textbox", name="End date").fill(in_a_month())
    axe_check(page)
    review.get_by_role("button", name="Next").click()

    expect(review.get_by_text("Immediately, when you publish")).to_be_visible()
    axe_check(page)
    review.get_by_role("button", name="Publish").click()

    expect(page.get_by_text("“Launch” is live.")).to_be_visible()
    expect(page.locator(".badge")).to_have_text("Live")
    expect(page.get_by_role("button", name="Close to new entries")).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    assert Journey.objects.get(pk=journey.pk).status == Status.LIVE


def test_publish_review_refuses_an_end_date_too_far(editor, publisher, make_journey):
    journey = make_journey(Status.DRAFT, name="Far away")
    page = editor(publisher, journey)
    page.get_by_role("button", name="Publish").click()
    review = dialog(page, "Publish “Far away”")
    review.get_by_role("textbox", name="End date").fill("2036-01-01T10:00")
    review.get_by_role("button", name="Next").click()
    too_far = "The end date can be at most 3 years after the start."
    expect(review.get_by_text(too_far)).to_be_visible()
    expect(review.get_by_role("button", name="Next")).to_be_visible()
    assert Journey.objects.get(pk=journey.pk).status == Status.DRAFT


def test_publish_is_disabled_while_errors_exist(editor, publisher, make_journey, axe_check):
    journey = make_journey(Status.DRAFT, name="Unfinished", ready=False)
    page = editor(publisher, journey)
    publish = page.get_by_role("button", name="Publish")
    expect(publish).to_be_disabled()
    expect(publish).to_have_accessible_description("Resolve errors before publishing")
    errors = page.get_by_role("region", name=re.compile("errors to resolve before publishing"))
    expect(errors.get_by_text("Set an end date for the journey.")).to_be_visible()
    errors.get_by_role("link", name=re.compile("Open journey settings")).click()
    settings = dialog(page, "Journey settings")
    expect(settings.get_by_role("textbox", name="End date")).to_be_visible()
    settings.get_by_role("button", name="Cancel").click()
    expect(settings).to_be_hidden()
    errors.get_by_role("link", name=re.compile("Select the node")).click()
    expect(page.get_by_role("complementary", name="Properties").get_by_role(
        "heading", name="Account audience")).to_be_visible()
    axe_check(page)


def test_duplicate(editor, marketer, make_journey):
    journey = make_journey(Status.LIVE, name="Winter")
    page = editor(marketer, journey)

    page.get_by_role("button", name="Duplicate").click()
    duplicate = dialog(page, "Duplicate “Winter”")
    expect(duplicate.get_by_role("textbox", name="Name")).to_have_value("Winter_copy")
    duplicate.get_by_role("radio", name="Duplicate without details").check()
    duplicate.get_by_role("button", name="Duplicate").click()

    expect(page.get_by_role("heading", level=1, name="Winter_copy")).to_be_visible()
    copied = "“Winter_copy” was created as a copy of “Winter”."
    expect(page.get_by_text(copied)).to_be_visible()
    expect(page.locator(".badge")).to_have_text("Draft")
    copy = Journey.objects.get(name="Winter_copy")
    assert page.url.endswith(f"/journeys/{copy.pk}/")


def test_abort_with_confirmation(editor, publisher, make_journey, axe_check):
    journey = make_journey(Status.LIVE, name="Autumn")
    page = editor(publisher, journey)

    page.get_by_role("button", name="Abort").click()
    confirm = dialog(page, "Abort “Autumn”?")
    expect(confirm.get_by_text("Every account in the journey stops at once")).to_be_visible()
    axe_check(page)
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    assert Journey.objects.get(pk=journey.pk).status == Status.LIVE

    page.get_by_role("button", name="Abort").click()
    confirm.get_by_role("button", name="Abort").click()
    expect(page.get_by_text("“Autumn” was aborted.")).to_be_visible()
    expect(page.locator(".badge")).to_have_text("Aborted")
    expect(page.get_by_role("button", name="Abort")).to_have_count(0)
    assert Journey.objects.get(pk=journey.pk).status == Status.ABORTED


@pytest.mark.parametrize(
    ("status", "openers"),
    [
        (Status.DRAFT, [("Publish", "Publish “Every dialog”"),
                        ("Duplicate", "Duplicate “Every dialog”"),
                        ("Delete", "Delete “Every dialog”?"),
                        ("Journey settings", "Journey settings"),
                        ("Re-entry", "Re-entry")]),
        (Status.LIVE, [("Close to new entries", "Close “Every dialog” to new entries?"),
                       ("Abort", "Abort “Every dialog”?"),
                       ("Journey settings", "Journey settings")]),
    ],
)
def test_every_dialog_passes_axe_and_the_nu_checker(
    editor, admin_user, make_journey, axe_check, nu_check, status, openers
):
    journey = make_journey(status, name="Every dialog")
    page = editor(admin_user, journey)
    documents = {}
    for button, title in openers:
        page.get_by_role("button", name=button, exact=True).click()
        opened = dialog(page, title)
        expect(opened).to_be_visible()
        axe_check(page)
        documents[f"{status} {button}"] = page.content()
        page.keyboard.press("Escape")
        expect(opened).to_be_hidden()
    nu_check(**documents)
