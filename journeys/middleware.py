from django.shortcuts import render

from journeys.errors import JourneyError


class DomainErrorMiddleware:
    """Turns a refusal raised by a model method into a page with its message and a 4xx."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, JourneyError):
            return None
        return render(
            request,
            "error.html",
            {"title": "That did not work", "message": exception.message},
            status=exception.status_code,
        )
