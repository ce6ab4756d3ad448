from django.apps import AppConfig


class AudiencesConfig(AppConfig):
    name = "journeys.audiences"
    label = "audiences"
    verbose_name = "Audience data"
