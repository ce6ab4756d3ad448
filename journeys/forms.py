from django import forms

from journeys.models import NAME_MAX_LENGTH
from journeys.nodes import DuplicationMode


class DuplicateForm(forms.Form):
    """What a copy is called and how much of the map it keeps (SPEC §2.1)."""

    name = forms.CharField(max_length=NAME_MAX_LENGTH, required=False, strip=True,
                           help_text="Leave empty for “<name>_copy”.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    mode = forms.ChoiceField(
        label="Type", choices=DuplicationMode.choices, initial=DuplicationMode.PARTIAL,
        widget=forms.RadioSelect, required=False,
    )

    def clean_mode(self):
        return DuplicationMode(self.cleaned_data["mode"] or DuplicationMode.PARTIAL)

    def clean_name(self):
        return self.cleaned_data["name"] or None


# -- the journey list ---------------------------------------------------------------


class CreateJourneyForm(forms.Form):
    """SPEC §1: a new Draft journey. Whether the name is free is the model's rule."""

    name = forms.CharField(max_length=NAME_MAX_LENGTH, strip=True)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, strip=True
    )


PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50


class ListPageForm(forms.Form):
    """Which page of the journey list, and how long; anything else falls back quietly."""

    page = forms.IntegerField(min_value=1, required=False)
    per_page = forms.TypedChoiceField(
        label="Rows per page",
        choices=[(size, size) for size in PAGE_SIZES],
        coerce=int,
        required=False,
        empty_value=DEFAULT_PAGE_SIZE,
    )


class ColumnsForm(forms.Form):
    """The columns a user shows in the journey list (Name always shows)."""

    columns = forms.MultipleChoiceField(
        label="Show columns", widget=forms.CheckboxSelectMultiple, required=False
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = choices
