"""Node types: each kind of node on the journey map is one class, registered by key.

A node type owns what is particular to its kind: its label, the blocker errors its
settings can have, how its card reads on the map, and how its settings survive a
duplication. The map, the validation and the engine ask the registry, never `if kind ==`.
"""

from dataclasses import dataclass

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


class NodeType:
    key = ""
    label = ""
    # The journey's entry node is created with the journey and never deleted.
    removable = True
    # Settings a "Partial content duplication" leaves behind: the content assets.
    content_keys = ()

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


@register
class AccountAudience(NodeType):
    """Where accounts enter: an account list or an account audience (SPEC §3)."""

    key = "audience"
    label = "Account audience"
    removable = False

    def blocker_errors(self, node):
        if not node.settings.get("source_id"):
            return [BlockerError("Account audience: choose an account list or an audience.", node.pk)]
        return []

    def summary(self, node):
        return node.settings.get("source_name", "No audience chosen")


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
