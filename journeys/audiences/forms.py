"""The condition builder: condition sets edited as a "Match" choice and rows of attribute,
operator and value, instead of raw JSON.

`ConditionFormSet` is the reusable piece (account audiences now; split paths and listen
filters later, with their own `Schema`); `ConditionsField` puts it in any form (the admin's
audience form) and cleans to the stored JSON, ``{"match": …, "rows": [{"attribute",
"operator", "value"}]}``. Validation is the condition language's own
(`Schema.parse`): each row's messages ("Condition 2: …") are shown beside that row.

The rows work without JavaScript (blank rows to fill in, a Remove box per row);
static/js/condition_builder.js adds "Add condition" and narrows the operators to the
chosen attribute's type, but the server's parse is the rule.
"""

from django import forms
from django.core.exceptions import ValidationError

from journeys.audiences.conditions import OPERATORS, AttributeType, Match

# The attribute choice that stands for "custom.<key>"; the key is typed beside it.
CUSTOM = "custom."

TYPE_TITLES = {AttributeType.TEXT: "text", AttributeType.NUMBER: "numbers"}

VALUE_HELP = (
    "“between” takes two numbers, low then high, separated by a comma (“10, 500”); "
    "“in list” takes values separated by commas; “is empty” and “is not empty” take no "
    "value. Text matches ignore case."
)


