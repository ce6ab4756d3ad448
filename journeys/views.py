from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from journeys.errors import JourneyError
from journeys.forms import DuplicateForm
from journeys.models import Action, Journey
from journeys.roles import Right, require


def get_journey_for(request, pk, queryset=None):
    """The one way views load a journey: the user must be allowed to see journeys."""
    require(request.user, Right.VIEW)
    return get_object_or_404(queryset if queryset is not None else Journey.objects, pk=pk)


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


@vary_on_headers("HX-Request")
def journey_node(request, pk, node_pk):
    """A node's properties: what the editor's properties pane shows for the selected node."""
    journey = get_journey_for(request, pk)
    node = get_object_or_404(journey.nodes.select_related("path"), pk=node_pk)
    template = "journeys/node_properties.html"
    if request.htmx:
        template += "#properties"
    return render(request, template, {"journey": journey, "node": node})
