"""The journey list in Chromium, as a marketer uses it (roles and accessible names)."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from journeys.models import Journey, Status
from journeys.roles import ADMIN, MARKETER, ensure_groups
from tests.browser.test_login import served_html

PASSWORD = "a-long-and-correct-passphrase"


@pytest.fixture
def people(transactional_db, django_user_model):
    # live_server tests are transactional: bring back the groups the flush removed.
    ensure_groups()

    def make(username, role, **extra):
        user = django_user_model.objects.create_user(username=username, password=PASSWORD, **extra)
        user.groups.add(Group.objects.get(name=role))
        return user

    return {
        "mara": make("mara", MARKETER, first_name="Mara", last_name="Marketer"),
        "ada": make("ada", ADMIN, first_name="Ada", last_name="Admin", is_staff=True),
    }


@pytest.fixture
def journeys(people):
    mara = people["mara"]
    for name in ["Spring launch", "Autumn nurture", "Spring webinar", "Winter renewals"]:
        Journey.objects.create_journey(mara, name, description=f"About {name.lower()}")


def log_in(page: Page, live_server, username="mara"):
    page.goto(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", name="Account journeys", level=1)).to_be_visible()


def name_cells(page: Page):
    return page.get_by_role("table").get_by_role("row").filter(
        has=page.get_by_role("cell")
    ).get_by_role("link")


def test_typing_in_search_narrows_the_rows_and_the_url_follows(page: Page, live_server, journeys):
    log_in(page, live_server)
    expect(name_cells(page)).to_have_count(4)

    page.get_by_role("searchbox", name="Search by name").press_sequentially("spring")
    expect(name_cells(page)).to_have_text(["Spring webinar", "Spring launch"])
    expect(page).to_have_url(re.compile(r"\?q=spring"))
    expect(page.get_by_role("status").filter(has_text="journeys")).to_have_text("2 journeys")

    page.get_by_role("searchbox", name="Search by name").fill("no such journey")
    expect(page.get_by_role("heading", name="No journeys match")).to_be_visible()

    # Back returns to the previous search; a reload keeps the current one.
    page.go_back()
    expect(name_cells(page)).to_have_text(["Spring webinar", "Spring launch"])
    page.reload()
    expect(name_cells(page)).to_have_text(["Spring webinar", "Spring launch"])
    expect(page.get_by_role("searchbox", name="Search by name")).to_have_value("spring")


def test_clicking_a_header_sorts_and_clicking_again_reverses(page: Page, live_server, journeys):
    log_in(page, live_server)
    name_header = page.get_by_role("columnheader", name="Name")
    expect(name_header).not_to_have_attribute("aria-sort", re.compile("."))
    expect(page.get_by_role("columnheader", name="Last updated at")).to_have_attribute(
        "aria-sort", "descending"
    )

    name_header.get_by_role("link").click()
    expect(name_header).to_have_attribute("aria-sort", "ascending")
    expect(name_cells(page)).to_have_text(
        ["Autumn nurture", "Spring launch", "Spring webinar", "Winter renewals"]
    )
    expect(page).to_have_url(re.compile(r"\?sort=name$"))

    name_header.get_by_role("link").click()
    expect(name_header).to_have_attribute("aria-sort", "descending")
    expect(name_cells(page)).to_have_text(
        ["Winter renewals", "Spring webinar", "Spring launch", "Autumn nurture"]
    )

    # The sort stays when searching.
    page.get_by_role("searchbox", name="Search by name").fill("spring")
    expect(name_cells(page)).to_have_text(["Spring webinar", "Spring launch"])
    expect(page).to_have_url(re.compile(r"sort=-name"))


def test_hiding_description_survives_a_reload_and_another_browser(
    page: Page, live_server, journeys, browser
):
    log_in(page, live_server)
    expect(page.get_by_role("columnheader", name="Description")).to_be_visible()

    page.get_by_role("button", name="Columns").click()
    page.get_by_role("checkbox", name="Description").uncheck()
    expect(page.get_by_role("columnheader", name="Description")).to_have_count(0)
    expect(page.get_by_role("checkbox", name="Name (always shown)")).to_be_disabled()
    page.keyboard.press("Escape")
    expect(page.get_by_role("checkbox", name="Description")).to_be_hidden()

    page.reload()
    expect(page.get_by_role("columnheader", name="Name")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Description")).to_have_count(0)

    other = browser.new_context()
    try:
        other_page = other.new_page()
        log_in(other_page, live_server)
        expect(other_page.get_by_role("columnheader", name="Status")).to_be_visible()
        expect(other_page.get_by_role("columnheader", name="Description")).to_have_count(0)
    finally:
        other.close()


def test_creating_a_journey_through_the_dialog(page: Page, live_server, people, axe_check, nu_check):
    log_in(page, live_server)
    expect(page.get_by_role("heading", name="No journeys yet")).to_be_visible()

    page.get_by_role("button", name="Create account journey").click()
    dialog = page.get_by_role("dialog", name="Create account journey")
    expect(dialog).to_be_visible()
    axe_check(page)
    nu_check(list_with_dialog_open=page)

    dialog.get_by_role("textbox", name="Name").fill("Welcome series")
    dialog.get_by_role("textbox", name="Description").fill("For new accounts")
    dialog.get_by_role("button", name="Create").click()

    expect(page).to_have_url(re.compile(r"/journeys/\d+/$"))
    expect(page.get_by_role("heading", name="Welcome series")).to_be_visible()
    journey = Journey.objects.get(name="Welcome series")
    assert page.url == f"{live_server.url}/journeys/{journey.pk}/"
    assert journey.status == Status.DRAFT and journey.description == "For new accounts"


def test_a_duplicate_name_gets_an_inline_error(page: Page, live_server, journeys, axe_check, nu_check):
    log_in(page, live_server)
    page.get_by_role("button", name="Create account journey").click()
    dialog = page.get_by_role("dialog", name="Create account journey")
    dialog.get_by_role("textbox", name="Name").fill("SPRING LAUNCH")
    dialog.get_by_role("button", name="Create").click()

    expect(dialog.get_by_text("A journey named “SPRING LAUNCH” already exists.")).to_be_visible()
    name = dialog.get_by_role("textbox", name="Name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_be_focused()
    expect(page).to_have_url(f"{live_server.url}/")
    assert Journey.objects.count() == 4
    axe_check(page)
    nu_check(dialog_with_error=page)

    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()


def test_delete_asks_for_confirmation(page: Page, live_server, journeys):
    log_in(page, live_server, "ada")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Winter renewals"))
    row.get_by_role("button", name="Delete").click()
    confirm = page.get_by_role("dialog", name="Delete “Winter renewals”?")
    expect(confirm).to_be_visible()
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    assert Journey.objects.filter(name="Winter renewals").exists()

    row.get_by_role("button", name="Delete").click()
    confirm.get_by_role("button", name="Delete permanently").click()
    expect(page.get_by_text("“Winter renewals” was deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Winter renewals")).to_have_count(0)


def test_duplicate_from_a_row_opens_the_copy(page: Page, live_server, journeys):
    log_in(page, live_server)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Autumn nurture"))
    row.get_by_role("button", name="Duplicate").click()
    expect(page.get_by_role("heading", name="Autumn nurture_copy")).to_be_visible()
    copy = Journey.objects.get(name="Autumn nurture_copy")
    expect(page).to_have_url(f"{live_server.url}/journeys/{copy.pk}/")


def test_dates_show_in_the_browsers_time_zone(live_server, journeys, browser):
    context = browser.new_context(timezone_id="Asia/Tokyo")
    try:
        page = context.new_page()
        log_in(page, live_server)
        # The first visit tells the server the zone; the table then reloads in it.
        expect(page.locator("time").first).to_have_attribute("datetime", re.compile(r"\+09:00$"))
        expect(page.locator("time").first).to_have_attribute("title", re.compile(r" JST$"))
        page.reload()
        expect(page.locator("time").first).to_have_attribute("datetime", re.compile(r"\+09:00$"))
    finally:
        context.close()


def test_the_list_passes_axe_and_the_nu_checker(page: Page, live_server, journeys, axe_check, nu_check):
    log_in(page, live_server, "ada")
    html = served_html(page, lambda: page.goto(f"{live_server.url}/?sort=name&per_page=25"))
    expect(page.get_by_role("table")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Columns").click()
    expect(page.get_by_role("checkbox", name="Status")).to_be_visible()
    axe_check(page)
    nu_check(journey_list=html, journey_list_dom=page)
