"""Roles and the rights they carry (SPEC §9), in the one place everything asks.

Views, the admin and the model methods all call `can()` / `require()`; the groups
themselves are plain Django groups holding the permissions named here.
"""

from django.db.models import TextChoices

from journeys.errors import ActionForbidden


class Right(TextChoices):
    VIEW = "view", "view journeys"
    CREATE = "create", "create journeys"
    EDIT = "edit", "edit journeys"
    DUPLICATE = "duplicate", "duplicate journeys"
    PUBLISH = "publish", "publish journeys"
    CLOSE = "close", "close journeys to new entries"
    ABORT = "abort", "abort journeys"
    DELETE = "delete", "delete journeys"


# Each right is one Django permission on the journeys app.
PERMISSION_FOR_RIGHT = {
    Right.VIEW: "view_journey",
    Right.CREATE: "add_journey",
    Right.EDIT: "change_journey",
    Right.DUPLICATE: "add_journey",
    Right.PUBLISH: "publish_journey",
    Right.CLOSE: "close_journey",
    Right.ABORT: "abort_journey",
    Right.DELETE: "delete_journey",
}

VIEWER, MARKETER, PUBLISHER, ADMIN = "Viewer", "Marketer", "Publisher", "Admin"

_READ = ["view_journey", "view_node", "view_path", "view_journeyactivity"]
_WRITE = ["add_journey", "change_journey", "add_node", "change_node", "delete_node",
          "add_path", "change_path", "delete_path"]
_RUN = ["publish_journey", "close_journey", "abort_journey"]

GROUP_PERMISSIONS = {
    VIEWER: _READ,
    MARKETER: _READ + _WRITE,
    PUBLISHER: _READ + _WRITE + _RUN,
    ADMIN: _READ + _WRITE + _RUN + ["delete_journey"],
}


def can(user, right):
    """Whether `user` holds `right`. Superusers hold every right."""
    if user is None or not user.is_active:
        return False
    return user.has_perm(f"journeys.{PERMISSION_FOR_RIGHT[right]}")


def require(user, right):
    if not can(user, right):
        raise ActionForbidden(f"Your role does not allow you to {Right(right).label}.")


def ensure_groups(apps=None):
    """Create or complete the role groups; safe to run any number of times.

    The data migration passes its historical `apps`; tests and the demo command call it
    without, after a transactional test's flush has emptied the tables.
    """
    from django.contrib.auth.management import create_permissions

    if apps is None:
        from django.apps import apps
    # Permissions are normally made after migrating (post_migrate); make them now.
    app_config = apps.get_app_config("journeys")
    app_config.models_module = getattr(app_config, "models_module", None) or True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="journeys", codename__in=codenames
        )
        group.permissions.set(permissions)
