"""Directives benchmark on PostgreSQL: the city dashboard with tasks expanded to every school.

Builds the city's units and agencies and ~1,600 public schools (registry rows only, no
students: the dashboard never reads them), loads the seed documents, adds a plan whose tasks
go to all schools of each level and to all communes (one sub-task per school or commune,
~1,900 sub-tasks per plan), spreads progress and deadlines over them, then times the
dashboard (tasks by status, the overdue list, on-time rate per unit) for the city viewer, a
department officer and a commune officer, and the filtered task list of the API's selector;
each as p50/p95 and as a ratio to a bare `SELECT count(*) FROM directives_task` measured in
the same run.

    uv run python bench/directives_bench.py                 # ~1,600 schools, 3 plans
    uv run python bench/directives_bench.py --plans 1 --queries 50
    DATABASE_URL=postgres://user@host/db uv run python bench/directives_bench.py --reuse
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://oversight@127.0.0.1:5432/oversight_directives_bench"
# Public schools of the city by level, about as many as Hai Phong has (~1,600 in all).
SCHOOLS = {
    "preschool": 560,
    "primary": 480,
    "lower_secondary": 400,
    "upper_secondary": 100,
    "multi_level": 20,
    "continuing_education": 40,
}


def ensure_database(url: str, fresh: bool) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def build_city() -> None:
    """Units, agencies and public schools (bulk, registry rows only)."""
    from oversight.registry.models import Agency, Institution
    from oversight.registry.services import COMMUNE_KINDS, load_units

    city = load_units().city
    communes = list(city.children.filter(kind__in=COMMUNE_KINDS))
    department = Agency.objects.get(unit=city, kind=Agency.Kind.DEPARTMENT)
    committees = {a.unit_id: a for a in Agency.objects.filter(kind="commune_committee")}
    have = set(Institution.objects.values_list("code", flat=True))
    rows = []
    for level, count in SCHOOLS.items():
        for i in range(count):
            code = f"BENCH-{level[:3].upper()}-{i:04d}"
            if code in have:
                continue
            unit = communes[i % len(communes)]
            commune_managed = level in ("preschool", "primary", "lower_secondary")
            inst = Institution(
                code=code,
                name=f"Trường {level} số {i + 1} {unit.name}",
                level=level,
                unit=unit,
                managing_agency=committees[unit.pk] if commune_managed else department,
            )
            inst.set_derived()
            rows.append(inst)
    Institution.objects.bulk_create(rows, batch_size=1000)


def add_plans(n: int, rng: random.Random) -> None:
    """Plans whose tasks expand to all schools of each level and to all communes, with progress
    and deadlines spread so every status occurs."""
    from oversight.directives.models import Document, Task
    from oversight.directives.services import create_document, create_task
    from oversight.registry.models import Agency

    department = Agency.objects.get(kind=Agency.Kind.DEPARTMENT)
    today = date.today()
    for k in range(n):
        key = f"bench-plan-{k}"
        if Document.objects.filter(seed_key=key).exists():
            continue
        doc = create_document(
            by=None,
            seed_key=key,
            kind="plan",
            number=f"{100 + k}/KH-SGDĐT",
            issued_on=today - timedelta(days=120),
            issuer=department,
            subject=f"Kế hoạch kiểm tra dạy thêm, học thêm đợt {k + 1}",
        )
        for j, group in enumerate(
            [f"all_schools:{level}" for level in SCHOOLS] + ["all_communes"], start=1
        ):
            create_task(
                by=None,
                document=doc,
                section=f"II.{j}",
                title=f"Tự kiểm tra, báo cáo ({group})",
                lead=department,
                cooperating=[group],
                deadline=today + timedelta(days=rng.randint(-60, 60)),
            )
    leaves = list(
        Task.objects.filter(parent__isnull=False, percent=0, deadline__isnull=False).values_list(
            "pk", "deadline"
        )
    )
    updates = []
    for pk, deadline in leaves:
        roll = rng.random()
        if roll < 0.25:
            continue
        percent = 100 if roll > 0.6 else rng.choice([20, 40, 60, 80])
        done_on = deadline + timedelta(days=rng.randint(-20, 10)) if percent == 100 else None
        if done_on and done_on > today:
            done_on = today
        reported = done_on or today - timedelta(days=rng.randint(0, 30))
        updates.append(Task(pk=pk, percent=percent, completed_on=done_on, last_report_on=reported))
    Task.objects.bulk_update(updates, ["percent", "completed_on", "last_report_on"], 1000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=3)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--reuse", action="store_true", help="keep an already built database")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL (DATABASE_URL=postgres://...).")
    ensure_database(url, fresh=not args.reuse)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    os.environ.setdefault("AXES_ENABLED", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from oversight.accounts.models import Role, User
    from oversight.accounts.services import assign_role
    from oversight.directives import selectors
    from oversight.directives.models import Task
    from oversight.directives.seed import ensure_seed_documents
    from oversight.registry.models import Agency, Institution

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    build_city()
    ensure_seed_documents()
    add_plans(args.plans, random.Random(1))
    build_seconds = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("ANALYZE")

    def persona(username: str, role: str, **scope) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password="x")
            assign_role(user=user, role=role, by=None, **scope)
        return user

    city_agency = Agency.objects.get(kind=Agency.Kind.CITY_COMMITTEE)
    department = Agency.objects.get(kind=Agency.Kind.DEPARTMENT)
    committee = Agency.objects.filter(kind=Agency.Kind.COMMUNE_COMMITTEE).order_by("code").first()
    users = {
        "city viewer": persona("bench.city", Role.CITY_VIEWER, unit=city_agency.unit),
        "department officer": persona("bench.dept", Role.DEPARTMENT_OFFICER, agency=department),
        "commune officer": persona("bench.commune", Role.COMMUNE_OFFICER, agency=committee),
    }
    today = timezone.localdate()

    def baseline():
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM directives_task")
            cur.fetchone()

    def fresh(user):
        user.__dict__.pop("_role_assignments", None)
        return user

    def board(user):
        def run():
            b = selectors.dashboard(fresh(user), today)
            assert b.total > 0

        return run

    def overdue_page(user):
        def run():
            list(selectors.tasks_for(fresh(user), today, status="overdue")[:50])

        return run

    for fn in (baseline, board(users["city viewer"])):  # warm the caches
        timed(fn, 5)
    base = timed(baseline, args.queries)
    base_p50, base_p95 = pct(base, 50), pct(base, 95)
    rows = [("SELECT count(*) (baseline)", base_p50, base_p95)]
    for label, user in users.items():
        values = timed(board(user), args.queries)
        rows.append((f"dashboard as {label}", pct(values, 50), pct(values, 95)))
    values = timed(overdue_page(users["city viewer"]), args.queries)
    rows.append(("overdue tasks, first 50, as city viewer", pct(values, 50), pct(values, 95)))

    leaves = Task.objects.filter(expansion="").count()
    print()
    print(f"database: {connection.settings_dict['NAME']}")
    print(
        f"schools: {Institution.objects.count()}, tasks: {Task.objects.count()} "
        f"({leaves} counted on the dashboard), built in {build_seconds:.0f} s"
    )
    print(f"\n{'query':45} {'p50 ms':>8} {'p95 ms':>8} {'p50/base':>9} {'p95/base':>9}")
    for label, p50, p95 in rows:
        print(f"{label:45} {p50:8.2f} {p95:8.2f} {p50 / base_p50:9.1f} {p95 / base_p95:9.1f}")
    print(f"\n{args.queries} runs each; median baseline {statistics.median(base):.3f} ms")


if __name__ == "__main__":
    main()
