from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def machine_time(value):
    """A datetime as HTML's `datetime` attribute wants it: ISO 8601 to the second."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")
