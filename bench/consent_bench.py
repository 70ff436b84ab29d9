"""Consent ledger benchmark on PostgreSQL: sustained writes and a burst of registrations.

Builds its own fictional schools (one approved linkage programme each) and students with
guardian accounts in a database of its own, then measures:

1. a bare ORM insert (an audit row, in its own transaction): the baseline;
2. sustained consent writes, one after another (grant, then withdraw), p50/p99;
3. a burst of registrations by simulated guardians on several threads (each its own
   connection), its throughput and p50/p99 per registration.

Every figure is also printed as a ratio to the baseline measured in the same run.

    uv run python bench/consent_bench.py                    # 10,000-registration burst
    uv run python bench/consent_bench.py --burst 2000       # a quick try
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from datetime import date
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/oversight_consent_bench"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def cpu_times() -> list[int] | None:
    """The machine's CPU time counters (Linux), to tell a busy machine from waiting."""
    try:
        with open("/proc/stat") as f:
            return [int(x) for x in f.readline().split()[1:9]]
    except OSError:
        return None


def busy_share(before: list[int] | None, after: list[int] | None) -> str:
    if before is None or after is None:
        return "n/a"
    d = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(d) or 1
    idle, iowait, steal = d[3], d[4], d[7]
    return (
        f"CPU busy {100 * (total - idle - iowait - steal) / total:.0f} %, idle "
        f"{100 * idle / total:.0f} %, waiting on I/O {100 * iowait / total:.0f} %, "
        f"taken by the host {100 * steal / total:.0f} %"
    )


def build(schools: int, per_school: int):
    """Schools, one class each, students with guardians and guardian accounts, bulk-inserted
    (set-up, not what is measured); one approved programme per school through the services."""
    from oversight.accounts.models import User
    from oversight.programs.models import Partner
    from oversight.programs.services import create_program, transition
    from oversight.registry.models import (
        ClassMembership,
        Guardian,
        Guardianship,
        HomeroomClass,
        Institution,
        Student,
    )
    from oversight.registry.services import load_units

    city = load_units().city
    communes = list(city.children.order_by("code")[:schools])
    from oversight.registry.demo import ensure_years

    _, year = ensure_years()
    partner = Partner.objects.create(
        name="Đối tác thử tải", search_name="doi tac thu tai", licence_number="0209999999"
    )
    from oversight.registry.services import create_institution

    programs = []
    guardians_by_program = []
    for n in range(schools):
        unit = communes[n % len(communes)]
        school = create_institution(
            by=None,
            code=f"BENCH-{n:04d}",
            name=f"Trường THCS Thử Tải {n}",
            level=Institution.Level.LOWER_SECONDARY,
            unit=unit,
        )
        klass = HomeroomClass(institution=school, school_year=year, name="6A", grade=6)
        klass.set_derived()
        klass.save()
        students = []
        for i in range(per_school):
            s = Student(
                institution=school,
                code=f"HS{i:05d}",
                full_name=f"Học Sinh Thử {n} {i}",
                date_of_birth=date(2014, 1, 1),
                gender="male",
            )
            s.set_derived()
            students.append(s)
        Student.objects.bulk_create(students, batch_size=2000)
        ClassMembership.objects.bulk_create(
            [ClassMembership(student=s, homeroom_class=klass, school_year=year) for s in students],
            batch_size=2000,
        )
        users = User.objects.bulk_create(
            [User(username=f"ph-{n}-{i}", password="!") for i in range(per_school)],
            batch_size=2000,
        )
        guardians = Guardian.objects.bulk_create(
            [
                Guardian(full_name=f"Phụ Huynh {n} {i}", phone=f"09{n:03d}{i:05d}", user=u)
                for i, u in enumerate(users)
            ],
            batch_size=2000,
        )
        Guardianship.objects.bulk_create(
            [
                Guardianship(guardian=g, student=s, relation="mother")
                for g, s in zip(guardians, students, strict=True)
            ],
            batch_size=2000,
        )
        program = create_program(
            by=None,
            kind="linkage",
            institution=school,
            partner=partner,
            school_year=year,
            title=f"Tiếng Anh thử tải {n}",
            category="foreign_language",
            grades=[6],
            capacity=per_school,
            starts_on=date(year.starts_on.year, 10, 1),
            ends_on=date(year.starts_on.year + 1, 5, 15),
            fee_amount=200_000,
            fee_legal_basis="Thỏa thuận với cha mẹ theo hợp đồng liên kết",
            alternative_activity="Đọc sách tại thư viện, có giáo viên trông",
            staff=[{"full_name": "Giáo Viên Thử Tải", "is_foreign": False}],
            sessions=[{"weekday": 3, "start": dtime(16, 45), "end": dtime(17, 30), "place": "P1"}],
        )
        transition(program=program, action="submit", by=None)
        programs.append(transition(program=program, action="approve", by=None))
        guardians_by_program.append(list(zip(users, students, strict=True)))
    return programs, guardians_by_program


