"""Journeys, their maps (paths and nodes) and their history.

The lifecycle contract of SPEC §2.1 lives here and only here: every entry point (the
editor, the list, the admin, the engine) calls these methods, which check the status
table, the user's rights and the blocker errors, and change the status by
compare-and-set so that two racing requests end with exactly one winner.
"""

import datetime
from copy import copy as shallow_copy
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from journeys.errors import (
    GuardrailViolation,
    JourneyError,
    PublishBlocked,
    StaleEdit,
    TransitionNotAllowed,
)
from journeys.nodes import (
    BlockerError,
    DuplicationMode,
    node_kind_choices,
    node_type,
    prepare_nodes,
)
from journeys.roles import Right, can, require

MAX_SCHEDULE_YEARS = 3
NAME_MAX_LENGTH = 200


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    LIVE = "live", "Live"
    CLOSED = "closed", "Closed to new entries"
    ABORTED = "aborted", "Aborted"
    FINISHED = "finished", "Finished"


class Action(models.TextChoices):
    PUBLISH = "publish", "Publish"
    DUPLICATE = "duplicate", "Duplicate"
    CLOSE = "close", "Close to new entries"
    ABORT = "abort", "Abort"
    DELETE = "delete", "Delete"


# SPEC §2.1, the contract: which actions each status offers, in the order the header
# shows them. Every lifecycle method and `available_actions` read this one table.
ACTIONS_BY_STATUS = {
    Status.DRAFT: (Action.PUBLISH, Action.DUPLICATE, Action.DELETE),
    Status.LIVE: (Action.DUPLICATE, Action.CLOSE, Action.ABORT),
    Status.CLOSED: (Action.DUPLICATE, Action.ABORT),
    Status.ABORTED: (Action.DUPLICATE, Action.DELETE),
    Status.FINISHED: (Action.DUPLICATE, Action.DELETE),
}

RIGHT_FOR_ACTION = {
    Action.PUBLISH: Right.PUBLISH,
    Action.DUPLICATE: Right.DUPLICATE,
    Action.CLOSE: Right.CLOSE,
    Action.ABORT: Right.ABORT,
    Action.DELETE: Right.DELETE,
}

# The system finishes a journey (SPEC §6); no user action leads there.
FINISHABLE_STATUSES = (Status.LIVE, Status.CLOSED)

SCHEDULE_FIELDS = ("start_mode", "start_at", "end_at")
REENTRY_FIELDS = (
    "reentry_enabled",
    "reentry_timing",
    "reentry_delay",
    "reentry_delay_unit",
    "reentry_limit",
)
# What may change in each status (SPEC §2.1: rename and description always; the
# schedule and re-entry in Draft; the end date while Live or Closed).
EDITABLE_FIELDS = {
    Status.DRAFT: {"name", "description", *SCHEDULE_FIELDS, *REENTRY_FIELDS},
    Status.LIVE: {"name", "description", "end_at"},
    Status.CLOSED: {"name", "description", "end_at"},
    Status.ABORTED: {"name", "description"},
    Status.FINISHED: {"name", "description"},
}


