from django.db import migrations


def grant_audience_permissions(apps, schema_editor):
    from journeys.roles import ensure_groups

    # Completes the role groups with the audience models' permissions (journeys.roles).
    ensure_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("audiences", "0001_audience_data"),
        ("journeys", "0002_create_role_groups"),
    ]

    operations = [migrations.RunPython(grant_audience_permissions, migrations.RunPython.noop)]
