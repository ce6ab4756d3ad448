from django.urls import path

from journeys import views

app_name = "journeys"

urlpatterns = [
    path("", views.journey_list, name="list"),
    path("journeys/<int:pk>/", views.journey_detail, name="detail"),
]
