from django.shortcuts import get_object_or_404, render

from journeys.models import Journey
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
