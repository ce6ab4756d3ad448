"""Search and filters of the journey list (SPEC §1), as a django-filter FilterSet."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, Value
from django.db.models.functions import Concat

from journeys.models import Journey, Status

# "First Last", as `User.get_full_name()` shows it. The PostgreSQL trigram index of
# migration 0003 is built on UPPER() of exactly what this compiles to.
FULL_NAME = Concat("first_name", Value(" "), "last_name")


def users_matching(text):
    """Users whose user name or full name contains `text`, in any letter case."""
    return (
        get_user_model()
        .objects.alias(full_name=FULL_NAME)
        .filter(Q(username__icontains=text) | Q(full_name__icontains=text))
        .values("pk")
    )


class JourneyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        label="Search by name",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    created_by = django_filters.CharFilter(
        method="filter_created_by",
        label="Created by",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status")

    class Meta:
        model = Journey
        fields = []

    def filter_created_by(self, queryset, name, value):
        # A subquery on the users, not a join: the users' trigram indexes can answer it,
        # and the journeys are then found through their created_by foreign key.
        return queryset.filter(created_by__in=users_matching(value))
