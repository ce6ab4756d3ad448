"""The condition builder (journeys/audiences/forms.py) in the audience admin: stored
conditions shown as rows, rows added and removed without JavaScript, the condition
language's messages beside their rows, and the stored JSON unchanged by a round trip."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from journeys.audiences.conditions import ACCOUNT, Attribute, AttributeType, Schema
from journeys.audiences.forms import ConditionFormSet
from journeys.audiences.models import Account, AccountAudience

pytestmark = pytest.mark.django_db

STORED = {"match": "any", "rows": [
    {"attribute": "country", "operator": "is", "value": "Germany"},
    {"attribute": "employee_size", "operator": "between", "value": [10, 500]},
    {"attribute": "custom.tier", "operator": "in_list", "value": ["Gold", "Silver"]},
]}


class FormReader(HTMLParser):
    """What a browser without JavaScript submits from one form: text inputs, checked
    boxes and radios, the selected option of each select (else its first), textareas."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, {}
        self.select, self.first_option, self.textarea = None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            elif kind not in ("submit", "button"):
                self.data[name] = attrs.get("value", "")
        elif tag == "select":
            self.select, self.first_option = name, None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = attrs.get("value", "")
            if "selected" in attrs:
                self.data[self.select] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            self.data.setdefault(self.select, self.first_option or "")
            self.select = None
        elif tag == "textarea" and self.textarea:
            # A browser drops the newline that follows <textarea>.
            self.data[self.textarea] = self.data[self.textarea].removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data


def form_data(response):
    reader = FormReader("accountaudience_form")
    reader.feed(response.content.decode())
    assert reader.data, "the audience form is not on the page"
    return reader.data


