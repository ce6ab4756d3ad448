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
