import pytest
from django.urls import reverse

from journeys.models import Status


def test_every_page_requires_login(client, make_journey):
    journey = make_journey(Status.DRAFT)
    for url in [reverse("journeys:list"), reverse("journeys:detail", args=[journey.pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_login_page_is_public_and_labelled(client):
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">Username</label>' in body
    assert '<label for="id_password">Password</label>' in body


def test_wrong_password_shows_an_error(client, marketer):
    response = client.post(reverse("login"), {"username": "mia", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logout_is_a_post(client, marketer):
    client.force_login(marketer)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert "You have been logged out" in response.content.decode()
    assert client.get(reverse("journeys:list")).status_code == 302


def test_a_user_without_a_role_is_refused(client, make_user):
    client.force_login(make_user("nobody"))
    response = client.get(reverse("journeys:list"))
    assert response.status_code == 403
    assert "Your role does not allow you to view journeys." in response.content.decode()


def test_list_shows_journeys_with_constant_queries(
    client, viewer, make_journey, django_assert_num_queries
):
    for status in Status:
        make_journey(status)
    client.force_login(viewer)
    # session, user, user permissions, group permissions, the user's column preference,
    # the count of journeys, the page of journeys joined to their users.
    with django_assert_num_queries(7):
        response = client.get(reverse("journeys:list"))
    body = response.content.decode()
    assert "<h1>Account journeys</h1>" in body
    assert body.count('class="badge badge-') == 5
    for _ in range(10):
        make_journey(Status.LIVE)
    with django_assert_num_queries(7):
        client.get(reverse("journeys:list"))


def test_empty_list_says_so(client, viewer):
    client.force_login(viewer)
    assert "No journeys yet" in client.get(reverse("journeys:list")).content.decode()


def test_unknown_journey_is_404(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("journeys:detail", args=[999_999])).status_code == 404


def test_pinned_htmx_is_served(client, viewer):
    client.force_login(viewer)
    body = client.get(reverse("journeys:list")).content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in body
    from django.contrib.staticfiles import finders

    with open(finders.find("django_htmx/htmx-2.min.js")) as script:
        assert 'version:"2.0.10"' in script.read()


def test_htmx_requests_carry_the_csrf_token(client, viewer):
    client.force_login(viewer)
    body = client.get(reverse("journeys:list")).content.decode()
    assert 'data-hx-headers=\'{"X-CSRFToken": "' in body


@pytest.mark.parametrize("url_name", ["journeys:list"])
def test_pages_validate_as_html(client, viewer, make_journey, nu_check, url_name):
    make_journey(Status.LIVE)
    client.force_login(viewer)
    nu_check(client.get(reverse(url_name)).content.decode(), client.get(reverse("login")).content.decode())


def test_node_properties_page_and_partial(client, viewer, make_journey, django_assert_num_queries):
    journey = make_journey(Status.DRAFT)
    node = journey.nodes.get()
    client.force_login(viewer)
    url = reverse("journeys:node", args=[journey.pk, node.pk])
    # session, user, user permissions, group permissions, journey, node with its path,
    # the chosen list for the card.
    with django_assert_num_queries(7):
        page = client.get(url)
    assert "<h2 id=\"properties-heading\">Account audience</h2>" in page.content.decode()
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<section id="properties"')
    assert "Test accounts" in partial


def test_node_of_another_journey_is_404(client, viewer, make_journey):
    first, second = make_journey(Status.DRAFT), make_journey(Status.DRAFT)
    client.force_login(viewer)
    url = reverse("journeys:node", args=[first.pk, second.nodes.get().pk])
    assert client.get(url).status_code == 404
