"""Logging in and out, in Chromium, as a user would (roles and accessible names)."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from journeys.roles import ensure_groups

USERNAME = "mara"
PASSWORD = "a-long-and-correct-passphrase"


@pytest.fixture
def user(transactional_db, django_user_model):
    # live_server tests are transactional: the flush after each test removed the
    # groups the migrations made, so bring them back first.
    ensure_groups()
    user = django_user_model.objects.create_user(
        username=USERNAME, password=PASSWORD, first_name="Mara", last_name="Marketer"
    )
    user.groups.add(Group.objects.get(name="Marketer"))
    return user


def fill_login_form(page: Page, username: str, password: str) -> None:
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)


def served_html(page: Page, action) -> str:
    """Run `action` (which navigates) and return the HTML of the page it led to, as served.

    The served HTML, not page.content(): the browser's DOM has already repaired
    whatever markup errors the Nu Html Checker should see.
    """
    with page.expect_response(
        lambda r: r.request.is_navigation_request()
        and r.request.frame == page.main_frame
        and not 300 <= r.status < 400
    ) as response_info:
        action()
    response = response_info.value
    assert response.ok, f"{response.request.method} {response.url}: HTTP {response.status}"
    return response.text()  # now: the body is gone once the page navigates on


def test_wrong_password_shows_a_clear_error(page: Page, live_server, user, axe_check, nu_check):
    login = page.goto(f"{live_server.url}/accounts/login/")
    assert login is not None and login.ok

    fill_login_form(page, USERNAME, "not-the-password")
    html = served_html(page, page.get_by_role("button", name="Log in", exact=True).click)

    expect(page.get_by_text(re.compile(r"Please enter a correct username and password"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    # The form is there to try again.
    expect(page.get_by_label("Username", exact=True)).to_have_value(USERNAME)
    axe_check(page)
    nu_check(login_page_with_error=html)


def test_log_in_see_the_journeys_and_log_out(page: Page, live_server, user, axe_check, nu_check):
    served = {}

    served["login page"] = served_html(page, lambda: page.goto(f"{live_server.url}/accounts/login/?next=/"))
    expect(page.get_by_role("button", name="Log in", exact=True)).to_be_visible()
    axe_check(page)

    fill_login_form(page, USERNAME, PASSWORD)
    served["journey list"] = served_html(page, page.get_by_role("button", name="Log in", exact=True).click)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Account journeys", level=1)).to_be_visible()
    axe_check(page)

    served["logged-out page"] = served_html(page, page.get_by_role("button", name="Log out").click)
    expect(page.get_by_text("You have been logged out")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    axe_check(page)

    # One JVM for the three pages.
    nu_check(**served)

    page.get_by_role("link", name="Log in again").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_label("Username", exact=True)).to_be_visible()
