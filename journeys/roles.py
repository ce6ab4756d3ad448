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

# Audience data (journeys.audiences): every role reads it, so that marketers can pick an
# account list or audience for a journey; admins manage it in the Django admin.
# Codenames of other apps than "journeys" carry their app label.
_AUDIENCE_MODELS = ["account", "person", "solutioninterest", "buyinggroup",
                    "buyinggroupmember", "accountlist", "accountaudience"]
_AUDIENCE_READ = [f"audiences.view_{model}" for model in _AUDIENCE_MODELS]
_AUDIENCE_MANAGE = [f"audiences.{verb}_{model}" for verb in ("add", "change", "delete")
                    for model in _AUDIENCE_MODELS]

GROUP_PERMISSIONS = {
    VIEWER: _READ + _AUDIENCE_READ,
    MARKETER: _READ + _WRITE + _AUDIENCE_READ,
    PUBLISHER: _READ + _WRITE + _RUN + _AUDIENCE_READ,
    ADMIN: _READ + _WRITE + _RUN + ["delete_journey"] + _AUDIENCE_READ + _AUDIENCE_MANAGE,
}
PERMISSION_APPS = ("journeys", "audiences")


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
    from django.db.models import Q

    if apps is None:
        from django.apps import apps
    present = []
    for label in PERMISSION_APPS:
        try:
            app_config = apps.get_app_config(label)
        except LookupError:
            # An early migration's historical state, before the app existed; the app's
            # own data migration completes the groups later.
            continue
        present.append(label)
        # Permissions are normally made after migrating (post_migrate); make them now.
        app_config.models_module = getattr(app_config, "models_module", None) or True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = Q(pk__in=[])
        for permission in codenames:
            app_label, _, codename = permission.rpartition(".")
            if (app_label or "journeys") in present:
                wanted |= Q(content_type__app_label=app_label or "journeys", codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
