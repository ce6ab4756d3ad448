from django.urls import path

from journeys import views, views_list

app_name = "journeys"

urlpatterns = [
    path("", views_list.journey_list, name="list"),
    path("journeys/<int:pk>/", views.journey_detail, name="detail"),
    *(
        path(f"journeys/<int:pk>/{action}/", views.journey_transition, {"action": action},
             name=action)
        for action in views.TRANSITIONS
    ),
    path("journeys/<int:pk>/duplicate/", views.journey_duplicate, name="duplicate"),
    path("journeys/<int:pk>/delete/", views.journey_delete, name="delete"),
    path("journeys/<int:pk>/nodes/<int:node_pk>/", views.journey_node, name="node"),
    # The journey editor (issue 4).
    path("journeys/<int:pk>/rename/", views.journey_rename, name="rename"),
    path("journeys/<int:pk>/settings/", views.journey_settings, name="settings"),
    path("journeys/<int:pk>/reentry/", views.journey_reentry, name="reentry"),
    path("journeys/<int:pk>/publish/review/", views.journey_publish_review,
         name="publish_review"),
    # The journey list (issue 3).
    path("journeys/new/", views_list.journey_create, name="create"),
    path("journeys/columns/", views_list.journey_list_columns, name="columns"),
]