def add_years(moment, years):
    """`moment` moved on by whole calendar years; 29 February becomes 28 February."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


class StartMode(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    SCHEDULED = "scheduled", "On a specific date"


class ReentryTiming(models.TextChoices):
    FROM_END = "from_end", "Wait from end of journey"
    FROM_START = "from_start", "Wait from start of journey"


class DelayUnit(models.TextChoices):
    HOURS = "hours", "Hours"
    DAYS = "days", "Days"


class JourneyQuerySet(models.QuerySet):
    def name_taken(self, name, exclude_pk=None):
        matches = self.filter(name__iexact=name.strip())
        if exclude_pk is not None:
            matches = matches.exclude(pk=exclude_pk)
        return matches.exists()

    def create_journey(self, by, name, description=""):
        """A new Draft journey whose map holds just the Account audience node."""
        require(by, Right.CREATE)
        name = _clean_name(name)
        if self.name_taken(name):
            raise GuardrailViolation(f"A journey named “{name}” already exists.")
        now = timezone.now()
        try:
            with transaction.atomic():
                journey = self.create(
                    name=name,
                    description=description,
                    created_by=by,
                    created_at=now,
                    updated_by=by,
                    updated_at=now,
                )
                main = Path.objects.create(journey=journey, label="Main path")
                Node.objects.create(journey=journey, path=main, position=0, kind="audience")
                journey.record(by, JourneyActivity.Verb.CREATED)
        except IntegrityError:
            # A concurrent create took the name between the check and the insert.
            if self.name_taken(name):
                raise GuardrailViolation(f"A journey named “{name}” already exists.") from None
            raise
        return journey


def _clean_name(name):
    name = (name or "").strip()
    if not name:
        raise GuardrailViolation("A journey needs a name.")
    if len(name) > NAME_MAX_LENGTH:
        raise GuardrailViolation(f"A journey name has at most {NAME_MAX_LENGTH} characters.")
    return name


class Journey(models.Model):
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.DRAFT)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    start_mode = models.CharField(
        max_length=16, choices=StartMode, default=StartMode.IMMEDIATELY
    )
    # For an immediate start this is set to the moment of publishing.
    start_at = models.DateTimeField(null=True, blank=True)
    end_at = models.DateTimeField(null=True, blank=True)

    reentry_enabled = models.BooleanField(default=False)
    reentry_timing = models.CharField(
        max_length=16, choices=ReentryTiming, default=ReentryTiming.FROM_END
    )
    reentry_delay = models.PositiveIntegerField(default=1)
    reentry_delay_unit = models.CharField(
        max_length=8, choices=DelayUnit, default=DelayUnit.DAYS
    )
    reentry_limit = models.PositiveIntegerField(default=1)

    # Bumped by every change, so a form saved over a newer version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = JourneyQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        permissions = [
            ("publish_journey", "Can publish journeys"),
            ("close_journey", "Can close journeys to new entries"),
            ("abort_journey", "Can abort journeys"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="journey_name_unique_ci",
                violation_error_message="A journey with this name already exists.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="journey_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=Status.DRAFT, published_at__isnull=True, published_by__isnull=True)
                    | (~Q(status=Status.DRAFT) & Q(published_at__isnull=False))
                ),
                name="journey_published_iff_not_draft",
            ),
            models.CheckConstraint(
                condition=Q(start_mode=StartMode.IMMEDIATELY) | Q(start_at__isnull=False),
                name="journey_scheduled_start_has_date",
            ),
            models.CheckConstraint(
                condition=Q(reentry_delay__gte=1, reentry_limit__gte=1),
                name="journey_reentry_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="journey_name_idx"),
            models.Index(fields=["status", "id"], name="journey_status_idx"),
            models.Index(fields=["created_at", "id"], name="journey_created_idx"),
            models.Index(fields=["updated_at", "id"], name="journey_updated_idx"),
            models.Index(fields=["published_at", "id"], name="journey_published_idx"),
            models.Index(fields=["start_at", "id"], name="journey_start_idx"),
            models.Index(fields=["end_at", "id"], name="journey_end_idx"),
        ]

    def __str__(self):
        return self.name

    # -- the contract -----------------------------------------------------------------

    def offers(self, action):
        return action in ACTIONS_BY_STATUS[self.status]

    def available_actions(self, user=None):
        """The actions SPEC §2.1 offers in this status, narrowed to `user`'s rights."""
        from journeys.roles import can

        actions = ACTIONS_BY_STATUS[self.status]
        if user is None:
            return list(actions)
        return [action for action in actions if can(user, RIGHT_FOR_ACTION[action])]

    def _check_offered(self, action):
        if not self.offers(action):
            raise TransitionNotAllowed(
                f"{Action(action).label} is not possible: the journey is "
                f"{Status(self.status).label}."
            )

    def _compare_and_set(self, by, action, new_status, verb, details=None, now=None, **fields):
        """Move from the status this instance holds to `new_status`, or refuse.

        The UPDATE matches the old status, so when two requests race only the first
        one's row matches; the loser reloads and is told what the journey is now.
        """
        old_status = self.status
        now = now or timezone.now()
        with transaction.atomic():
            updated = Journey.objects.filter(pk=self.pk, status=old_status).update(
                status=new_status,
                updated_at=now,
                updated_by=by,
                version=F("version") + 1,
                **fields,
            )
            if not updated:
                self._refuse_stale(action)
            self.record(by, verb, details or {}, at=now)
        self.refresh_from_db()

    def _refuse_stale(self, action):
        current = Journey.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if current is None:
            raise TransitionNotAllowed("This journey no longer exists.")
        self.status = current
        raise TransitionNotAllowed(
            f"{Action(action).label} is not possible: the journey is now "
            f"{Status(current).label}. Reload to see its latest state."
        )

    def publish(self, by):
        """Draft -> Live, only when the journey has no blocker errors."""
        require(by, Right.PUBLISH)
        self._check_offered(Action.PUBLISH)
        with transaction.atomic():
            # Lock the row so that no map edit slips in between checking and publishing.
            locked = Journey.objects.select_for_update().filter(pk=self.pk).first()
            if locked is None or locked.status != self.status:
                self._refuse_stale(Action.PUBLISH)
            errors = locked.blocker_errors()
            if errors:
                raise PublishBlocked(errors)
            now = timezone.now()
            start_at = now if locked.start_mode == StartMode.IMMEDIATELY else locked.start_at
            self._compare_and_set(
                by,
                Action.PUBLISH,
                Status.LIVE,
                JourneyActivity.Verb.PUBLISHED,
                details={"start_at": start_at.isoformat(), "end_at": locked.end_at.isoformat()},
                now=now,
                published_at=now,
                published_by=by,
                start_at=start_at,
            )

    def close_to_new_entries(self, by):
        """Live -> Closed to new entries: accounts inside go on, nobody new enters."""
        require(by, Right.CLOSE)
        self._check_offered(Action.CLOSE)
        self._compare_and_set(by, Action.CLOSE, Status.CLOSED, JourneyActivity.Verb.CLOSED)

    def abort(self, by):
        """Live or Closed -> Aborted: every account stops at once; no restart."""
        require(by, Right.ABORT)
        self._check_offered(Action.ABORT)
        self._compare_and_set(by, Action.ABORT, Status.ABORTED, JourneyActivity.Verb.ABORTED)

    def finish(self):
        """Live or Closed -> Finished, by the system once no account can move any more."""
        if self.status not in FINISHABLE_STATUSES:
            raise TransitionNotAllowed(
                f"A journey that is {Status(self.status).label} cannot finish."
            )
        self._compare_and_set(None, "finish", Status.FINISHED, JourneyActivity.Verb.FINISHED)

    def delete_journey(self, by):
        """Remove the journey permanently (Draft, Aborted or Finished only)."""
        require(by, Right.DELETE)
        self._check_offered(Action.DELETE)
        with transaction.atomic():
            # Locked, so that a concurrent publish cannot turn it Live mid-delete.
            locked = Journey.objects.select_for_update().filter(pk=self.pk, status=self.status)
            if not locked.exists():
                self._refuse_stale(Action.DELETE)
            self.record(by, JourneyActivity.Verb.DELETED)
            locked.delete()

    def duplicate(self, by, *, name=None, description=None, mode=DuplicationMode.PARTIAL):
        """A new Draft with this journey's map; see SPEC §2.1 for the two modes."""
        require(by, Right.DUPLICATE)
        self._check_offered(Action.DUPLICATE)
        mode = DuplicationMode(mode)
        name = _clean_name(name) if name is not None else self.unique_copy_name()
        if Journey.objects.name_taken(name):
            raise GuardrailViolation(f"A journey named “{name}” already exists.")
        keep_details = mode == DuplicationMode.PARTIAL
        now = timezone.now()
        try:
            with transaction.atomic():
                copy = Journey.objects.create(
                    name=name,
                    description=self.description if description is None else description,
                    created_by=by,
                    created_at=now,
                    updated_by=by,
                    updated_at=now,
                    **(self._settings_to_copy() if keep_details else {}),
                )
                self._copy_map_into(copy, mode)
                copy.record(
                    by,
                    JourneyActivity.Verb.CREATED,
                    {"duplicated_from": self.pk, "source_name": self.name, "mode": mode.value},
                )
                self.record(
                    by, JourneyActivity.Verb.DUPLICATED,
                    {"copy_id": copy.pk, "copy_name": copy.name, "mode": mode.value},
                )
        except IntegrityError:
            if Journey.objects.name_taken(name):
                raise GuardrailViolation(f"A journey named “{name}” already exists.") from None
            raise
        return copy

    def _settings_to_copy(self):
        fields = {field: getattr(self, field) for field in REENTRY_FIELDS}
        fields["end_at"] = self.end_at
        # A Live journey's start_at is its publish moment; the copy starts afresh.
        if self.start_mode == StartMode.SCHEDULED:
            fields.update(start_mode=StartMode.SCHEDULED, start_at=self.start_at)
        return fields

    def _copy_map_into(self, copy, mode):
        """Copy paths and nodes level by level: a branch path needs its split node first."""
        keep_details = mode == DuplicationMode.PARTIAL
        paths = list(self.paths.all())
        nodes = list(self.nodes.all())
        branches_of = defaultdict(list)
        for path in paths:
            branches_of[path.split_id].append(path)
        nodes_on = defaultdict(list)
        for node in nodes:
            nodes_on[node.path_id].append(node)
        path_map, node_map = {}, {}
        level = branches_of[None]
        while level:
            new_paths = Path.objects.bulk_create(
                Path(
                    journey=copy,
                    split=node_map.get(path.split_id),
                    order=path.order,
                    label=path.label,
                    is_other=path.is_other,
                    conditions=path.conditions if keep_details else {},
                )
                for path in level
            )
            path_map.update(zip((path.pk for path in level), new_paths))
            level_nodes = [node for path in level for node in nodes_on[path.pk]]
            new_nodes = Node.objects.bulk_create(
                Node(
                    journey=copy,
                    path=path_map[node.path_id],
                    position=node.position,
                    kind=node.kind,
                    settings=node.type.duplicate_settings(node.settings, mode),
                )
                for node in level_nodes
            )
            node_map.update(zip((node.pk for node in level_nodes), new_nodes))
            level = [branch for node in level_nodes for branch in branches_of[node.pk]]
        merged = []
        for path in paths:
            if path.merge_into_id:
                path_map[path.pk].merge_into = node_map[path.merge_into_id]
                merged.append(path_map[path.pk])
        Path.objects.bulk_update(merged, ["merge_into"])

    def unique_copy_name(self):
        """`<name>_copy`, or `<name>_copy_N` with the smallest N that is free."""
        base = f"{self.name[: NAME_MAX_LENGTH - 10]}_copy"
        taken = {
            name.lower()
            for name in Journey.objects.filter(name__istartswith=base).values_list(
                "name", flat=True
            )
        }
        if base.lower() not in taken:
            return base
        n = 2
        while f"{base}_{n}".lower() in taken:
            n += 1
        return f"{base}_{n}"

    # -- edits ------------------------------------------------------------------------

    def editable_fields(self):
        return EDITABLE_FIELDS[self.status]

    def edit(self, by, version=None, **changes):
        """Change the journey's own fields, refusing what its status freezes.

        `version` is the one the editor's form was built from (default: this
        instance's); saving over a newer version raises StaleEdit and changes nothing.
        """
        require(by, Right.EDIT)
        changes = self.validate_edit(changes)
        diff = {
            field: [_jsonable(getattr(self, field)), _jsonable(value)]
            for field, value in changes.items()
            if getattr(self, field) != value
        }
        if not diff:
            return
        expected = self.version if version is None else version
        now = timezone.now()
        try:
            with transaction.atomic():
                updated = Journey.objects.filter(
                    pk=self.pk, version=expected, status=self.status
                ).update(updated_at=now, updated_by=by, version=F("version") + 1, **changes)
                if not updated:
                    self._refuse_stale_edit()
                self.record(by, JourneyActivity.Verb.EDITED, {"changes": diff}, at=now)
        except IntegrityError:
            if "name" in changes and Journey.objects.name_taken(changes["name"], self.pk):
                raise GuardrailViolation(
                    f"A journey named “{changes['name']}” already exists."
                ) from None
            raise
        self.refresh_from_db()

    def validate_edit(self, changes):
        """The edit rules, shared by `edit` and the forms that want to show them early.

        Returns the changes with the name cleaned; raises GuardrailViolation.
        """
        changes = dict(changes)
        frozen = set(changes) - self.editable_fields()
        if frozen:
            labels = ", ".join(
                str(self._meta.get_field(field).verbose_name) for field in sorted(frozen)
            )
            raise GuardrailViolation(
                f"{labels.capitalize()} cannot change while the journey is "
                f"{Status(self.status).label}."
            )
        if "name" in changes:
            changes["name"] = _clean_name(changes["name"])
            if Journey.objects.name_taken(changes["name"], exclude_pk=self.pk):
                raise GuardrailViolation(f"A journey named “{changes['name']}” already exists.")
        if self.status != Status.DRAFT and "end_at" in changes:
            self._check_running_end_date(changes["end_at"])
        return changes

    def _refuse_stale_edit(self):
        current = (
            Journey.objects.filter(pk=self.pk).select_related("updated_by").first()
        )
        if current is None:
            raise StaleEdit("This journey no longer exists.")
        who = current.updated_by.get_username() if current.updated_by else "the system"
        when = timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M")
        raise StaleEdit(f"This journey was changed by {who} at {when} — reload to see it.")

    def _check_running_end_date(self, end_at):
        if end_at is None:
            raise GuardrailViolation("A published journey needs an end date.")
        if end_at <= timezone.now():
            raise GuardrailViolation("The end date cannot be moved into the past.")
        if self.start_at and end_at > add_years(self.start_at, MAX_SCHEDULE_YEARS):
            raise GuardrailViolation(
                f"The end date can be at most {MAX_SCHEDULE_YEARS} years after the start."
            )

    def map_frozen_reason(self, user):
        """Why `user` cannot change this journey's map and node settings now, or ""."""
        if not can(user, Right.EDIT):
            return f"Your role does not allow you to {Right.EDIT.label}."
        if self.status != Status.DRAFT:
            return (
                "The map and node settings can change only while the journey is a Draft; "
                f"this one is {Status(self.status).label}."
            )
        return ""

    # -- validation -------------------------------------------------------------------

    def effective_start(self, now=None):
        """When the journey starts, or would start if published `now`."""
        now = now or timezone.now()
        if self.status == Status.DRAFT and self.start_mode == StartMode.IMMEDIATELY:
            return now
        return self.start_at

    def schedule_errors(self, now=None):
        now = now or timezone.now()
        errors = []
        start = self.effective_start(now)
        if self.status == Status.DRAFT and self.start_mode == StartMode.SCHEDULED:
            if start < now:
                errors.append(BlockerError("The start date is in the past."))
        if self.end_at is None:
            errors.append(BlockerError("Set an end date for the journey."))
        elif self.end_at <= start:
            errors.append(BlockerError("The end date must be after the start."))
        elif self.end_at > add_years(start, MAX_SCHEDULE_YEARS):
            errors.append(
                BlockerError(
                    f"The end date can be at most {MAX_SCHEDULE_YEARS} years after the start."
                )
            )
        return errors

    def blocker_errors(self, now=None):
        """Every problem that stops publishing, one message each, naming the node."""
        errors = []
        nodes = prepare_nodes(
            list(self.nodes.select_related("path").order_by("path__order", "position"))
        )
        for node in nodes:
            errors.extend(node.type.blocker_errors(node))
        errors.extend(self.schedule_errors(now))
        return errors

    # -- history ----------------------------------------------------------------------

    def record(self, by, verb, details=None, at=None):
        return JourneyActivity.objects.create(
            journey=self,
            journey_name=self.name,
            actor=by,
            verb=verb,
            details=details or {},
            at=at or timezone.now(),
        )

    # -- the editor: stale forms, the schedule and the publish review ------------------

    def check_version(self, version):
        """Refuse a form built from an older version than this instance holds (StaleEdit).

        `None` means the request carries no version (a plain button elsewhere, the admin);
        the status compare-and-set of each transition still guards those.
        """
        if version is not None and version != self.version:
            self._refuse_stale_edit()

    def act(self, by, action, *, version=None, **options):
        """Run a lifecycle action asked for by a form built from `version`.

        Rights and the status table are checked first, so a viewer hears 403 and a stale
        page hears what the journey is now; then the version, then the action's method.
        """
        action = Action(action)
        require(by, RIGHT_FOR_ACTION[action])
        self._check_offered(action)
        self.check_version(version)
        method = {
            Action.PUBLISH: self.publish,
            Action.DUPLICATE: self.duplicate,
            Action.CLOSE: self.close_to_new_entries,
            Action.ABORT: self.abort,
            Action.DELETE: self.delete_journey,
        }[action]
        return method(by, **options)

    def schedule_problems(self, start_mode, start_at, end_at, now=None):
        """What would be wrong with this schedule, judged exactly as publishing judges it."""
        if start_mode == StartMode.SCHEDULED and start_at is None:
            return [BlockerError("Choose the date the journey starts on.")]
        proposal = shallow_copy(self)
        proposal.start_mode, proposal.start_at, proposal.end_at = start_mode, start_at, end_at
        return proposal.schedule_errors(now)

    def change_schedule(self, by, *, version=None, **schedule):
        """Save Journey settings: the whole schedule in Draft, only the end date later.

        A Draft's schedule must already be publishable (an end date within 3 years of a
        start that is not in the past); a running journey's end date is checked by `edit`.
        """
        if self.status == Status.DRAFT:
            self.check_version(version)
            if schedule.get("start_mode") == StartMode.IMMEDIATELY:
                schedule["start_at"] = None
            problems = self.schedule_problems(
                schedule.get("start_mode", self.start_mode),
                schedule.get("start_at", self.start_at),
                schedule.get("end_at", self.end_at),
            )
            if problems:
                raise GuardrailViolation(" ".join(problem.message for problem in problems))
        self.edit(by, version=version, **schedule)

    def publish_with_schedule(self, by, *, version=None, **schedule):
        """The publish review: save the reviewed schedule and publish, both or neither."""
        require(by, Right.PUBLISH)
        self._check_offered(Action.PUBLISH)
        self.check_version(version)
        try:
            with transaction.atomic():
                self.change_schedule(by, version=version, **schedule)
                self.publish(by)
        except JourneyError:
            # The schedule edit was rolled back; so is this instance.
            self.refresh_from_db()
            raise