class AttributeSelect(forms.Select):
    """Each option says its attribute's type (data-type), for the script."""

    def __init__(self, *args, types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.types = types or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.types:
            option["attrs"]["data-type"] = self.types[value]
        return option


class OperatorSelect(forms.Select):
    """Each option says which attribute types it fits and how many values it takes."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        operator = OPERATORS.get(value)
        if operator is not None:
            option["attrs"]["data-types"] = " ".join(operator.types)
            option["attrs"]["data-arity"] = operator.arity
        return option


def operator_choices(types):
    """The operators that fit any of `types`, grouped by the types they fit (the script
    hides the ones that do not fit the chosen attribute; without it, the groups say)."""
    groups = {}
    for operator in OPERATORS.values():
        fits = [t for t in operator.types if t in types]
        if not fits:
            continue
        if len(fits) == len(types) > 1:
            title = "For any attribute"
        else:
            title = "For " + " or ".join(TYPE_TITLES[t] for t in fits)
        groups.setdefault(title, []).append((operator.key, operator.label))
    return [("", "Choose…"), *groups.items()]


def _values(choices):
    """The option values of select choices, groups included."""
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from (inner for inner, _ in label)
        else:
            yield value


def _text(value):
    """A stored value as the builder's text box shows it."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


class ConditionRowForm(forms.Form):
    attribute = forms.CharField(required=False)
    # Only for the "Custom attribute" choice: "tier" stands for custom.tier.
    custom_key = forms.CharField(label="Custom attribute name", required=False, max_length=60)
    operator = forms.CharField(required=False, widget=OperatorSelect)
    value = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, schema, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.schema = schema
        # Plain text fields under select widgets: an unknown attribute or operator is
        # reported by the condition language ("unknown attribute “x”"), not by a choice
        # field's generic message.
        types = {key: attribute.type.value for key, attribute in schema.attributes.items()}
        choices = [("", "Choose…"), *((a.key, a.label) for a in schema.attributes.values())]
        if schema.custom_path:
            types[CUSTOM] = AttributeType.TEXT.value
            choices.append((CUSTOM, "Custom attribute"))
        else:
            del self.fields["custom_key"]
        self.fields["attribute"].widget = AttributeSelect(choices=choices, types=types)
        attribute_types = {attribute.type for attribute in schema.attributes.values()}
        if schema.custom_path:
            attribute_types.add(AttributeType.TEXT)
        self.fields["operator"].widget.choices = operator_choices(
            [t for t in AttributeType if t in attribute_types]
        )
        # A submitted value the select does not offer stays visible beside its message.
        for name in ("attribute", "operator"):
            widget = self.fields[name].widget
            current = self[name].value()
            if current and current not in _values(widget.choices):
                widget.choices = [*widget.choices, (current, current)]

    @classmethod
    def initial_for(cls, schema, row):
        """A stored row as the form's initial values."""
        if not isinstance(row, dict):
            return {}
        attribute = row.get("attribute") or ""
        custom_key = ""
        if (
            schema.custom_path
            and isinstance(attribute, str)
            and attribute.startswith(CUSTOM)
            and attribute not in schema.attributes
        ):
            attribute, custom_key = CUSTOM, attribute.removeprefix(CUSTOM)
        return {"attribute": attribute, "custom_key": custom_key,
                "operator": row.get("operator") or "", "value": _text(row.get("value"))}

    def row(self, values=None):
        """The row as the condition language reads it, or None when left blank.
        `values` defaults to the cleaned data."""
        values = self.cleaned_data if values is None else values
        attribute, custom_key, operator, value = (
            (values.get(name) or "").strip()
            for name in ("attribute", "custom_key", "operator", "value")
        )
        if not (attribute or custom_key or operator or value):
            return None
        if attribute == CUSTOM and "custom_key" in self.fields:
            attribute += custom_key
        return {"attribute": attribute, "operator": operator, "value": value}

    def submitted_row(self):
        """The row as submitted (or as initially shown), before validation."""
        return self.row({name: self[name].value() for name in self.fields})


class MatchForm(forms.Form):
    # A text field under radios: a bad value gets the language's message.
    match = forms.CharField(
        required=False, widget=forms.RadioSelect(choices=Match.choices)
    )


class BaseConditionFormSet(forms.BaseFormSet):
    """Rows of conditions plus the Match choice, for one `Schema`.

    `conditions` is the stored JSON shown when unbound. Once valid, `condition_set` is the
    parsed `ConditionSet` and `as_json()` the JSON to store. Blank rows and rows ticked
    "Remove" are left out; the others are numbered in order, as the messages name them.
    """

    def __init__(self, data=None, *, schema, conditions=None, require_rows=False,
                 prefix=None, **kwargs):
        self.schema = schema
        self.require_rows = require_rows
        stored = conditions if isinstance(conditions, dict) else {}
        rows = stored.get("rows") if isinstance(stored.get("rows"), list) else []
        super().__init__(
            data, prefix=prefix, form_kwargs={"schema": schema},
            initial=[ConditionRowForm.initial_for(schema, row) for row in rows], **kwargs,
        )
        self.match_form = MatchForm(
            data, prefix=self.prefix, initial={"match": stored.get("match") or Match.ALL}
        )
        self.condition_set = None

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove"

    def labelled_forms(self):
        """(form, legend) for each row: "Condition N" for the rows that count, numbered
        as the condition language numbers them."""
        number = 0
        for form in self.forms:
            if form["DELETE"].data:
                yield form, "Condition to remove"
            elif form.submitted_row() is None:
                yield form, "New condition"
            else:
                number += 1
                yield form, f"Condition {number}"

    def clean(self):
        if (
            not self.management_form.is_valid()
            or any(self.errors)
            or not self.match_form.is_valid()
        ):
            return
        kept = [
            form for form in self.forms
            if not self._should_delete_form(form) and form.row() is not None
        ]
        rows = [form.row() for form in kept]
        data = {"match": self.match_form.cleaned_data["match"], "rows": rows}
        try:
            self.condition_set = self.schema.parse(data, require_rows=self.require_rows)
        except ValidationError as error:
            _, row_errors = self.schema.parse_rows(rows)
            for number, messages in row_errors.items():
                kept[number - 1].add_error(None, messages)
            placed = {message for messages in row_errors.values() for message in messages}
            rest = [message for message in error.messages if message not in placed]
            if rest:
                raise ValidationError(rest) from None

    def as_json(self):
        return self.condition_set.as_json()


ConditionFormSet = forms.formset_factory(
    ConditionRowForm, formset=BaseConditionFormSet, extra=2, can_delete=True,
    max_num=100, validate_max=True,
)


class ConditionBuilderWidget(forms.Widget):
    """Renders a `ConditionFormSet`; its "value" from the submitted data is the bound
    formset, which `ConditionsField` cleans."""

    template_name = "audiences/condition_builder.html"
    use_fieldset = True

    class Media:
        css = {"all": ["css/condition_builder.css"]}
        js = [forms.Script("js/condition_builder.js", defer=True)]

    def __init__(self, schema, require_rows=False, attrs=None):
        super().__init__(attrs)
        self.schema = schema
        self.require_rows = require_rows
        self._bound = None

    def formset(self, name, data=None, conditions=None):
        return ConditionFormSet(data, schema=self.schema, conditions=conditions,
                                require_rows=self.require_rows, prefix=name)

    def value_from_datadict(self, data, files, name):
        # Asked several times per request (cleaning, has_changed, rendering): one
        # formset, so its errors are computed once and shown as they were found.
        if self._bound is None or self._bound[0] is not data:
            self._bound = (data, self.formset(name, data=data))
        return self._bound[1]

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-TOTAL_FORMS" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        if isinstance(value, BaseConditionFormSet):
            builder = value
        else:
            builder = self.formset(name, conditions=value)
        context["builder"] = builder
        return context


class ConditionsField(forms.Field):
    """A condition set edited with the builder; cleans to the JSON to store. Required
    means at least one condition."""

    default_error_messages = {
        "rows": "Some conditions need correcting: see the message beside each one.",
    }

    def __init__(self, *, schema, required=True, **kwargs):
        kwargs.setdefault("help_text", VALUE_HELP)
        super().__init__(
            required=required, widget=ConditionBuilderWidget(schema, require_rows=required),
            **kwargs,
        )

    def clean(self, value):
        if not isinstance(value, BaseConditionFormSet):  # a form built without data
            raise ValidationError(self.error_messages["rows"], code="rows")
        if value.is_valid():
            return value.as_json()
        if value.non_form_errors():
            raise ValidationError(list(value.non_form_errors()))
        raise ValidationError(self.error_messages["rows"], code="rows")

    def has_changed(self, initial, data):
        if isinstance(data, BaseConditionFormSet) and data.is_valid():
            return data.as_json() != initial
        return True
