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


def _has_nul(query_dict):
    return any("\x00" in key or any("\x00" in value for value in values
                                    if isinstance(value, str))
               for key, values in query_dict.lists())


class RejectNulMiddleware:
    """Answers 400 to a request whose parameters hold a NUL character.

    No field of ours can hold one, and PostgreSQL refuses it even inside a query (so a
    crafted `?status__exact=%00` in the admin would otherwise end in a 500).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return render(
                request,
                "error.html",
                {"title": "Bad request",
                 "message": "The request holds a NUL character, which no field accepts."},
                status=400,
            )
        return self.get_response(request)
