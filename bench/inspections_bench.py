"""Ranking inspection targets for the whole city, as a ratio to a bare COUNT measured in the
same run (these machines are noisy; absolute times mislead).

Uses the city database that registry_bench.py seeds (oversight_bench) with the programmes that
public_bench.py adds, or seeds its own (`--seed small|city`, in
oversight_inspections_bench_<scale>).
It then adds the facts the ranking reads: families' and staff-entered consents with their
enrolments, early withdrawals, suspended programmes and concluded inspections, and times
`rank_targets` for the department (every school of the city) and one commune.

    uv run python bench/registry_bench.py --scale city && uv run python bench/public_bench.py
    uv run python bench/inspections_bench.py
    uv run python bench/inspections_bench.py --seed small      # quick try, own database
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CITY_URL = "postgres://oversight@127.0.0.1:5432/oversight_bench"
OWN_URL = "postgres://oversight@127.0.0.1:5432/oversight_inspections_bench_{scale}"


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


def add_ranking_facts(rng: random.Random, consents: int) -> None:
    """Consents (a fifth entered by staff), enrolments, early withdrawals, suspensions and
    concluded inspections, written in bulk (the ledger's hashes are not the subject here)."""
    from django.utils import timezone

    from oversight.enrollment.models import Channel, ConsentEntry, Decision, Enrollment
    from oversight.inspections.models import Inspection, InspectionTarget
    from oversight.programs.models import Program
    from oversight.registry.models import Agency, Student

    if ConsentEntry.objects.filter(partition__startswith="bench").exists():
        return
    programs = list(Program.objects.filter(status="approved").values_list("pk", "institution_id"))
    if not programs:
        sys.exit("No approved programmes: run bench/public_bench.py once first.")
    students: dict[int, list[int]] = {}
    for school in {i for _, i in programs}:
        students[school] = list(
            Student.objects.filter(institution_id=school).values_list("pk", flat=True)[:200]
        )
    now = timezone.now()
    entries, places = [], []
    for seq in range(consents):
        pk, school = rng.choice(programs)
        if not students.get(school):
            continue
        entries.append(
            ConsentEntry(
                partition=f"bench{school}",
                seq=seq,
                student_id=rng.choice(students[school]),
                program_id=pk,
                decision=Decision.GRANTED,
                channel=Channel.STAFF if rng.random() < 0.2 else Channel.PORTAL,
                receipt_code=f"B{seq:011d}",
                created_at=now,
                prev_hash="",
                hash=f"bench{seq}",
            )
        )
    ConsentEntry.objects.bulk_create(entries, batch_size=2000, ignore_conflicts=True)
    seen = set()
    for e in ConsentEntry.objects.filter(partition__startswith="bench").only(
        "pk", "student_id", "program_id"
    ):
        if (e.student_id, e.program_id) in seen:
            continue
        seen.add((e.student_id, e.program_id))
        early = rng.random() < 0.05
        places.append(
            Enrollment(
                student_id=e.student_id,
                program_id=e.program_id,
                grant_id=e.pk,
                status="ended" if early else "active",
                started_at=now - timedelta(days=30),
                ended_at=now - timedelta(days=25) if early else None,
                end_reason="withdrawn" if early else "",
            )
        )
    Enrollment.objects.bulk_create(places, batch_size=2000)
    suspended = [pk for pk, _ in rng.sample(programs, min(100, len(programs)))]
    Program.objects.filter(pk__in=suspended).update(status="suspended")
    department = Agency.objects.get(kind="department")
    lead = _user("bench.thanhtra", "inspector")
    schools = list({i for _, i in programs})
    for n, school in enumerate(rng.sample(schools, min(200, len(schools)))):
        inspection = Inspection.objects.create(
            kind="periodic",
            agency=department,
            title=f"Kiểm tra {n}",
            legal_basis="TT29/2024",
            starts_on=now.date() - timedelta(days=400),
            ends_on=now.date() - timedelta(days=395),
            status="concluded",
            lead=lead,
            concluded_at=now - timedelta(days=rng.randint(30, 900)),
        )
        InspectionTarget.objects.create(inspection=inspection, institution_id=school, reason="x")
    print(f"added {len(entries)} consents, {len(places)} places, {len(suspended)} suspensions")


def _user(username: str, role: str, *, commune: bool = False):
    from oversight.accounts.models import RoleAssignment, User
    from oversight.registry.models import Agency, Unit

    user, created = User.objects.get_or_create(username=username)
    if created:
        if commune:
            # The commune with the most schools it manages.
            from django.db.models import Count

            agency = (
                Agency.objects.filter(kind="commune_committee")
                .annotate(n=Count("managed_institutions"))
                .order_by("-n")
                .first()
            )
            RoleAssignment.objects.create(user=user, role=role, agency=agency)
        elif role == "inspector":
            RoleAssignment.objects.create(user=user, role=role, unit=Unit.objects.get(kind="city"))
        else:
            agency = Agency.objects.get(kind="department")
            RoleAssignment.objects.create(user=user, role=role, agency=agency)
    return user


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--seed",
        choices=["small", "city"],
        default=None,
        help="seed a database of its own instead of reusing oversight_bench",
    )
    parser.add_argument("--consents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or (
        OWN_URL.format(scale=args.seed) if args.seed else CITY_URL
    )
    if not url.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL (DATABASE_URL=postgres://...).")
    if args.seed:
        from bench.registry_bench import ensure_database

        ensure_database(url, fresh=False)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    os.environ.setdefault("AXES_ENABLED", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from oversight.inspections.selectors import rank_targets
    from oversight.registry import demo

    call_command("migrate", verbosity=0)
    if not demo.demo_exists():
        if not args.seed:
            sys.exit("oversight_bench is empty: run bench/registry_bench.py, or pass --seed.")
        demo.seed(scale_name=args.seed, progress=demo.TextProgress())
    from oversight.programs.models import Program

    if not Program.objects.filter(status="approved").exists():
        from bench.public_bench import seed_programs

        seed_programs(5000 if args.seed != "small" else 300)
    rng = random.Random(11)
    add_ranking_facts(rng, args.consents if args.seed != "small" else 3000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")

    def bare_count():
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM registry_institution")
            cur.fetchone()

    officer = _user("bench.so", "department_officer")
    commune = _user("bench.xa", "commune_officer", commune=True)
    cases = {
        "department, schools": lambda: rank_targets(officer, "institutions"),
        "department, programmes": lambda: rank_targets(officer, "programs"),
        "commune, schools": lambda: rank_targets(commune, "institutions"),
    }
    bare_count()
    base = timed(bare_count, args.runs * 5)
    b50 = pct(base, 50)
    print(f"bare COUNT(*) of institutions: p50 {b50:.2f} ms")
    for name, fn in cases.items():
        fn()  # warm
        runs = timed(fn, args.runs)
        p50, p95 = pct(runs, 50), pct(runs, 95)
        print(
            f"rank_targets {name:<24} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  "
            f"= {p50 / b50:7.0f}x the bare COUNT"
        )
    top = rank_targets(officer, "institutions", limit=1)
    if top:
        print(f"top school: {top[0].name} ({top[0].score}): " + " ".join(top[0].reasons))


if __name__ == "__main__":
    main()
