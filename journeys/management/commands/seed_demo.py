"""Demo users (one per role), audience data (accounts, people, buying groups, two account
lists, two audiences) and journeys in every status. Running it again changes nothing."""

import datetime
import random
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from journeys.audiences.models import (
    Account,
    AccountAudience,
    AccountList,
    BuyingGroup,
    BuyingGroupMember,
    Person,
    SolutionInterest,
)
from journeys.models import Journey
from journeys.roles import ADMIN, MARKETER, PUBLISHER, VIEWER, ensure_groups

DEMO_USERS = [
    # username, first name, last name, group, staff
    ("admin", "Ada", "Admin", ADMIN, True),
    ("publisher", "Pat", "Publisher", PUBLISHER, False),
    ("marketer", "Mia", "Marketer", MARKETER, False),
    ("viewer", "Vic", "Viewer", VIEWER, False),
]

# name, description, audience source (None: not chosen yet), what happens after creation
DEMO_JOURNEYS = [
    ("Welcome series", "Greets new accounts over their first two weeks.", None, []),
    ("Product launch teaser", "Warms up buying groups before the spring launch.", None, []),
    ("Spring webinar invite", "Invites mid-size accounts to the spring webinar. "
     "Ready to publish.", ("audience", "Mid-size software companies"), ["ready"]),
    ("Q1 enterprise nurture", "Nurtures enterprise accounts towards a demo.",
     ("audience", "Enterprise accounts in Europe"), ["publish"]),
    ("Webinar follow-up", "Follows up on accounts that attended the webinar.",
     ("list", "Webinar attendees"), ["publish", "close_to_new_entries"]),
    ("Legacy onboarding", "Replaced by the welcome series.", ("list", "Key accounts 2026"),
     ["publish", "abort"]),
    ("Holiday promo 2025", "Seasonal offer for existing customers.",
     ("list", "Key accounts 2026"), ["publish", "finish"]),
]

DEMO_ACCOUNT_COUNT = 300
INDUSTRIES = ["Software", "Manufacturing", "Healthcare", "Financial services", "Retail",
              "Logistics", "Energy", "Education"]
SIC_CODES = {"Software": "7372", "Manufacturing": "3559", "Healthcare": "8062",
             "Financial services": "6021", "Retail": "5311", "Logistics": "4731",
             "Energy": "4911", "Education": "8221"}
PLACES = [  # country, state, city
    ("Germany", "Bavaria", "Munich"), ("Germany", "Berlin", "Berlin"),
    ("France", "Île-de-France", "Paris"), ("United Kingdom", "England", "London"),
    ("United States", "California", "San Francisco"), ("United States", "New York", "New York"),
    ("United States", "Texas", "Austin"), ("Canada", "Ontario", "Toronto"),
    ("Netherlands", "North Holland", "Amsterdam"), ("Spain", "Catalonia", "Barcelona"),
]
NAME_PARTS = (["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay",
               "Soylent", "Tyrell", "Cyberdyne", "Wonka", "Oscorp", "Gringotts", "Monarch"],
              ["Systems", "Industries", "Labs", "Holdings", "Partners", "Group", "Dynamics",
               "Solutions", "Works", "Networks", "Logistics", "Health", "Energy", "Retail",
               "Analytics", "Robotics", "Capital", "Foods", "Media", "Motors"])
FIRST_NAMES = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Robin", "Chris", "Kim", "Lee",
               "Noor", "Ana", "Jonas", "Lena", "Marco", "Yuki"]
LAST_NAMES = ["Smith", "Müller", "Dubois", "García", "Rossi", "Jansen", "Nowak", "Silva",
              "Khan", "Berg", "Okafor", "Tanaka"]
JOB_TITLES = ["CTO", "VP Engineering", "Head of IT", "CFO", "Procurement manager",
              "Marketing director", "Operations lead", "Developer"]
