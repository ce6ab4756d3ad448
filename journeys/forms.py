from django import forms

from journeys.models import (
    MAX_SCHEDULE_YEARS,
    NAME_MAX_LENGTH,
    REENTRY_FIELDS,
    DelayUnit,
    ReentryTiming,
    StartMode,
    Status,
)
from journeys.nodes import DuplicationMode

# Bounds that keep re-entry numbers sensible (and inside any database's integer).
MAX_REENTRY_DELAY = 10_000
MAX_REENTRY_LIMIT = 1_000


class DuplicateForm(forms.Form):
    """What a copy is called and how much of the map it keeps (SPEC §2.1)."""

    name = forms.CharField(max_length=NAME_MAX_LENGTH, required=False, strip=True,
                           help_text="Leave empty for the journey’s name and “_copy”.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    mode = forms.ChoiceField(
        label="Type", choices=DuplicationMode.choices, initial=DuplicationMode.PARTIAL,
        widget=forms.RadioSelect, required=False,
    )

    def clean_mode(self):
        return DuplicationMode(self.cleaned_data["mode"] or DuplicationMode.PARTIAL)

    def clean_name(self):
        return self.cleaned_data["name"] or None


# -- the editor -------------------------------------------------------------------------
# Each form carries the journey's `version`, so that the model can refuse a save built
# from an older page (StaleEdit). The forms check shapes; the model checks the rules.


class VersionedForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, journey, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", journey.version)
        super().__init__(*args, **kwargs)
        self.journey = journey

    def changes(self):
        """The cleaned fields the model method takes as keyword arguments."""
        return {key: value for key, value in self.cleaned_data.items() if key != "version"}


class ActionForm(VersionedForm):
    """Close, Abort, Delete, Publish without a review: only the version, and optional,
    because the journey list posts these without one."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput, required=False)


class DuplicateDialogForm(DuplicateForm):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput, required=False)

    def __init__(self, *args, journey, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", journey.version)
        kwargs["initial"].setdefault("description", journey.description)
        if not args and kwargs.get("data") is None:
            kwargs["initial"].setdefault("name", journey.unique_copy_name())
        super().__init__(*args, **kwargs)
        self.journey = journey


class RenameForm(VersionedForm):
    name = forms.CharField(
        max_length=NAME_MAX_LENGTH, strip=True, widget=forms.TextInput(attrs={"autofocus": True})
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, strip=True
    )

    def __init__(self, *args, journey, **kwargs):
        kwargs.setdefault("initial", {"name": journey.name, "description": journey.description})
        super().__init__(*args, journey=journey, **kwargs)


DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ScheduleForm(VersionedForm):
    """Journey settings: the start and end (Draft), or only the end date (Live, Closed)."""

    start_mode = forms.TypedChoiceField(
        label="Start", choices=StartMode.choices, coerce=StartMode, widget=forms.RadioSelect
    )
    start_at = forms.DateTimeField(
        label="Start date", required=False, widget=DATETIME_LOCAL,
        help_text="For a start on a specific date.",
    )
    end_at = forms.DateTimeField(
        label="End date", widget=DATETIME_LOCAL,
        help_text=f"At most {MAX_SCHEDULE_YEARS} years after the start.",
    )

    def __init__(self, *args, journey, **kwargs):
        kwargs.setdefault("initial", {
            "start_mode": journey.start_mode,
            "start_at": journey.start_at if journey.start_mode == StartMode.SCHEDULED else None,
            "end_at": journey.end_at,
        })
        super().__init__(*args, journey=journey, **kwargs)
        if journey.status != Status.DRAFT:
            # SPEC §2.1: only the end date may change once published.
            del self.fields["start_mode"], self.fields["start_at"]

    def clean(self):
        cleaned = super().clean()
        if "start_mode" in self.fields:
            if cleaned.get("start_mode") == StartMode.SCHEDULED:
                if not cleaned.get("start_at") and "start_at" not in self.errors:
                    self.add_error("start_at", "Choose the date the journey starts on.")
            else:
                cleaned["start_at"] = None
        return cleaned


class PublishForm(ScheduleForm):
    """The publish review: the schedule of a Draft, checked again on the final Publish."""


class ReentryForm(VersionedForm):
    reentry_enabled = forms.BooleanField(label="Allow accounts to re-enter", required=False)
    reentry_timing = forms.TypedChoiceField(
        label="Timing", choices=ReentryTiming.choices, coerce=ReentryTiming,
        widget=forms.RadioSelect,
    )
    reentry_delay = forms.IntegerField(label="Delay", min_value=1, max_value=MAX_REENTRY_DELAY)
    reentry_delay_unit = forms.TypedChoiceField(
        label="Delay unit", choices=DelayUnit.choices, coerce=DelayUnit
    )
    reentry_limit = forms.IntegerField(
        label="Entry limit per account", min_value=1, max_value=MAX_REENTRY_LIMIT,
        help_text="How many times one account may enter in all.",
    )

    def __init__(self, *args, journey, **kwargs):
        kwargs.setdefault("initial", {field: getattr(journey, field) for field in REENTRY_FIELDS})
        super().__init__(*args, journey=journey, **kwargs)

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