def _register_all(jobs: list[tuple[int, int, int]]) -> tuple[list[float], list[str]]:
    """One worker process: register each (programme, guardian, student) in turn."""
    from django.db import connections

    from oversight.accounts.models import User
    from oversight.enrollment.services import record_consent
    from oversight.programs.models import Program
    from oversight.registry.models import Student

    connections.close_all()  # never share the parent's socket
    programs = {p.pk: p for p in Program.objects.all()}
    latencies, errors = [], []
    for program_id, user_id, student_id in jobs:
        user, student = User(pk=user_id), Student.objects.get(pk=student_id)
        user.is_authenticated  # noqa: B018 - a real User instance, as a request has
        t = time.perf_counter()
        try:
            record_consent(
                program=programs[program_id],
                student=student,
                decision="granted",
                by=user,
                child_confirmed=True,
            )
        except Exception as e:  # noqa: BLE001 - counted and printed
            errors.append(repr(e))
        latencies.append((time.perf_counter() - t) * 1000)
    connections.close_all()
    return latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--burst", type=int, default=10_000, help="registrations in the burst")
    parser.add_argument("--sustained", type=int, default=500, help="sequential writes")
    parser.add_argument("--workers", type=int, default=4, help="processes in the burst")
    parser.add_argument("--schools", type=int, default=40)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL (DATABASE_URL=postgres://...).")
    from registry_bench import ensure_database

    ensure_database(url, fresh=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    os.environ.setdefault("AXES_ENABLED", "false")
    os.environ["SMS_SENDER"] = "memory"
    os.environ["CONN_MAX_AGE"] = "600"
    # Measured as production runs: DEBUG off (no per-query logging), a secret of its own.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "consent-bench-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections, transaction

    from oversight.audit.models import AuditEvent
    from oversight.enrollment.ledger import verify
    from oversight.enrollment.models import ConsentEntry
    from oversight.enrollment.services import record_consent

    call_command("migrate", verbosity=0)
    per_school = (args.burst + args.sustained) // args.schools + 1
    t = time.perf_counter()
    programs, people = build(args.schools, per_school)
    print(
        f"set-up: {args.schools} schools, {args.schools * per_school} students with guardian "
        f"accounts in {time.perf_counter() - t:.0f} s"
    )

    def bare() -> None:
        with transaction.atomic():
            AuditEvent.objects.create(action="bench.baseline", data={})

    for _ in range(50):
        bare()
    base = []
    for _ in range(args.sustained):
        t = time.perf_counter()
        bare()
        base.append((time.perf_counter() - t) * 1000)

    # Sustained: one writer, grants then withdrawals, spread over the schools.
    queue = [
        (programs[i % len(programs)], people[i % len(programs)][i // len(programs)])
        for i in range(args.sustained)
    ]
    sustained = []
    started = time.perf_counter()
    for program, (user, student) in queue:
        for decision in ("granted", "withdrawn"):
            t = time.perf_counter()
            record_consent(
                program=program, student=student, decision=decision, by=user, child_confirmed=True
            )
            sustained.append((time.perf_counter() - t) * 1000)
    sustained_rate = len(sustained) / (time.perf_counter() - started)

    # Burst: guardians of the remaining students all register at once, through several
    # worker processes (as app servers run), each with its own connection.
    offset = args.sustained // len(programs) + 1
    jobs = [
        (programs[p].pk, people[p][i][0].pk, people[p][i][1].pk)
        for i in range(offset, per_school)
        for p in range(len(programs))
    ][: args.burst]
    connections.close_all()
    chunks = [jobs[w :: args.workers] for w in range(args.workers)]
    cpu_before = cpu_times()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        results = pool.map(_register_all, chunks)
    burst_seconds = time.perf_counter() - started
    cpu_during = busy_share(cpu_before, cpu_times())
    latencies = [x for lat, _ in results for x in lat]
    errors = [e for _, errs in results for e in errs]
    burst_rate = len(jobs) / burst_seconds

    t = time.perf_counter()
    problems = verify()
    verify_seconds = time.perf_counter() - t

    b50, b99 = pct(base, 50), pct(base, 99)
    print(f"\n{'':34} {'p50 ms':>8} {'p99 ms':>8} {'p50/base':>9} {'p99/base':>9} {'per s':>8}")
    rows = [
        ("bare ORM insert (baseline)", base, 1000 / statistics.mean(base)),
        ("consent write, one writer", sustained, sustained_rate),
        (f"registration burst, {args.workers} processes", latencies, burst_rate),
    ]
    for label, values, rate in rows:
        p50, p99 = pct(values, 50), pct(values, 99)
        print(f"{label:34} {p50:8.2f} {p99:8.2f} {p50 / b50:9.1f} {p99 / b99:9.1f} {rate:8.0f}")
    print(
        f"\nburst: {len(jobs)} registrations in {burst_seconds:.1f} s, {len(errors)} errors"
        + (f" (first: {errors[0]})" if errors else "")
    )
    print(f"during the burst: {cpu_during}")
    print(
        f"throughput ratio to the bare insert: one writer {sustained_rate / rows[0][2]:.2f}, "
        f"burst {burst_rate / rows[0][2]:.2f}"
    )
    print(
        f"ledger: {ConsentEntry.objects.count()} entries in {len(programs)} partitions, "
        f"verified in {verify_seconds:.1f} s, problems: {len(problems)}"
    )


if __name__ == "__main__":
    main()
