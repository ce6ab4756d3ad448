"""Node types: each kind of node on the journey map is one class, registered by key.

A node type owns what is particular to its kind: its label, the blocker errors its
settings can have, how its card reads on the map, and how its settings survive a
duplication. The map, the validation and the engine ask the registry, never `if kind ==`.
"""

from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import TextChoices


class DuplicationMode(TextChoices):
    PARTIAL = "partial", "Partial content duplication"
    STRUCTURE = "structure", "Duplicate without details"


@dataclass(frozen=True)
class BlockerError:
    """One problem that stops a journey from being published."""

    message: str
    node_id: int | None = None


REGISTRY = {}


def register(cls):
    REGISTRY[cls.key] = cls()
    return cls


def node_type(key):
    return REGISTRY[key]


def node_kind_choices():
    return [(key, node_type.label) for key, node_type in REGISTRY.items()]


def prepare_nodes(nodes):
    """Let each node type load what its nodes refer to in one go (a few queries for the
    whole map, not one a node) before their blocker errors or cards are asked for."""
    by_kind = defaultdict(list)
    for node in nodes:
        by_kind[node.kind].append(node)
    for kind, of_kind in by_kind.items():
        node_type(kind).prepare(of_kind)
    return nodes


class NodeType:
    key = ""
    label = ""
    # The journey's entry node is created with the journey and never deleted.
    removable = True
    # Settings a "Partial content duplication" leaves behind: the content assets.
    content_keys = ()

    # The settings form (a NodeSettingsForm) and the template that renders it inside the
    # properties pane; a type without them shows its summary only.
    settings_form = None
    settings_template = ""
    # Extra htmx targets inside the settings template: {target id: partial name}.
    settings_partials = {}

    def prepare(self, nodes):
        """Load, for all of `nodes` at once, what blocker_errors() and summary() need;
        keep it in `node._prepared` (a dict), which a settings change clears."""

    def validate_settings(self, settings):
        """Raise ValidationError when `settings` cannot be saved; return them cleaned."""
        return settings

    def blocker_errors(self, node):
        return []

    def summary(self, node):
        return ""

    def blank_settings(self):
        return {}

    def duplicate_settings(self, settings, mode):
        if mode == DuplicationMode.STRUCTURE:
            return self.blank_settings()
        return {key: value for key, value in settings.items() if key not in self.content_keys}


class NodeSettingsForm(forms.Form):
    """Base of the node types' settings forms: `settings()` gives what the node keeps.

    `version` is the journey's version the form was built from, so that saving over a
    newer map is refused (StaleEdit) instead of silently undoing someone's change.
    """

    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1,
        error_messages={key: "This form is out of date; reload the page."
                        for key in ("required", "invalid", "min_value")},
    )

    def __init__(self, node, *args, query=None, **kwargs):
        self.node = node
        self.query = query or {}
        kwargs.setdefault("initial", {}).setdefault("version", node.journey.version)
        super().__init__(*args, **kwargs)

    def settings(self):
        raise NotImplementedError


class AudienceSource(TextChoices):
    LIST = "list", "Account list"
    AUDIENCE = "audience", "Account audience"


PICKER_LIMIT = 20


