"""One condition language for every filter on the map: account audiences now, split
paths and listen-node filters later.

A condition set is stored as JSON, ``{"match": "all"|"any", "rows": [{"attribute",
"operator", "value"}, ...]}``. A `Schema` names the attributes a filter may use (with
their type and ORM path); `Schema.parse` validates a stored or submitted set with messages
meant for the marketer and returns a `ConditionSet`, whose `q()` is evaluated by the
database as a queryset filter — never by loading rows into Python.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import reduce
from operator import and_, or_

from django.core.exceptions import ValidationError
from django.db.models import Q, TextChoices


class AttributeType(TextChoices):
    TEXT = "text", "text"
    NUMBER = "number", "a number"


class Match(TextChoices):
    ALL = "all", "all conditions"
    ANY = "any", "any condition"


def empty():
    return {"match": Match.ALL.value, "rows": []}


@dataclass(frozen=True)
class Attribute:
    key: str
    label: str
    type: AttributeType
    # The ORM path of the attribute, relative to the schema's model.
    path: str
    whole_numbers: bool = False


@dataclass(frozen=True)
class Operator:
    key: str
    label: str
    types: tuple
    # How many values it takes: "none", "one", "two" (between) or "many" (in list).
    arity: str


OPERATORS = {
    op.key: op
    for op in [
        Operator("is", "is", (AttributeType.TEXT,), "one"),
        Operator("is_not", "is not", (AttributeType.TEXT,), "one"),
        Operator("contains", "contains", (AttributeType.TEXT,), "one"),
        Operator("starts_with", "starts with", (AttributeType.TEXT,), "one"),
        Operator("eq", "=", (AttributeType.NUMBER,), "one"),
        Operator("ne", "≠", (AttributeType.NUMBER,), "one"),
        Operator("lt", "<", (AttributeType.NUMBER,), "one"),
        Operator("lte", "≤", (AttributeType.NUMBER,), "one"),
        Operator("gt", ">", (AttributeType.NUMBER,), "one"),
        Operator("gte", "≥", (AttributeType.NUMBER,), "one"),
        Operator("between", "between", (AttributeType.NUMBER,), "two"),
        Operator("is_empty", "is empty", tuple(AttributeType), "none"),
        Operator("is_not_empty", "is not empty", tuple(AttributeType), "none"),
        Operator("in_list", "in list", tuple(AttributeType), "many"),
    ]
}


def _is_empty(attribute):
    if attribute.type == AttributeType.TEXT:
        return Q(**{f"{attribute.path}__isnull": True}) | Q(**{attribute.path: ""})
    return Q(**{f"{attribute.path}__isnull": True})


def _text_in(path, values):
    return reduce(or_, (Q(**{f"{path}__iexact": value}) for value in values))


# operator key -> builder(attribute, value) -> Q. Text matching ignores case, as a
# marketer typing "acme" expects to find "Acme".
BUILDERS = {
    "is": lambda a, v: Q(**{f"{a.path}__iexact": v}),
    "is_not": lambda a, v: ~Q(**{f"{a.path}__iexact": v}),
    "contains": lambda a, v: Q(**{f"{a.path}__icontains": v}),
    "starts_with": lambda a, v: Q(**{f"{a.path}__istartswith": v}),
    "eq": lambda a, v: Q(**{a.path: v}),
    "ne": lambda a, v: ~Q(**{a.path: v}),
    "lt": lambda a, v: Q(**{f"{a.path}__lt": v}),
    "lte": lambda a, v: Q(**{f"{a.path}__lte": v}),
    "gt": lambda a, v: Q(**{f"{a.path}__gt": v}),
    "gte": lambda a, v: Q(**{f"{a.path}__gte": v}),
    "between": lambda a, v: Q(**{f"{a.path}__range": v}),
    "is_empty": lambda a, v: _is_empty(a),
    "is_not_empty": lambda a, v: ~_is_empty(a),
    "in_list": lambda a, v: (
        _text_in(a.path, v) if a.type == AttributeType.TEXT else Q(**{f"{a.path}__in": v})
    ),
}


@dataclass(frozen=True)
class Condition:
    attribute: Attribute
    operator: Operator
    value: object = None

    def q(self):
        return BUILDERS[self.operator.key](self.attribute, self.value)

    def as_json(self):
        value = self.value
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, tuple | list):
            value = [str(item) if isinstance(item, Decimal) else item for item in value]
        return {"attribute": self.attribute.key, "operator": self.operator.key, "value": value}

    def describe(self):
        if self.operator.arity == "none":
            return f"{self.attribute.label} {self.operator.label}"
        value = self.value
        if self.operator.arity == "two":
            value = f"{value[0]} and {value[1]}"
        elif self.operator.arity == "many":
            value = ", ".join(str(item) for item in value)
        return f"{self.attribute.label} {self.operator.label} {value}"


@dataclass(frozen=True)
class ConditionSet:
    match: Match = Match.ALL
    conditions: tuple = field(default_factory=tuple)

    def q(self):
        """The filter; with no conditions it matches everything."""
        if not self.conditions:
            return Q()
        combine = and_ if self.match == Match.ALL else or_
        return reduce(combine, (condition.q() for condition in self.conditions))

    def filter(self, queryset):
        return queryset.filter(self.q())

    def as_json(self):
        return {"match": self.match.value, "rows": [c.as_json() for c in self.conditions]}

    def describe(self):
        joiner = " and " if self.match == Match.ALL else " or "
        return joiner.join(condition.describe() for condition in self.conditions)


CUSTOM_KEY = re.compile(r"^custom\.([a-z][a-z0-9_]{0,49})$")


class Schema:
    """The attributes one kind of filter may use, and the parser for its condition sets."""

    def __init__(self, attributes, custom_path=None):
        self.attributes = {attribute.key: attribute for attribute in attributes}
        # Custom attributes ("custom.<key>") are text, kept in a JSON field at this path.
        self.custom_path = custom_path

    def attribute(self, key):
        if not isinstance(key, str):
            return None
        if key in self.attributes:
            return self.attributes[key]
        match = CUSTOM_KEY.match(key) if self.custom_path else None
        if match:
            name = match.group(1)
            return Attribute(key, name.replace("_", " ").capitalize(), AttributeType.TEXT,
                             f"{self.custom_path}__{name}")
        return None

    def parse(self, data, require_rows=False):
        """A validated ConditionSet from stored or submitted JSON; ValidationError lists
        every problem, one message each, naming the condition by its position."""
        if data in (None, ""):
            data = empty()
        if not isinstance(data, dict):
            raise ValidationError("Conditions must be an object with “match” and “rows”.")
        match = data.get("match", Match.ALL)
        if match not in Match.values:
            raise ValidationError("Match must be “all” or “any”.")
        rows = data.get("rows") or []
        if not isinstance(rows, list):
            raise ValidationError("Conditions must be a list of rows.")
        if require_rows and not rows:
            raise ValidationError("Add at least one condition.")
        conditions, errors = self.parse_rows(rows)
        if errors:
            raise ValidationError([message for found in errors.values() for message in found])
        return ConditionSet(Match(match), tuple(conditions))

    def parse_rows(self, rows):
        """The conditions of the good rows, and the messages of the bad ones by position
        (1-based): {2: ["Condition 2: …"]}. A builder shows each message beside its row."""
        conditions, errors = [], {}
        for number, row in enumerate(rows, 1):
            try:
                conditions.append(self.parse_row(row))
            except ValidationError as error:
                errors[number] = [f"Condition {number}: {message}" for message in error.messages]
        return conditions, errors

    def parse_row(self, row):
        if not isinstance(row, dict):
            raise ValidationError("a condition needs an attribute, an operator and a value.")
        key = row.get("attribute")
        if key in (None, ""):
            raise ValidationError("choose an attribute.")
        attribute = self.attribute(key)
        if attribute is None and self.custom_path and key == "custom.":
            raise ValidationError("name the custom attribute (custom.<name>).")
        if attribute is None:
            raise ValidationError(f"unknown attribute “{key}”.")
        if row.get("operator") in (None, ""):
            raise ValidationError(f"choose an operator for {attribute.label}.")
        operator = OPERATORS.get(row["operator"]) if isinstance(row["operator"], str) else None
        if operator is None:
            raise ValidationError(f"unknown operator “{row.get('operator')}”.")
        if attribute.type not in operator.types:
            raise ValidationError(
                f"“{operator.label}” does not apply to {attribute.label}, which is "
                f"{attribute.type.label}."
            )
        return Condition(attribute, operator, self._value(attribute, operator, row.get("value")))

    def _value(self, attribute, operator, raw):
        if operator.arity == "none":
            return None
        if operator.arity == "one":
            return self._single(attribute, raw)
        items = _as_list(raw)
        if operator.arity == "two":
            if len(items) != 2:
                raise ValidationError(f"“between” needs two numbers for {attribute.label}.")
            low, high = (self._single(attribute, item) for item in items)
            if low > high:
                raise ValidationError(
                    f"the first number must not be greater than the second ({attribute.label})."
                )
            return (low, high)
        if not items:
            raise ValidationError(f"give at least one value for {attribute.label}.")
        return tuple(self._single(attribute, item) for item in items)

    def _single(self, attribute, raw):
        text = "" if raw is None else str(raw).strip()
        if not text:
            raise ValidationError(f"enter a value for {attribute.label}.")
        if attribute.type == AttributeType.TEXT:
            return text
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(f"“{text}” is not a number ({attribute.label}).")
        if attribute.whole_numbers:
            if number != number.to_integral_value():
                raise ValidationError(f"{attribute.label} takes whole numbers, not “{text}”.")
            return int(number)
        return number


def _as_list(raw):
    if isinstance(raw, list | tuple):
        return list(raw)
    if raw is None:
        return []
    # A typed list: "Germany, France".
    return [part.strip() for part in str(raw).split(",") if part.strip()]


T, N = AttributeType.TEXT, AttributeType.NUMBER

# SPEC §3, account conditions (the buying-group ones come with split paths).
ACCOUNT = Schema(
    [
        Attribute("name", "Name", T, "name"),
        Attribute("industry", "Industry", T, "industry"),
        Attribute("country", "Country", T, "country"),
        Attribute("state", "State", T, "state"),
        Attribute("city", "City", T, "city"),
        Attribute("employee_size", "Employee size", N, "employee_size", whole_numbers=True),
        Attribute("annual_revenue", "Annual revenue", N, "annual_revenue"),
        Attribute("sic_code", "SIC code", T, "sic_code"),
    ],
    custom_path="custom",
)
