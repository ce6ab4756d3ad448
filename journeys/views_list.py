"""The journey list (SPEC §1): the table, its search and filters, its column choice and
the Create account journey dialog. The rules stay in the model; these views translate."""

import zoneinfo
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import EmptyPage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from journeys.errors import JourneyError
from journeys.filters import JourneyFilter
from journeys.forms import DEFAULT_PAGE_SIZE, ColumnsForm, CreateJourneyForm, ListPageForm
from journeys.models import Journey, ListPreference
from journeys.roles import Right, can, require
from journeys.tables import DEFAULT_ORDER, HIDEABLE_COLUMNS, JourneyTable
from journeys.views import journey_url

HIDEABLE = [name for name, _ in HIDEABLE_COLUMNS]
# The browser's time zone, set by static/js/list.js; the site's until it has.
TIME_ZONE_COOKIE = "tz"


def user_time_zone(request):
    try:
        return zoneinfo.ZoneInfo(request.COOKIES.get(TIME_ZONE_COOKIE, ""))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def hidden_columns(user):
    preference = ListPreference.objects.filter(user=user).first()
    stored = preference.hidden_columns if preference else []
    return [name for name in HIDEABLE if name in stored]


@vary_on_headers("HX-Request")
def journey_list(request):
    require(request.user, Right.VIEW)
    hidden = hidden_columns(request.user)
    filterset = JourneyFilter(
        request.GET,
        queryset=Journey.objects.select_related("created_by", "updated_by", "published_by"),
    )
    # A role that may neither duplicate nor delete has no row actions to show.
    row_actions = can(request.user, Right.DUPLICATE) or can(request.user, Right.DELETE)
    table = JourneyTable(
        filterset.qs, exclude=hidden if row_actions else [*hidden, "actions"], request=request
    )
    # tables2 drops sort keys that are not orderable columns; none left means the default.
    table.order_by = request.GET.getlist(table.order_by_field)
    if not table.order_by:
        table.order_by = DEFAULT_ORDER
    page_form = ListPageForm(request.GET)
    page_form.is_valid()
    per_page = page_form.cleaned_data.get("per_page") or DEFAULT_PAGE_SIZE
    try:
        table.paginate(page=page_form.cleaned_data.get("page") or 1, per_page=per_page)
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)
    total = table.paginator.count
    context = {
        "table": table,
        "filterset": filterset,
        # Shown unbound: a page size out of the choices already fell back to the default.
        "page_form": ListPageForm(initial={"per_page": per_page}),
        "total": total,
        # Only an empty result asks whether there are journeys at all.
        "any_journeys": bool(total) or Journey.objects.exists(),
        "sort": ",".join(table.order_by) if request.GET.get(table.order_by_field) else "",
        "columns_form": ColumnsForm(
            initial={
                "columns": [name for name in HIDEABLE if name not in hidden],
                "next": request.get_full_path(),
            },
            choices=HIDEABLE_COLUMNS,
        ),
        "can_create": can(request.user, Right.CREATE),
        "create_form": CreateJourneyForm(),
    }
    template = "journeys/journey_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#journey-table"
    with timezone.override(user_time_zone(request)):
        return render(request, template, context)


@require_POST
def journey_list_columns(request):
    require(request.user, Right.VIEW)
    form = ColumnsForm(request.POST, choices=HIDEABLE_COLUMNS)
    if not form.is_valid():
        return render(
            request,
            "error.html",
            {"title": "Columns not saved", "message": "Choose columns from the list."},
            status=400,
        )
    shown = form.cleaned_data["columns"]
    ListPreference.objects.update_or_create(
        user=request.user,
        defaults={"hidden_columns": [name for name in HIDEABLE if name not in shown]},
    )
    if request.htmx:
        # The table reloads itself on this event, with the search and sort it shows.
        return trigger_client_event(HttpResponse(status=204), "columns-changed")
    next_url = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}) or urlsplit(
        next_url
    ).path != reverse("journeys:list"):
        next_url = reverse("journeys:list")
    return redirect(next_url)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def journey_create(request):
    require(request.user, Right.CREATE)
    form = CreateJourneyForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                journey = Journey.objects.create_journey(request.user, **form.cleaned_data)
            except JourneyError as error:
                if error.status_code != 400:
                    raise
                form.add_error("name", error.message)
            else:
                messages.success(request, f"“{journey.name}” was created.")
                if request.htmx:
                    return HttpResponseClientRedirect(journey_url(journey))
                return redirect(journey_url(journey))
        status = 400
    template = "journeys/journey_create.html"
    if request.htmx:
        template += "#create-form"
    return render(request, template, {"form": form, "in_dialog": bool(request.htmx)},
                  status=status)
