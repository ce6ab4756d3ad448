"""The journey list's table (SPEC §1), as a django-tables2 Table.

Every ordering ends with the primary key, so rows that tie keep one stable order from
page to page; empty dates and users sort last in both directions.
"""

import django_tables2 as tables
from django.db.models import Case, F, Value, When
from django.db.models.functions import Lower
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html

from journeys.models import Journey, Status

NO_VALUE = "—"
DEFAULT_ORDER = "-updated_at"  # last updated, newest first


def _nulls_last(queryset, fields, is_descending):
    direction = "desc" if is_descending else "asc"
    ordering = [getattr(F(field), direction)(nulls_last=True) for field in fields]
    ordering.append(F("pk").desc() if is_descending else F("pk").asc())
    return queryset.order_by(*ordering), True


class TimeColumn(tables.Column):
    """A moment in the user's time zone, readable, with the exact time on hover."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial_sort_descending", True)
        super().__init__(*args, **kwargs)

    def render(self, value):
        local = timezone.localtime(value)
        # strftime rather than the date filter: a page of 100 shows 500 of these, and this
        # is several times faster (the site's language is English).
        return format_html(
            '<time datetime="{}" title="{}">{} {}, {}</time>',
            local.isoformat(timespec="seconds"),
            f"{local:%A, %B} {local.day}, {local:%Y, %H:%M:%S %Z}",
            f"{local:%b}", local.day, f"{local:%Y, %H:%M}",
        )

    def order(self, queryset, is_descending):
        return _nulls_last(queryset, [self.accessor], is_descending)


class UserColumn(tables.Column):
    """A user by full name (their user name when they have none)."""

    def render(self, value):
        return value.get_full_name() or value.get_username()

    def order(self, queryset, is_descending):
        prefix = self.accessor
        fields = [f"{prefix}__first_name", f"{prefix}__last_name", f"{prefix}__username"]
        return _nulls_last(queryset, fields, is_descending)


# The lifecycle order of SPEC §2.1, which reads better than the alphabet.
STATUS_RANK = Case(
    *(When(status=status, then=Value(rank)) for rank, status in enumerate(Status)),
)


class JourneyTable(tables.Table):
    name = tables.Column(linkify=("journeys:detail", {"pk": tables.A("pk")}))
    status = tables.Column("Status")
    description = tables.Column("Description", orderable=False)
    created_by = UserColumn("Created by")
    created_at = TimeColumn("Created at")
    updated_at = TimeColumn("Last updated at")
    updated_by = UserColumn("Last updated by")
    published_at = TimeColumn("Published on")
    published_by = UserColumn("Published by")
    start_at = TimeColumn("Start date")
    end_at = TimeColumn("End date")
    actions = tables.Column("Actions", accessor="pk", orderable=False)

    class Meta:
        model = Journey
        fields = []
        sequence = [
            "name", "status", "description", "created_by", "created_at", "updated_at",
            "updated_by", "published_at", "published_by", "start_at", "end_at", "actions",
        ]
        order_by = DEFAULT_ORDER
        order_by_field = "sort"
        template_name = "journeys/_table.html"
        attrs = {"class": "data-table journey-table"}
        default = NO_VALUE
        empty_text = None

    def order_name(self, queryset, is_descending):
        # Case-insensitive, as people read names (and as the unique constraint compares them).
        name = Lower("name").desc() if is_descending else Lower("name").asc()
        pk = F("pk").desc() if is_descending else F("pk").asc()
        return queryset.order_by(name, pk), True

    def order_status(self, queryset, is_descending):
        rank = STATUS_RANK.desc() if is_descending else STATUS_RANK.asc()
        pk = F("pk").desc() if is_descending else F("pk").asc()
        return queryset.order_by(rank, pk), True

    def render_description(self, value):
        return format_html('<span class="cell-description">{}</span>', value)

    # The cell templates render with a plain context, not a RequestContext: the context
    # processors would otherwise run again for each of the hundreds of cells.
    def render_status(self, record):
        return get_template("journeys/_status_badge.html").render({"journey": record})

    def render_actions(self, record):
        return get_template("journeys/_row_actions.html").render(
            {
                "journey": record,
                "actions": record.available_actions(self.request.user),
                "csrf_token": self.csrf_token,
            }
        )

    @cached_property
    def csrf_token(self):
        return get_token(self.request)


# Name and the row actions always show; the rest can be hidden per user.
HIDEABLE_COLUMNS = [
    (name, column.verbose_name)
    for name, column in JourneyTable.base_columns.items()
    if name not in ("name", "actions")
]
