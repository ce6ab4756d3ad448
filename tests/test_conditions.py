"""The condition language (journeys.audiences.conditions): every operator on every
attribute type it fits, evaluated by the database. bin/test runs this file on SQLite and
on PostgreSQL."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from journeys.audiences.conditions import ACCOUNT
from journeys.audiences.models import Account

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts():
    rows = [
        # name, industry, country, employee size, annual revenue, custom
        ("Acme", "Software", "Germany", 50, Decimal("1000000.00"), {"tier": "Gold"}),
        ("Acme Labs", "Software", "France", 500, Decimal("2500000.50"), {"tier": "silver"}),
        ("Globex", "Manufacturing", "Germany", 5000, None, {}),
        ("Initech", "", "", None, Decimal("0.00"), {"tier": ""}),
    ]
    for name, industry, country, size, revenue, custom in rows:
        Account.objects.create(name=name, industry=industry, country=country,
                               employee_size=size, annual_revenue=revenue, custom=custom)


def matching(*rows, match="all"):
    conditions = ACCOUNT.parse({"match": match, "rows": [
        {"attribute": a, "operator": o, "value": v} for a, o, v in rows
    ]})
    return set(conditions.filter(Account.objects.all()).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("attribute", "operator", "value", "expected"),
    [
        # text
        ("industry", "is", "software", {"Acme", "Acme Labs"}),
        ("industry", "is_not", "Software", {"Globex", "Initech"}),
        ("name", "contains", "LAB", {"Acme Labs"}),
        ("name", "starts_with", "acme", {"Acme", "Acme Labs"}),
        ("industry", "is_empty", None, {"Initech"}),
        ("industry", "is_not_empty", None, {"Acme", "Acme Labs", "Globex"}),
        ("country", "in_list", "germany, France", {"Acme", "Acme Labs", "Globex"}),
        ("country", "in_list", ["France"], {"Acme Labs"}),
        # whole numbers
        ("employee_size", "eq", "500", {"Acme Labs"}),
        ("employee_size", "ne", "500", {"Acme", "Globex", "Initech"}),
        ("employee_size", "lt", "500", {"Acme"}),
        ("employee_size", "lte", "500", {"Acme", "Acme Labs"}),
        ("employee_size", "gt", "500", {"Globex"}),
        ("employee_size", "gte", "500", {"Acme Labs", "Globex"}),
        ("employee_size", "between", ["50", "500"], {"Acme", "Acme Labs"}),
        ("employee_size", "is_empty", None, {"Initech"}),
        ("employee_size", "is_not_empty", None, {"Acme", "Acme Labs", "Globex"}),
        ("employee_size", "in_list", "50, 5000", {"Acme", "Globex"}),
        # decimal numbers
        ("annual_revenue", "eq", "2500000.5", {"Acme Labs"}),
        ("annual_revenue", "ne", "0", {"Acme", "Acme Labs", "Globex"}),
        ("annual_revenue", "lt", "1000000", {"Initech"}),
        ("annual_revenue", "lte", "1000000", {"Acme", "Initech"}),
        ("annual_revenue", "gt", "1000000", {"Acme Labs"}),
        ("annual_revenue", "gte", "1000000", {"Acme", "Acme Labs"}),
        ("annual_revenue", "between", "0, 1000000", {"Acme", "Initech"}),
        ("annual_revenue", "is_empty", None, {"Globex"}),
        ("annual_revenue", "is_not_empty", None, {"Acme", "Acme Labs", "Initech"}),
        ("annual_revenue", "in_list", ["0", "1000000"], {"Acme", "Initech"}),
        # custom attributes (text, in a JSON field)
        ("custom.tier", "is", "gold", {"Acme"}),
        ("custom.tier", "contains", "ILV", {"Acme Labs"}),
        ("custom.tier", "starts_with", "Go", {"Acme"}),
        ("custom.tier", "is_empty", None, {"Globex", "Initech"}),
        ("custom.tier", "is_not_empty", None, {"Acme", "Acme Labs"}),
        ("custom.tier", "in_list", "Gold, silver", {"Acme", "Acme Labs"}),
    ],
)
def test_each_operator_on_each_attribute_type(accounts, attribute, operator, value, expected):
    assert matching((attribute, operator, value)) == expected


def test_all_needs_every_condition_and_any_needs_one(accounts):
    rows = [("country", "is", "Germany"), ("employee_size", "lt", "100")]
    assert matching(*rows, match="all") == {"Acme"}
    assert matching(*rows, match="any") == {"Acme", "Globex"}


def test_no_conditions_match_everything(accounts):
    assert len(matching()) == 4


def test_the_filter_is_sql_not_python(accounts):
    conditions = ACCOUNT.parse({"match": "all", "rows": [
        {"attribute": "industry", "operator": "contains", "value": "soft"}]})
    sql = str(conditions.filter(Account.objects.all()).query)
    assert "WHERE" in sql and "industry" in sql


def test_parse_round_trips_through_json():
    data = {"match": "any", "rows": [
        {"attribute": "employee_size", "operator": "between", "value": ["10", "20"]},
        {"attribute": "annual_revenue", "operator": "gt", "value": "1.5"},
        {"attribute": "country", "operator": "is_empty", "value": None},
    ]}
    parsed = ACCOUNT.parse(data)
    assert parsed.as_json() == {"match": "any", "rows": [
        {"attribute": "employee_size", "operator": "between", "value": [10, 20]},
        {"attribute": "annual_revenue", "operator": "gt", "value": "1.5"},
        {"attribute": "country", "operator": "is_empty", "value": None},
    ]}
    assert ACCOUNT.parse(parsed.as_json()) == parsed
    assert parsed.describe() == (
        "Employee size between 10 and 20 or Annual revenue > 1.5 or Country is empty"
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"attribute": "colour", "operator": "is", "value": "red"},
         "Condition 1: unknown attribute “colour”."),
        ({"attribute": "custom.Bad Key", "operator": "is", "value": "x"},
         "Condition 1: unknown attribute “custom.Bad Key”."),
        ({"attribute": "name", "operator": "like", "value": "x"},
         "Condition 1: unknown operator “like”."),
        ({"attribute": "employee_size", "operator": "contains", "value": "5"},
         "Condition 1: “contains” does not apply to Employee size, which is a number."),
        ({"attribute": "industry", "operator": "gt", "value": "5"},
         "Condition 1: “>” does not apply to Industry, which is text."),
        ({"attribute": "industry", "operator": "between", "value": ["a", "b"]},
         "Condition 1: “between” does not apply to Industry, which is text."),
        ({"attribute": "annual_revenue", "operator": "gt", "value": "lots"},
         "Condition 1: “lots” is not a number (Annual revenue)."),
        ({"attribute": "annual_revenue", "operator": "gt", "value": "NaN"},
         "Condition 1: “NaN” is not a number (Annual revenue)."),
        ({"attribute": "employee_size", "operator": "eq", "value": "10.5"},
         "Condition 1: Employee size takes whole numbers, not “10.5”."),
        ({"attribute": "employee_size", "operator": "between", "value": ["10"]},
         "Condition 1: “between” needs two numbers for Employee size."),
        ({"attribute": "employee_size", "operator": "between", "value": ["20", "10"]},
         "Condition 1: the first number must not be greater than the second (Employee size)."),
        ({"attribute": "country", "operator": "in_list", "value": " , "},
         "Condition 1: give at least one value for Country."),
        ({"attribute": "country", "operator": "is", "value": "  "},
         "Condition 1: enter a value for Country."),
        ("country is Germany",
         "Condition 1: a condition needs an attribute, an operator and a value."),
        ({"operator": "is", "value": "x"}, "Condition 1: choose an attribute."),
        ({"attribute": "", "operator": "is", "value": "x"}, "Condition 1: choose an attribute."),
        ({"attribute": ["name"], "operator": "is", "value": "x"},
         "Condition 1: unknown attribute “['name']”."),
        ({"attribute": "custom.", "operator": "is", "value": "x"},
         "Condition 1: name the custom attribute (custom.<name>)."),
        ({"attribute": "country", "value": "x"}, "Condition 1: choose an operator for Country."),
        ({"attribute": "country", "operator": ["is"], "value": "x"},
         "Condition 1: unknown operator “['is']”."),
    ],
)
def test_validation_messages(row, message):
    with pytest.raises(ValidationError) as raised:
        ACCOUNT.parse({"match": "all", "rows": [row]})
    assert raised.value.messages == [message]


def test_every_bad_row_is_reported_by_its_position():
    with pytest.raises(ValidationError) as raised:
        ACCOUNT.parse({"match": "all", "rows": [
            {"attribute": "name", "operator": "is", "value": "ok"},
            {"attribute": "nope", "operator": "is", "value": "x"},
            {"attribute": "employee_size", "operator": "gt", "value": "many"},
        ]})
    assert raised.value.messages == [
        "Condition 2: unknown attribute “nope”.",
        "Condition 3: “many” is not a number (Employee size).",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"match": "some", "rows": []}, "Match must be “all” or “any”."),
        ({"match": "all", "rows": "x"}, "Conditions must be a list of rows."),
        (["x"], "Conditions must be an object with “match” and “rows”."),
    ],
)
def test_malformed_sets_are_refused(data, message):
    with pytest.raises(ValidationError) as raised:
        ACCOUNT.parse(data)
    assert raised.value.messages == [message]