def _jsonable(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


class Path(models.Model):
    """An ordered run of nodes. The main path has no split; branch paths belong to one."""

    journey = models.ForeignKey(Journey, models.CASCADE, related_name="paths")
    split = models.ForeignKey(
        "Node", models.CASCADE, null=True, blank=True, related_name="branches"
    )
    order = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=100)
    # The "Other accounts" / "Other people" path that catches what no path matched.
    is_other = models.BooleanField(default=False)
    # {"match": "all"|"any", "rows": [{"attribute", "operator", "value"}, ...]}
    conditions = models.JSONField(default=dict, blank=True)
    # A branch of a split by accounts that flows into a merge node on a sibling path.
    merge_into = models.ForeignKey(
        "Node", models.SET_NULL, null=True, blank=True, related_name="merged_paths"
    )

    class Meta:
        ordering = ["journey", "split_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey"], condition=Q(split__isnull=True), name="path_one_main_path"
            ),
            models.UniqueConstraint(
                fields=["split"], condition=Q(is_other=True), name="path_one_other_per_split"
            ),
        ]

    def __str__(self):
        return self.label


class Node(models.Model):
    """One step on a path; what it does is its node type's business (journeys.nodes)."""

    journey = models.ForeignKey(Journey, models.CASCADE, related_name="nodes")
    path = models.ForeignKey(Path, models.CASCADE, related_name="nodes")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=node_kind_choices)
    settings = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["path", "position"]
        constraints = [
            models.UniqueConstraint(fields=["path", "position"], name="node_unique_position"),
            models.UniqueConstraint(
                fields=["journey"], condition=Q(kind="audience"), name="node_one_audience"
            ),
        ]

    def __str__(self):
        return f"{self.type.label} #{self.pk}"

    @property
    def type(self):
        return node_type(self.kind)

    @property
    def summary(self):
        """How the node's card reads on the map."""
        return self.type.summary(self)

    def update_settings(self, by, settings, version=None):
        """Replace the node's settings: Draft only, validated by its node type.

        Bumps the journey's version (compare-and-set on the `version` the caller's form
        was built from, default the loaded one) and records who changed what.
        """
        journey = self.journey
        require(by, Right.EDIT)
        frozen = journey.map_frozen_reason(by)
        if frozen:
            raise GuardrailViolation(frozen)
        try:
            settings = self.type.validate_settings(settings)
        except ValidationError as error:
            raise GuardrailViolation(" ".join(error.messages)) from None
        old = self.settings
        if old == settings:
            return
        expected = journey.version if version is None else version
        now = timezone.now()
        with transaction.atomic():
            updated = Journey.objects.filter(
                pk=journey.pk, status=Status.DRAFT, version=expected
            ).update(updated_at=now, updated_by=by, version=F("version") + 1)
            if not updated:
                current = Journey.objects.filter(pk=journey.pk).first()
                if current is not None and current.status != Status.DRAFT:
                    raise GuardrailViolation(current.map_frozen_reason(by))
                journey._refuse_stale_edit()
            Node.objects.filter(pk=self.pk).update(settings=settings)
            journey.record(
                by,
                JourneyActivity.Verb.EDITED,
                {"node": self.pk, "kind": self.kind, "settings": [old, settings]},
                at=now,
            )
        self.settings = settings
        self.__dict__.pop("_prepared", None)
        journey.refresh_from_db()


