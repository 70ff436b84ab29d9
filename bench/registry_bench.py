"""Registry benchmark on PostgreSQL: seed the city scale, then time searches and lookups.

Prints seeding time, database size, and p50/p95 latencies of institution search and student
lookups, each also as a ratio to a bare `SELECT count(*)` measured in the same run (the
machines are noisy; ratios travel better than milliseconds).

    uv run python bench/registry_bench.py                # city scale (~1,600 schools)
    uv run python bench/registry_bench.py --scale small  # a quick try
    DATABASE_URL=postgres://user@host/db uv run python bench/registry_bench.py --reuse
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/oversight_bench"


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


def fragment(rng: random.Random, folded_name: str) -> str:
    """What someone types looking for a school: one to three words of its name, without
    diacritics, the last one often cut short ("ngo quy", "tieu hoc an", "thpt tran")."""
    words = folded_name.split()
    k = min(len(words), rng.choice([1, 2, 2, 3]))
    i = rng.randrange(0, len(words) - k + 1)
    picked = words[i : i + k]
    last = picked[-1]
    if len(last) > 3 and rng.random() < 0.6:
        picked[-1] = last[: rng.randint(2, len(last) - 1)]
    return " ".join(picked)


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["small", "city"], default="city")
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--queries", type=int, default=300)
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

    from oversight.accounts.access import institutions_visible_to
    from oversight.accounts.models import User
    from oversight.lib.text import fold
    from oversight.registry import demo
    from oversight.registry.models import Institution, Student

    call_command("migrate", verbosity=0)
    seed_seconds = None
    if not demo.demo_exists():
        t = time.perf_counter()
        counts = demo.seed(scale_name=args.scale, progress=demo.TextProgress())
        seed_seconds = time.perf_counter() - t
        print(f"seeded {counts['schools']} schools, {counts['students']} students")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        cur.execute("SELECT pg_database_size(current_database())")
        size = cur.fetchone()[0]
        cur.execute(
            "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC LIMIT 8"
        )
        biggest = cur.fetchall()

    rng = random.Random(1)
    names = list(Institution.objects.values_list("name", flat=True))
    queries = [fragment(rng, fold(rng.choice(names))) for _ in range(args.queries)]
    school_ids = list(Institution.objects.values_list("pk", flat=True))
    samples = []
    for _ in range(args.queries):
        sid = rng.choice(school_ids)
        s = (
            Student.objects.filter(institution_id=sid)
            .order_by("?")
            .values("code", "full_name")
            .first()
        )
        if s:
            samples.append((sid, s["code"], fold(s["full_name"]).split()[-1]))
    officer = User.objects.get(username="so.chuyenvien")
    principal = User.objects.get(username="ht.tieuhoc")
    n = len(samples)

    def baseline():
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM registry_institution")
            cur.fetchone()

    it = iter(range(10**9))

    def search_plain():
        list(Institution.objects.search(queries[next(it) % len(queries)]).values("pk", "name")[:20])

    def search_officer():
        officer.__dict__.pop("_role_assignments", None)
        qs = institutions_visible_to(officer).search(queries[next(it) % len(queries)])
        list(qs.select_related("unit")[:50])

    def search_principal():
        principal.__dict__.pop("_role_assignments", None)
        list(institutions_visible_to(principal).search(queries[next(it) % len(queries)])[:50])

    def student_by_code():
        sid, code, _ = samples[next(it) % n]
        Student.objects.get(institution_id=sid, code=code)

    def student_by_name():
        sid, _, word = samples[next(it) % n]
        list(Student.objects.filter(institution_id=sid).search(word).values("pk", "full_name")[:50])

    for fn in (baseline, search_plain, student_by_code):  # warm the caches
        timed(fn, 20)
    rows = []
    base = timed(baseline, args.queries)
    base_p50, base_p95 = pct(base, 50), pct(base, 95)
    for label, fn in [
        ("SELECT count(*) (baseline)", baseline),
        ("institution search, top 20", search_plain),
        ("institution search as department officer", search_officer),
        ("institution search as principal", search_principal),
        ("student lookup by school + code", student_by_code),
        ("student search by name in a school", student_by_name),
    ]:
        values = base if fn is baseline else timed(fn, args.queries)
        rows.append((label, pct(values, 50), pct(values, 95)))

    print()
    print(f"database: {connection.settings_dict['NAME']}, size {size / 1024 / 1024:.0f} MB")
    print(f"institutions: {Institution.objects.count()}, students: {Student.objects.count()}")
    if seed_seconds is not None:
        print(f"seeding ({args.scale}): {seed_seconds:.0f} s")
    print("largest tables: " + ", ".join(f"{t} {b / 1024 / 1024:.0f} MB" for t, b in biggest))
    print(f"\n{'query':45} {'p50 ms':>8} {'p95 ms':>8} {'p50/base':>9} {'p95/base':>9}")
    for label, p50, p95 in rows:
        print(f"{label:45} {p50:8.2f} {p95:8.2f} {p50 / base_p50:9.1f} {p95 / base_p95:9.1f}")
    print(
        f"\n{args.queries} queries each; each ratio divides by the baseline's same percentile "
        "in this run. Sample queries: " + ", ".join(repr(q) for q in queries[:6])
    )
    print(f"median baseline {statistics.median(base):.3f} ms")


if __name__ == "__main__":
    main()