class RowReader(HTMLParser):
    """The builder's rows as shown: [(legend, [error, ...]), ...]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.where = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self.where = "template"
        elif self.where == "template":
            return
        elif tag == "fieldset" and "data-condition-row" in attrs:
            self.rows.append(["", []])
        elif tag == "legend" and self.rows and not self.rows[-1][0]:
            self.where = "legend"
        elif tag == "li" and self.rows and self.where is None:
            self.where = "error"

    def handle_endtag(self, tag):
        if tag == "template" or (tag in ("legend", "li") and self.where != "template"):
            self.where = None

    def handle_data(self, data):
        if self.where == "legend":
            self.rows[-1][0] += data.strip()
        elif self.where == "error":
            self.rows[-1][1].append(data.strip())


def shown_rows(response):
    reader = RowReader()
    reader.feed(response.content.decode())
    return [(legend, errors) for legend, errors in reader.rows]


@pytest.fixture
def audience():
    return AccountAudience.objects.create(name="Targets", conditions=STORED)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def change_url(audience):
    return reverse("admin:audiences_accountaudience_change", args=[audience.pk])


def test_the_change_page_shows_the_stored_conditions_as_rows(admin_client, audience):
    response = admin_client.get(change_url(audience))
    data = form_data(response)
    assert data["conditions-match"] == "any"
    assert data["conditions-TOTAL_FORMS"] == "5" and data["conditions-INITIAL_FORMS"] == "3"
    shown = [
        tuple(data[f"conditions-{i}-{name}"]
              for name in ("attribute", "custom_key", "operator", "value"))
        for i in range(5)
    ]
    assert shown == [
        ("country", "", "is", "Germany"),
        ("employee_size", "", "between", "10, 500"),
        ("custom.", "tier", "in_list", "Gold, Silver"),
        ("", "", "", ""),
        ("", "", "", ""),
    ]
    assert shown_rows(response) == [
        ("Condition 1", []), ("Condition 2", []), ("Condition 3", []),
        ("New condition", []), ("New condition", []),
    ]
    page = response.content.decode()
    assert '<legend class="required">Conditions:</legend>' in page
    assert '<label for="id_conditions-0-operator">Operator</label>' in page
    assert '<option value="between" data-types="number" data-arity="two">between</option>' in page
    assert "“between” takes two numbers, low then high" in page  # the field's help
    assert "Accounts right now" in page
    assert "<textarea" not in page.split('id="id_conditions"')[1].split("</fieldset>")[0]


@pytest.mark.parametrize(
    "conditions",
    [
        STORED,
        {"match": "all", "rows": [
            {"attribute": "annual_revenue", "operator": "gte", "value": "1000000.50"},
            {"attribute": "industry", "operator": "is_not_empty", "value": None},
            {"attribute": "name", "operator": "starts_with", "value": "Acme, Inc"},
        ]},
        {"match": "all", "rows": [
            {"attribute": "employee_size", "operator": "in_list", "value": [50, 5000]},
            {"attribute": "sic_code", "operator": "is_empty", "value": None},
            {"attribute": "custom.region_code", "operator": "contains", "value": "EU"},
        ]},
    ],
    ids=["stored", "decimals-and-no-value", "lists-and-custom"],
)
def test_saving_the_page_unchanged_keeps_the_json_exactly(admin_client, conditions):
    audience = AccountAudience.objects.create(name="Round trip", conditions=conditions)
    data = form_data(admin_client.get(change_url(audience)))
    response = admin_client.post(change_url(audience), data)
    assert response.status_code == 302
    audience.refresh_from_db()
    assert audience.conditions == conditions


def test_a_blank_row_filled_in_adds_a_condition(admin_client, audience):
    data = form_data(admin_client.get(change_url(audience)))
    data.update({"conditions-3-attribute": "annual_revenue", "conditions-3-operator": "lt",
                 "conditions-3-value": " 2.5 ", "conditions-match": "all"})
    assert admin_client.post(change_url(audience), data).status_code == 302
    audience.refresh_from_db()
    assert audience.conditions == {"match": "all", "rows": [
        *STORED["rows"], {"attribute": "annual_revenue", "operator": "lt", "value": "2.5"}]}


def test_rows_added_beyond_the_blank_ones_are_kept(admin_client, audience):
    # What "Add condition" does in the browser: a row numbered past the others, and the
    # form count raised.
    data = form_data(admin_client.get(change_url(audience)))
    data.update({"conditions-TOTAL_FORMS": "7", "conditions-6-attribute": "city",
                 "conditions-6-operator": "is", "conditions-6-value": "Lyon"})
    assert admin_client.post(change_url(audience), data).status_code == 302
    audience.refresh_from_db()
    assert audience.conditions["rows"][-1] == {
        "attribute": "city", "operator": "is", "value": "Lyon"}
    assert len(audience.conditions["rows"]) == 4


def test_remove_takes_a_row_out_and_the_others_keep_their_order(admin_client, audience):
    data = form_data(admin_client.get(change_url(audience)))
    data["conditions-1-DELETE"] = "on"
    assert admin_client.post(change_url(audience), data).status_code == 302
    audience.refresh_from_db()
    assert audience.conditions == {"match": "any", "rows": [STORED["rows"][0],
                                                             STORED["rows"][2]]}


def test_removing_every_row_is_refused(admin_client, audience):
    data = form_data(admin_client.get(change_url(audience)))
    for i in range(3):
        data[f"conditions-{i}-DELETE"] = "on"
    response = admin_client.post(change_url(audience), data)
    assertContains(response, "Add at least one condition.")
    assert shown_rows(response)[:3] == [("Condition to remove", [])] * 3
    audience.refresh_from_db()
    assert audience.conditions == STORED


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"attribute": "", "value": "Germany"}, "choose an attribute."),
        ({"attribute": "colour", "operator": "is", "value": "red"},
         "unknown attribute “colour”."),
        ({"attribute": "custom.", "custom_key": "", "operator": "is", "value": "x"},
         "name the custom attribute (custom.<name>)."),
        ({"attribute": "custom.", "custom_key": "Bad Key", "operator": "is", "value": "x"},
         "unknown attribute “custom.Bad Key”."),
        ({"attribute": "country", "operator": "", "value": "x"},
         "choose an operator for Country."),
        ({"attribute": "country", "operator": "like", "value": "x"},
         "unknown operator “like”."),
        ({"attribute": "employee_size", "operator": "contains", "value": "5"},
         "“contains” does not apply to Employee size, which is a number."),
        ({"attribute": "industry", "operator": "between", "value": "1, 2"},
         "“between” does not apply to Industry, which is text."),
        ({"attribute": "annual_revenue", "operator": "gt", "value": "lots"},
         "“lots” is not a number (Annual revenue)."),
        ({"attribute": "annual_revenue", "operator": "gt", "value": "50%"},
         "“50%” is not a number (Annual revenue)."),
        ({"attribute": "employee_size", "operator": "eq", "value": "10.5"},
         "Employee size takes whole numbers, not “10.5”."),
        ({"attribute": "employee_size", "operator": "between", "value": "10"},
         "“between” needs two numbers for Employee size."),
        ({"attribute": "employee_size", "operator": "between", "value": "20, 10"},
         "the first number must not be greater than the second (Employee size)."),
        ({"attribute": "country", "operator": "in_list", "value": " , "},
         "give at least one value for Country."),
        ({"attribute": "country", "operator": "is", "value": "  "},
         "enter a value for Country."),
    ],
)
def test_each_error_is_shown_beside_its_row_and_nothing_is_saved(
    admin_client, audience, row, message
):
    data = form_data(admin_client.get(change_url(audience)))
    data.update({f"conditions-3-{name}": value for name, value in row.items()})
    response = admin_client.post(change_url(audience), data)
    assert response.status_code == 200
    assertContains(response, "Some conditions need correcting: see the message beside each one.")
    assert shown_rows(response) == [
        ("Condition 1", []), ("Condition 2", []), ("Condition 3", []),
        ("Condition 4", [f"Condition 4: {message}"]), ("New condition", []),
    ]
    # The row keeps what was typed, to be corrected.
    assert form_data(response)["conditions-3-value"] == row["value"]
    audience.refresh_from_db()
    assert audience.conditions == STORED


def test_rows_are_numbered_as_the_messages_number_them(admin_client, audience):
    data = form_data(admin_client.get(change_url(audience)))
    data["conditions-0-DELETE"] = "on"
    data.update({"conditions-1-value": "many, 5", "conditions-4-attribute": "employee_size",
                 "conditions-4-operator": "gt", "conditions-4-value": "lots"})
    response = admin_client.post(change_url(audience), data)
    assert shown_rows(response) == [
        ("Condition to remove", []),
        ("Condition 1", ["Condition 1: “many” is not a number (Employee size)."]),
        ("Condition 2", []),
        ("New condition", []),
        ("Condition 3", ["Condition 3: “lots” is not a number (Employee size)."]),
    ]
    page = response.content.decode()
    assert 'aria-describedby="conditions-1-errors"' in page
    assert 'id="conditions-1-errors"' in page
    audience.refresh_from_db()
    assert audience.conditions == STORED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"conditions-match": "some"}, "Match must be “all” or “any”."),
        ({"conditions-TOTAL_FORMS": None},
         "ManagementForm data is missing or has been tampered with."),
        ({"conditions-TOTAL_FORMS": "101"}, "Please submit at most 100 forms."),
    ],
    ids=["match", "no-management-form", "too-many-rows"],
)
def test_crafted_posts_get_a_message_and_save_nothing(admin_client, audience, change, message):
    data = form_data(admin_client.get(change_url(audience)))
    for key, value in change.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    response = admin_client.post(change_url(audience), data)
    assert response.status_code == 200
    assertContains(response, message)
    audience.refresh_from_db()
    assert audience.conditions == STORED


def test_adding_an_audience_with_the_builder(admin_client):
    Account.objects.create(name="Acme", country="France", employee_size=20)
    Account.objects.create(name="Globex", country="Spain", employee_size=5000)
    Account.objects.create(name="Initech", country="Italy", employee_size=900)
    add = reverse("admin:audiences_accountaudience_add")
    data = form_data(admin_client.get(add))
    assert data["conditions-match"] == "all" and data["conditions-TOTAL_FORMS"] == "2"
    data.update({
        "name": "France or big", "conditions-match": "any",
        "conditions-0-attribute": "country", "conditions-0-operator": "is",
        "conditions-0-value": "france",
        "conditions-1-attribute": "employee_size", "conditions-1-operator": "gte",
        "conditions-1-value": "1000",
    })
    response = admin_client.post(add, data, follow=True)
    audience = AccountAudience.objects.get()
    assert audience.conditions == {"match": "any", "rows": [
        {"attribute": "country", "operator": "is", "value": "france"},
        {"attribute": "employee_size", "operator": "gte", "value": 1000},
    ]}
    # The count of the conditions just saved, wherever the admin goes next.
    assertContains(response, "“France or big” matches 2 accounts right now.")


def test_an_empty_new_audience_asks_for_a_condition(admin_client):
    add = reverse("admin:audiences_accountaudience_add")
    data = {**form_data(admin_client.get(add)), "name": "Nothing yet"}
    response = admin_client.post(add, data)
    assertContains(response, "Add at least one condition.")
    assert shown_rows(response) == [("New condition", []), ("New condition", [])]
    assert not AccountAudience.objects.exists()


def test_a_mistake_elsewhere_in_the_form_keeps_the_rows_as_typed(admin_client, audience):
    AccountAudience.objects.create(name="Taken", conditions=STORED)
    data = form_data(admin_client.get(change_url(audience)))
    data.update({"name": "Taken", "conditions-3-attribute": "city",
                 "conditions-3-operator": "is", "conditions-3-value": "Lyon"})
    response = admin_client.post(change_url(audience), data)
    assertContains(response, "Account audience with this Name already exists.")
    shown = form_data(response)
    assert (shown["conditions-3-attribute"], shown["conditions-3-value"]) == ("city", "Lyon")
    assert shown_rows(response)[3] == ("Condition 4", [])
    audience.refresh_from_db()
    assert audience.conditions == STORED


def test_stored_conditions_that_no_longer_parse_are_shown_to_be_fixed(admin_client):
    # Saved before a rule tightened (or by hand): the page opens, the unknown attribute
    # stays visible in its row, and saving it as is names the problem.
    audience = AccountAudience.objects.create(name="Old", conditions={"match": "all", "rows": [
        {"attribute": "colour", "operator": "is", "value": "red"}]})
    response = admin_client.get(change_url(audience))
    assertContains(response, '<option value="colour" selected>colour</option>', html=True)
    assertContains(response, "(invalid conditions)")
    response = admin_client.post(change_url(audience), form_data(response))
    assert shown_rows(response)[0] == (
        "Condition 1", ["Condition 1: unknown attribute “colour”."])


def test_the_change_page_query_count(admin_client, audience, django_assert_num_queries):
    # 1 session, 2 user, 3 the audience, 4-5 the user's and the groups' permissions (the
    # admin's has_*_permission), 6 the COUNT of "Accounts right now"; the builder, none.
    with django_assert_num_queries(6):
        response = admin_client.get(change_url(audience))
    assert response.status_code == 200


def test_the_add_page_query_count(admin_client, django_assert_num_queries):
    # 1 session, 2 user, 3-4 the user's and the groups' permissions; no count yet ("—").
    with django_assert_num_queries(4):
        response = admin_client.get(reverse("admin:audiences_accountaudience_add"))
    assert response.status_code == 200


def test_a_save_query_count(admin_client, audience, django_assert_num_queries):
    data = form_data(admin_client.get(change_url(audience)))
    data["conditions-0-value"] = "France"
    # 1 session, 2 user, 3 savepoint (the admin's atomic view), 4 the audience, 5-6
    # permissions, 7 the unique-name check, 8 UPDATE, 9 the admin log entry, 10 the COUNT
    # for the "matches N accounts" message, 11 release.
    with django_assert_num_queries(11):
        response = admin_client.post(change_url(audience), data)
    assert response.status_code == 302


# -- the formset on its own, with another schema --------------------------------------

PEOPLE = Schema([
    Attribute("job_title", "Job title", AttributeType.TEXT, "job_title"),
    Attribute("country", "Country", AttributeType.TEXT, "country"),
])


def test_the_formset_takes_its_schema_and_offers_only_what_it_fits():
    formset = ConditionFormSet(schema=PEOPLE, prefix="filter",
                               conditions={"match": "all", "rows": [
                                   {"attribute": "job_title", "operator": "contains",
                                    "value": "CTO"}]})
    html = str(formset.forms[0])
    assert 'value="job_title" selected' in html
    assert "custom_key" not in html and "Custom attribute" not in html
    assert 'value="gte"' not in html  # no number attributes, no number operators
    assert 'value="in_list"' in html


def test_the_formset_cleans_to_the_stored_json_and_allows_no_rows_when_asked():
    data = {"filter-TOTAL_FORMS": "2", "filter-INITIAL_FORMS": "0", "filter-match": "any",
            "filter-0-attribute": "country", "filter-0-operator": "in_list",
            "filter-0-value": "France, Spain"}
    formset = ConditionFormSet(data, schema=PEOPLE, prefix="filter")
    assert formset.is_valid()
    assert formset.as_json() == {"match": "any", "rows": [
        {"attribute": "country", "operator": "in_list", "value": ["France", "Spain"]}]}
    blank = ConditionFormSet({**data, "filter-0-value": "", "filter-0-attribute": "",
                              "filter-0-operator": ""}, schema=PEOPLE, prefix="filter")
    assert blank.is_valid() and blank.as_json() == {"match": "any", "rows": []}


def test_the_account_schema_formset_offers_custom_attributes():
    formset = ConditionFormSet(schema=ACCOUNT, prefix="c")
    assert '<option value="custom." data-type="text">Custom attribute</option>' in str(
        formset.forms[0])