class JourneyActivity(models.Model):
    """History: who did what to a journey, and when. Kept after the journey is deleted."""

    class Verb(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed to new entries"
        ABORTED = "aborted", "Aborted"
        FINISHED = "finished", "Finished"
        DUPLICATED = "duplicated", "Duplicated"
        DELETED = "deleted", "Deleted"

    journey = models.ForeignKey(
        Journey, models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    journey_name = models.CharField(max_length=NAME_MAX_LENGTH)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=16, choices=Verb)
    at = models.DateTimeField(default=timezone.now)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "journey activities"
        indexes = [models.Index(fields=["journey", "-at"], name="activity_journey_at_idx")]

    def __str__(self):
        who = self.actor.get_username() if self.actor else "system"
        return f"{self.get_verb_display()} {self.journey_name} by {who}"

    # -- the editor's history ----------------------------------------------------------

    def what_changed(self):
        """The details as (what, old, new) lines for the history, in words a user reads."""
        details = self.details or {}
        if self.verb == self.Verb.EDITED:
            # In the form's order: PostgreSQL's jsonb does not keep the keys' order.
            changes = sorted(details.get("changes", {}).items(), key=_field_position)
            return [
                (_field_label(field), _readable(field, old), _readable(field, new))
                for field, (old, new) in changes
            ]
        if self.verb == self.Verb.PUBLISHED:
            return [
                ("Start", None, _readable("start_at", details.get("start_at"))),
                ("End", None, _readable("end_at", details.get("end_at"))),
            ]
        if self.verb == self.Verb.DUPLICATED:
            return [("Copy", None, details.get("copy_name", ""))]
        if self.verb == self.Verb.CREATED and "source_name" in details:
            return [("Copy of", None, details["source_name"])]
        return []


def _field_position(item):
    names = [field.name for field in Journey._meta.concrete_fields]
    return names.index(item[0]) if item[0] in names else len(names)


# The editor's words for the fields an edit can change, where the field name reads badly.
HISTORY_LABELS = {
    "start_mode": "Start",
    "start_at": "Start date",
    "end_at": "End date",
    "reentry_enabled": "Re-entry",
    "reentry_timing": "Re-entry timing",
    "reentry_delay": "Re-entry delay",
    "reentry_delay_unit": "Re-entry delay unit",
    "reentry_limit": "Entry limit per account",
}


def _field_label(field):
    if field in HISTORY_LABELS:
        return HISTORY_LABELS[field]
    return str(Journey._meta.get_field(field).verbose_name).capitalize()


def _readable(field, value):
    """A stored history value (JSON: ISO dates, choice keys) as the editor shows it."""
    if value is None or value == "":
        return "—"
    model_field = Journey._meta.get_field(field)
    if isinstance(model_field, models.DateTimeField):
        moment = datetime.datetime.fromisoformat(value)
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


# -- the journey list ---------------------------------------------------------------


class ListPreference(models.Model):
    """What one user chose to see in the journey list, kept across logins and browsers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="journey_list_preference"
    )
    # Column names of journeys.tables.JourneyTable; names no longer in the table are ignored.
    hidden_columns = models.JSONField(default=list, blank=True)

    def __str__(self):
        return f"Journey list preferences of {self.user}"