class AudienceSettingsForm(NodeSettingsForm):
    """Account list or Account audience, then one of them, found by searching its name."""

    source = forms.ChoiceField(
        label="Accounts come from", choices=AudienceSource.choices, widget=forms.RadioSelect
    )
    source_id = forms.IntegerField(
        label="Choose one", min_value=1,
        error_messages={"required": "Choose an account list or an audience."},
    )

    def __init__(self, node, *args, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("source", node.settings.get("source") or AudienceSource.LIST)
        initial.setdefault("source_id", node.settings.get("source_id"))
        super().__init__(node, *args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                node_type("audience").validate_settings(self.settings())
            except ValidationError as error:
                self.add_error("source_id", error)
        return cleaned

    def settings(self):
        return {"source": self.cleaned_data["source"], "source_id": self.cleaned_data["source_id"]}

    # -- the searchable picker --------------------------------------------------------

    picker_limit = PICKER_LIMIT

    def picker_source(self):
        """Which kind the picker lists: the submitted one, the query's, or the node's."""
        for candidate in (self.data.get("source"), self.query.get("source"),
                          self.initial.get("source")):
            if candidate in AudienceSource.values:
                return candidate
        return AudienceSource.LIST

    def picker_search(self):
        return (self.data.get("q") or self.query.get("q") or "").strip()[:100]

    def picker_matches(self):
        """At most PICKER_LIMIT sources whose name contains the search, by name: one
        query (lists come with their account counts from the same query)."""
        from journeys.audiences.models import SOURCES, AccountList

        source = self.picker_source()
        model = SOURCES[source]
        queryset = AccountList.with_counts() if model is AccountList else model.objects.all()
        return list(queryset.search(self.picker_search()).order_by("name", "pk")[:PICKER_LIMIT])

    def picker_chosen(self):
        chosen = self.data.get("source_id") if self.is_bound else self.initial.get("source_id")
        return str(chosen or "")


@register
class AccountAudience(NodeType):
    """Where accounts enter: an account list or an account audience (SPEC §3).

    Node.settings holds {"source": "list"|"audience", "source_id": <pk>}; the name and the
    count on the card are read fresh, so a renamed list reads right and a deleted one is
    a blocker error.
    """

    key = "audience"
    label = "Account audience"
    removable = False
    settings_form = AudienceSettingsForm
    settings_template = "journeys/nodes/audience.html"
    settings_partials = {"source-choices": "source-choices"}

    def prepare(self, nodes):
        from journeys.audiences.models import SOURCES, AccountList

        wanted = defaultdict(set)
        for node in nodes:
            source, source_id = node.settings.get("source"), node.settings.get("source_id")
            if source in SOURCES and isinstance(source_id, int):
                wanted[source].add(source_id)
        found = {}
        for source, ids in wanted.items():
            model = SOURCES[source]
            queryset = AccountList.with_counts() if model is AccountList else model.objects
            found.update({(source, obj.pk): obj for obj in queryset.filter(pk__in=ids)})
        for node in nodes:
            key = (node.settings.get("source"), node.settings.get("source_id"))
            node._prepared = {"source": found.get(key)}

    def source_of(self, node):
        """The chosen list or audience, or None when unchosen or deleted."""
        if "source" not in getattr(node, "_prepared", {}):
            self.prepare([node])
        return node._prepared["source"]

    def validate_settings(self, settings):
        from journeys.audiences.models import SOURCES

        source, source_id = settings.get("source"), settings.get("source_id")
        if source not in SOURCES:
            raise ValidationError("Choose Account list or Account audience.")
        if not isinstance(source_id, int) or not SOURCES[source].objects.filter(
            pk=source_id
        ).exists():
            raise ValidationError(
                f"That {AudienceSource(source).label.lower()} does not exist (any more); "
                "choose another."
            )
        return {"source": source, "source_id": source_id}

    def blocker_errors(self, node):
        if not node.settings.get("source_id"):
            return [BlockerError("Account audience: choose an account list or an audience.", node.pk)]
        if self.source_of(node) is None:
            kind = dict(AudienceSource.choices).get(node.settings.get("source"), "audience")
            kind = kind.lower()
            return [BlockerError(
                f"Account audience: the chosen {kind} was deleted; choose another.", node.pk
            )]
        return []

    def summary(self, node):
        if not node.settings.get("source_id"):
            return "No audience chosen"
        source = self.source_of(node)
        if source is None:
            return "The chosen audience was deleted"
        count = getattr(source, "account_total", None)
        if count is None:
            count = source.account_count()
            source.account_total = count
        noun = "account" if count == 1 else "accounts"
        return f"{source._meta.verbose_name.capitalize()}: {source.name} · {count:,} {noun}"


@register
class TakeAction(NodeType):
    """An action on the account or on its people; emails and SMS carry content assets."""

    key = "action"
    label = "Take an action"
    content_keys = ("content",)


@register
class ListenForEvent(NodeType):
    key = "listen"
    label = "Listen for an event"


@register
class SplitPaths(NodeType):
    key = "split"
    label = "Split paths"


@register
class MergePaths(NodeType):
    key = "merge"
    label = "Merge paths"


@register
class Wait(NodeType):
    """Holds an account for a duration or until a date."""

    key = "wait"
    label = "Wait"
    DEFAULT_AFTER_STRUCTURE_COPY = {"duration": 5, "unit": "days"}

    def blank_settings(self):
        # SPEC §2.1: a copy without details waits 5 days at every Wait node.
        return dict(self.DEFAULT_AFTER_STRUCTURE_COPY)


@register
class End(NodeType):
    key = "end"
    label = "End"
