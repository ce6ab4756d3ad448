"""Demo users (one per role) and journeys in every status. Running it again changes nothing."""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from journeys.models import Journey
from journeys.roles import ADMIN, MARKETER, PUBLISHER, VIEWER, ensure_groups

DEMO_USERS = [
    # username, first name, last name, group, staff
    ("admin", "Ada", "Admin", ADMIN, True),
    ("publisher", "Pat", "Publisher", PUBLISHER, False),
    ("marketer", "Mia", "Marketer", MARKETER, False),
    ("viewer", "Vic", "Viewer", VIEWER, False),
]

# name, description, what happens to it after creation
DEMO_JOURNEYS = [
    ("Welcome series", "Greets new accounts over their first two weeks.", []),
    ("Product launch teaser", "Warms up buying groups before the spring launch.", []),
    ("Q1 enterprise nurture", "Nurtures enterprise accounts towards a demo.", ["publish"]),
    ("Webinar follow-up", "Follows up on accounts that attended the webinar.",
     ["publish", "close_to_new_entries"]),
    ("Legacy onboarding", "Replaced by the welcome series.", ["publish", "abort"]),
    ("Holiday promo 2025", "Seasonal offer for existing customers.", ["publish", "finish"]),
]


class Command(BaseCommand):
    help = "Create demo users (one per role, with random passwords) and demo journeys."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the existing demo users new random passwords and print them.",
        )

    @transaction.atomic
    def handle(self, *args, reset_passwords=False, **options):
        ensure_groups()
        users = {}
        credentials = []
        User = get_user_model()
        for username, first, last, group_name, staff in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.com",
                    "is_staff": staff,
                    "is_superuser": staff,
                },
            )
            if created or reset_passwords:
                password = secrets.token_urlsafe(12)
                user.set_password(password)
                user.save(update_fields=["password"])
                credentials.append((username, group_name, password))
            user.groups.add(Group.objects.get(name=group_name))
            users[username] = user
        self._create_journeys(users)
        self._report(credentials)

    def _create_journeys(self, users):
        marketer, publisher = users["marketer"], users["publisher"]
        end = timezone.now() + datetime.timedelta(days=180)
        for name, description, steps in DEMO_JOURNEYS:
            if Journey.objects.name_taken(name):
                continue
            journey = Journey.objects.create_journey(marketer, name, description)
            if not steps:
                continue
            audience = journey.nodes.get(kind="audience")
            audience.settings = {"source": "list", "source_id": 1, "source_name": "Demo accounts"}
            audience.save(update_fields=["settings"])
            journey.edit(marketer, end_at=end)
            for step in steps:
                if step == "finish":
                    journey.finish()
                else:
                    getattr(journey, step)(publisher)

    def _report(self, credentials):
        if not credentials:
            self.stdout.write(
                "Demo users already exist; their passwords are unchanged. "
                "Run `manage.py seed_demo --reset-passwords` for new ones."
            )
            return
        self.stdout.write(self.style.SUCCESS("Demo users (log in at /accounts/login/):"))
        for username, group_name, password in credentials:
            self.stdout.write(f"  {username:<10} {group_name:<10} password: {password}")
