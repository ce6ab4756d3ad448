import json

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from journeys.errors import GuardrailViolation, JourneyError
from journeys.forms import DuplicateForm
from journeys.models import Action, Journey
from journeys.roles import Right, require


def get_journey_for(request, pk, queryset=None):
    """The one way views load a journey: the user must be allowed to see journeys."""
    require(request.user, Right.VIEW)
    return get_object_or_404(queryset if queryset is not None else Journey.objects, pk=pk)


def journey_list(request):
    require(request.user, Right.VIEW)
    journeys = Journey.objects.select_related("created_by", "updated_by")[:100]
    return render(request, "journeys/journey_list.html", {"journeys": journeys})


def journey_detail(request, pk):
    journey = get_journey_for(
        request, pk, Journey.objects.select_related("created_by", "updated_by", "published_by")
    )
    activities = journey.activities.select_related("actor")[:50]
    return render(
        request,
        "journeys/journey_detail.html",
        {"journey": journey, "activities": activities},
    )


# Lifecycle actions without a form of their own: the model method is the whole rule.
TRANSITIONS = {
    Action.PUBLISH: ("publish", "“{name}” is live."),
    Action.CLOSE: ("close_to_new_entries", "“{name}” is closed to new entries."),
    Action.ABORT: ("abort", "“{name}” was aborted."),
}


@require_POST
def journey_transition(request, pk, action):
    journey = get_journey_for(request, pk)
    method, done = TRANSITIONS[Action(action)]
    getattr(journey, method)(request.user)
    messages.success(request, done.format(name=journey.name))
    return redirect(journey_url(journey))


@require_POST
def journey_delete(request, pk):
    journey = get_journey_for(request, pk)
    journey.delete_journey(request.user)
    messages.success(request, f"“{journey.name}” was deleted.")
    return redirect("journeys:list")


@require_POST
def journey_duplicate(request, pk):
    journey = get_journey_for(request, pk)
    form = DuplicateForm(request.POST)
    if form.is_valid():
        try:
            copy = journey.duplicate(request.user, **form.cleaned_data)
        except JourneyError as error:
            if error.status_code != 400:
                raise
            form.add_error("name", error.message)
        else:
            messages.success(request, f"“{copy.name}” was created as a copy of “{journey.name}”.")
            return redirect(journey_url(copy))
    return render(
        request, "journeys/journey_duplicate.html", {"journey": journey, "form": form}, status=400
    )


def journey_url(journey):
    return reverse("journeys:detail", args=[journey.pk])


# -- node settings: the editor's properties pane ------------------------------------


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def journey_node(request, pk, node_pk):
    """A node's properties: its card summary and its type's settings form.

    GET shows the form (an htmx request gets the `properties` partial, or the partial
    its HX-Target names, e.g. the audience picker's results); POST saves through
    Node.update_settings and answers with the partial, or redirects without htmx.
    """
    journey = get_journey_for(request, pk)
    node = get_object_or_404(journey.nodes.select_related("path"), pk=node_pk)
    node_type = node.type
    frozen = journey.map_frozen_reason(request.user) if node_type.settings_form else ""
    form = None
    status = 200
    if node_type.settings_form is not None and not frozen:
        data = request.POST if request.method == "POST" else None
        form = node_type.settings_form(node, data, query=request.GET)
    if request.method == "POST":
        if form is None:
            raise GuardrailViolation(frozen or f"{node_type.label} nodes have no settings.")
        status = 400
        if form.is_valid():
            try:
                node.update_settings(
                    request.user, form.settings(), version=form.cleaned_data["version"]
                )
            except JourneyError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                if not request.htmx:
                    messages.success(request, f"{node_type.label} saved.")
                    return redirect(request.path)
                form = node_type.settings_form(node, query=request.GET)
                status = 200
    context = {"journey": journey, "node": node, "form": form, "frozen": frozen,
               "saved": status == 200 and request.method == "POST"}
    template = "journeys/node_properties.html"
    partial = node_type.settings_partials.get(request.htmx.target) if request.htmx else None
    if request.htmx and request.htmx.target == "readiness":
        template += "#readiness"
    elif partial:
        template = f"{node_type.settings_template}#{partial}"
    elif request.htmx:
        template += "#properties"
    if not request.htmx or request.htmx.target == "readiness":
        context["blocker_errors"] = journey.blocker_errors()
        context["can_publish"] = Action.PUBLISH in journey.available_actions(request.user)
    response = render(request, template, context, status=status)
    if request.method == "POST" and status == 200:
        # The editor refreshes the node's card and the journey's errors on this event.
        response["HX-Trigger"] = json.dumps({"nodeSettingsSaved": {"node": node.pk}})
    return response
