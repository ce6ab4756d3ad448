#!/usr/bin/env python
"""Benchmark: the journey list page against the Django admin and against raw SQL.

    .venv/bin/python bench/list_page.py                      # SQLite
    bin/with-postgres .venv/bin/python bench/list_page.py    # PostgreSQL

It makes a throwaway test database (Django's test database machinery: `test_<name>`
beside the configured one, removed at the end; never db.sqlite3 itself), fills it with
100,000 journeys and 200 users, then times in one run, round-robin, the server side of:

* the list page: a name search, sorted by name, the second page of 50;
* the Django admin changelist for the same search, sort and page size;
* the raw SQL that page needs (the count and the page of rows with their users).

It prints the median of each and the two ratios (target: page <= 0.8x admin, <= 3x SQL).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeys_site.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-insecure-key")
os.environ["DEBUG"] = "false"  # no query log, no debug toolbar-like overhead
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
# WhiteNoise looks for collected static files, which the benchmark does not need.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

ADJECTIVES = (
    "spring summer autumn winter early late quick bold bright calm eager fresh grand "
    "happy keen lively modern noble prime rapid smart solid steady sunny swift vivid "
    "warm wise young agile brave clever direct open global local central northern "
    "southern eastern western"
).split()
NOUNS = (
    "launch nurture webinar renewal onboarding upsell welcome event campaign trial "
    "demo outreach followup expansion retention reactivation survey newsletter "
    "promotion conference summit workshop meetup review pilot rollout kickoff "
    "briefing showcase roadshow series sprint program initiative playbook journey "
    "sequence touchpoint cadence motion"
).split()
FIRST = "Ada Ben Cleo Dan Eva Finn Gus Hana Ivo Jana Kai Lea Max Nia Oskar Pia Quin Rosa Sam Tia".split()
LAST = "Smith Berg Costa Dubois Evans Fischer Garcia Hansen Ito Jensen".split()

SEARCH = "spring"
PAGE_URL = f"/?q={SEARCH}&sort=name&page=2&per_page=50"
ADMIN_URL = f"/admin/journeys/journey/?q={SEARCH}&o=1&p=2"

# The search as each database does it best: SQLite's LIKE ignores ASCII case by itself;
# PostgreSQL compares UPPER() on both sides, which its trigram index answers.
SEARCH_SQL = {
    "sqlite": "{column} LIKE %s ESCAPE '\\'",
    "postgresql": "UPPER({column}::text) LIKE UPPER(%s)",
}
RAW_COUNT = "SELECT COUNT(*) FROM journeys_journey j WHERE {search}"
RAW_PAGE = """
SELECT j.id, j.name, j.description, j.status, j.created_at, j.updated_at, j.published_at,
       j.start_at, j.end_at,
       c.username, c.first_name, c.last_name,
       u.username, u.first_name, u.last_name,
       p.username, p.first_name, p.last_name
FROM journeys_journey j
LEFT JOIN auth_user c ON c.id = j.created_by_id
LEFT JOIN auth_user u ON u.id = j.updated_by_id
LEFT JOIN auth_user p ON p.id = j.published_by_id
WHERE {search}
ORDER BY LOWER(j.name), j.id
LIMIT 50 OFFSET 50
"""


def make_data(journeys, users):
    from django.contrib.auth.models import User

    from journeys.models import Journey, Status

    rng = random.Random(20261204)
    password = make_password(None)
    people = User.objects.bulk_create(
        User(
            username=f"user{n:03}",
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            password=password,
        )
        for n in range(users)
    )
    admin = User.objects.create_superuser("bench-admin", "bench@example.com", "x")
    now = timezone.now()
    statuses = [Status.DRAFT] * 4 + [Status.LIVE] * 3 + [Status.CLOSED, Status.ABORTED, Status.FINISHED]
    batch = []
    for n in range(journeys):
        created = now - timezone.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        updated = created + timezone.timedelta(minutes=rng.randrange(30 * 24 * 60))
        status = rng.choice(statuses)
        published = status != Status.DRAFT
        batch.append(
            Journey(
                name=f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS)} {n}",
                description=f"Journey number {n} for the {rng.choice(NOUNS)} team",
                status=status,
                created_by=rng.choice(people),
                created_at=created,
                updated_by=rng.choice(people),
                updated_at=updated,
                published_by=rng.choice(people) if published else None,
                published_at=updated if published else None,
                start_at=updated if published else None,
                end_at=updated + timezone.timedelta(days=90),
            )
        )
        if len(batch) == 5000:
            Journey.objects.bulk_create(batch)
            batch = []
    Journey.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return admin


def raw_sql():
    pattern = f"%{SEARCH}%"
    search = SEARCH_SQL[connection.vendor].format(column="j.name")
    with connection.cursor() as cursor:
        cursor.execute(RAW_COUNT.format(search=search), [pattern])
        count = cursor.fetchone()[0]
        cursor.execute(RAW_PAGE.format(search=search), [pattern])
        rows = cursor.fetchall()
    return count, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=30, help="timed rounds (default 30)")
    args = parser.parse_args()

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    database = settings.DATABASES["default"]
    tmp = None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # A file, like a real SQLite deployment, rather than the in-memory test default.
        tmp = tempfile.TemporaryDirectory(prefix="journeys-bench-")
        database.setdefault("TEST", {})["NAME"] = str(Path(tmp.name, "bench.sqlite3"))

    # The admin pages by 50 too, so both serve the same rows.
    from journeys.admin import JourneyAdmin

    JourneyAdmin.list_per_page = 50

    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        started = time.perf_counter()
        admin = make_data(args.journeys, args.users)
        print(f"data: {args.journeys} journeys, {args.users} users, "
              f"made in {time.perf_counter() - started:.1f} s")

        client = Client()
        client.force_login(admin)

        def page():
            response = client.get(PAGE_URL)
            assert response.status_code == 200, response.status_code
            return response

        def admin_changelist():
            response = client.get(ADMIN_URL)
            assert response.status_code == 200, response.status_code
            return response

        count, rows = raw_sql()
        body = page().content.decode()
        assert f"{count} journeys" in body and len(rows) == min(50, max(count - 50, 0)), (
            "page and SQL disagree"
        )
        print(f"search {SEARCH!r}: {count} matching journeys; page 2 of 50, sorted by name")

        runs = {"list page": page, "admin changelist": admin_changelist, "raw SQL": raw_sql}
        timings = {name: [] for name in runs}
        for _ in range(3):  # warm up caches, templates, connections
            for run in runs.values():
                run()
        for _ in range(args.repeat):
            for name, run in runs.items():
                started = time.perf_counter()
                run()
                timings[name].append(time.perf_counter() - started)

        medians = {name: statistics.median(times) * 1000 for name, times in timings.items()}
        for name, median in medians.items():
            print(f"{name:>17}: median {median:7.2f} ms over {args.repeat} runs")
        print(f"list page / admin changelist: {medians['list page'] / medians['admin changelist']:.2f}x"
              " (target <= 0.8x)")
        print(f"list page / raw SQL:          {medians['list page'] / medians['raw SQL']:.2f}x"
              " (target <= 3x)")
    finally:
        teardown_databases(old_config, verbosity=0)
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
