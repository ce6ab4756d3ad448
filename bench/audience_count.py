"""Benchmark: counting an account audience with three conditions over 100,000 accounts.

    .venv/bin/python bench/audience_count.py                      # SQLite (a temp file)
    bin/with-postgres .venv/bin/python bench/audience_count.py    # PostgreSQL (throwaway)

Prints, for the audience's `account_count()` (the condition language's queryset), the
same SQL the ORM generates run raw through a cursor, and a hand-written case-sensitive
query, the median and best of several runs in milliseconds, beside the SQL itself.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeys_site.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("HTTPS", "false")
_tmp = None
if "DATABASE_URL" not in os.environ:
    _tmp = tempfile.TemporaryDirectory(prefix="audience-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from journeys.audiences.models import Account, AccountAudience  # noqa: E402

ACCOUNTS = 100_000
RUNS = 7
INDUSTRIES = ["Software", "Manufacturing", "Healthcare", "Retail", "Logistics",
              "Energy", "Education", "Financial services"]
COUNTRIES = ["Germany", "France", "United States", "United Kingdom", "Spain", "Canada",
             "Netherlands", "Japan", "Brazil", "India"]
CONDITIONS = {"match": "all", "rows": [
    {"attribute": "industry", "operator": "is", "value": "Software"},
    {"attribute": "employee_size", "operator": "gte", "value": "500"},
    {"attribute": "country", "operator": "in_list", "value": ["Germany", "France"]},
]}
HAND_WRITTEN = (
    "SELECT COUNT(*) FROM audiences_account WHERE industry = %s AND employee_size >= %s "
    "AND country IN (%s, %s)",
    ["Software", 500, "Germany", "France"],
)


def populate():
    Account.objects.all().delete()
    batch = []
    for i in range(ACCOUNTS):
        batch.append(Account(
            name=f"Account {i:06d}", industry=INDUSTRIES[i % len(INDUSTRIES)],
            country=COUNTRIES[(i // 3) % len(COUNTRIES)], employee_size=(i * 37) % 10_000,
        ))
        if len(batch) == 5000:
            Account.objects.bulk_create(batch)
            batch = []
    Account.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(function):
    times, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return result, statistics.median(times), min(times)


def raw(sql, params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]
    return run


def main():
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.Database.__name__}; "
          f"populating {ACCOUNTS:,} accounts ...", flush=True)
    populate()
    audience, _ = AccountAudience.objects.update_or_create(
        name="Benchmark: software in DE/FR, 500+ employees",
        defaults={"conditions": CONDITIONS},
    )
    # The SQL the ORM runs for the count, as the database received it.
    with CaptureQueriesContext(connection) as captured:
        audience.account_count()
    orm_sql = captured.captured_queries[-1]["sql"]
    rows = [
        ("audience.account_count() (ORM)", audience.account_count),
        ("the same SQL, raw cursor", raw(orm_sql, None)),
        ("hand-written SQL (case-sensitive)", raw(*HAND_WRITTEN)),
    ]
    print(f"conditions: {audience.condition_set().describe()}\n")
    print(f"{'what':<36} {'count':>8} {'median ms':>10} {'best ms':>9}")
    for label, function in rows:
        count, median, best = timed(function)
        print(f"{label:<36} {count:>8,} {median:>10.2f} {best:>9.2f}")
    print(f"\nthe audience's SQL:\n  {orm_sql}")
    print(f"hand-written:\n  {HAND_WRITTEN[0]}  {HAND_WRITTEN[1]}")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        if _tmp is not None:
            _tmp.cleanup()