SOLUTION_INTERESTS = ["Analytics suite", "Cloud platform", "Security add-on"]
DEMO_LISTS = {
    # name: every n-th demo account
    "Key accounts 2026": 10,
    "Webinar attendees": 7,
}
DEMO_AUDIENCES = {
    "Enterprise accounts in Europe": {"match": "all", "rows": [
        {"attribute": "employee_size", "operator": "gte", "value": "1000"},
        {"attribute": "country", "operator": "in_list",
         "value": ["Germany", "France", "United Kingdom", "Netherlands", "Spain"]},
    ]},
    "Mid-size software companies": {"match": "all", "rows": [
        {"attribute": "industry", "operator": "is", "value": "Software"},
        {"attribute": "employee_size", "operator": "between", "value": ["50", "999"]},
    ]},
}


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
        sources = self._create_audience_data()
        self._create_journeys(users, sources)
        self._report(credentials)

    def _create_audience_data(self):
        """A few hundred accounts with people and buying groups, made once; the lists and
        audiences are found by name. Returns {(source key, name): list or audience}."""
        if not Account.objects.filter(name=self._account_name(0)).exists():
            self._create_accounts()
        demo_accounts = list(
            Account.objects.filter(
                name__in=[self._account_name(i) for i in range(DEMO_ACCOUNT_COUNT)]
            ).order_by("pk")
        )
        sources = {}
        for name, every in DEMO_LISTS.items():
            account_list, created = AccountList.objects.get_or_create(
                name=name, defaults={"description": f"Every {every}th demo account."}
            )
            if created:
                account_list.accounts_in.set(demo_accounts[::every])
            sources[("list", name)] = account_list
        for name, conditions in DEMO_AUDIENCES.items():
            audience, _ = AccountAudience.objects.get_or_create(
                name=name, defaults={"conditions": conditions}
            )
            sources[("audience", name)] = audience
        return sources

    @staticmethod
    def _account_name(i):
        first, second = NAME_PARTS
        n = i % (len(first) * len(second))
        suffix = f" {i // (len(first) * len(second)) + 1}" if i >= len(first) * len(second) else ""
        return f"{first[n % len(first)]} {second[n // len(first)]}{suffix}"

    def _create_accounts(self):
        rng = random.Random(2026)  # the same demo data on every machine
        accounts = []
        for i in range(DEMO_ACCOUNT_COUNT):
            industry = rng.choice(INDUSTRIES)
            country, state, city = rng.choice(PLACES)
            size = rng.choice([12, 45, 80, 150, 400, 900, 1500, 5000, 20000])
            accounts.append(Account(
                name=self._account_name(i), industry=industry, country=country, state=state,
                city=city, employee_size=size, annual_revenue=size * rng.randint(80, 250) * 1000,
                sic_code=SIC_CODES[industry],
                custom={"tier": rng.choice(["gold", "silver", "bronze"])},
            ))
        accounts = Account.objects.bulk_create(accounts)
        people = []
        for account in accounts:
            domain = account.name.lower().replace(" ", "") + ".example"
            for _ in range(rng.randint(2, 4)):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                email = f"{first}.{last}@{domain}".lower()
                if any(p.email == email and p.account is account for p in people[-4:]):
                    continue
                people.append(Person(
                    account=account, first_name=first, last_name=last, email=email,
                    job_title=rng.choice(JOB_TITLES), country=account.country,
                    score=rng.randint(0, 100),
                ))
        people = Person.objects.bulk_create(people)
        interests = [SolutionInterest.objects.get_or_create(name=name)[0]
                     for name in SOLUTION_INTERESTS]
        people_of = {}
        for person in people:
            people_of.setdefault(person.account_id, []).append(person)
        groups, members = [], []
        for account in accounts[::2]:
            for interest in rng.sample(interests, rng.randint(1, 2)):
                group = BuyingGroup(
                    account=account, solution_interest=interest,
                    stage=rng.choice(BuyingGroup.Stage.values),
                    status=rng.choice(["Active", "Needs attention", "On hold"]),
                    engagement_score=rng.randint(0, 100),
                    completeness_score=rng.randint(0, 100),
                )
                groups.append(group)
                for person in people_of.get(account.pk, [])[:3]:
                    members.append((group, person, rng.choice(BuyingGroupMember.Role.values)))
        BuyingGroup.objects.bulk_create(groups)
        BuyingGroupMember.objects.bulk_create(
            BuyingGroupMember(buying_group=group, person=person, role=role)
            for group, person, role in members
        )

    def _create_journeys(self, users, sources):
        marketer, publisher = users["marketer"], users["publisher"]
        end = timezone.now() + datetime.timedelta(days=180)
        for name, description, source, steps in DEMO_JOURNEYS:
            if Journey.objects.name_taken(name):
                continue
            journey = Journey.objects.create_journey(marketer, name, description)
            if source is None:
                continue
            audience = journey.nodes.get(kind="audience")
            audience.update_settings(
                marketer, {"source": source[0], "source_id": sources[source].pk}
            )
            journey.refresh_from_db()
            journey.edit(marketer, end_at=end)
            for step in steps:
                if step == "finish":
                    journey.finish()
                elif step != "ready":
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
