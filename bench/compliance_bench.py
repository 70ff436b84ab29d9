"""Compliance engine benchmark on PostgreSQL: a full-city evaluation, its ratio to hand-written
SQL computing the same facts for the three heaviest rules, and re-judging one programme.

Builds, in a database of its own, fictional lower-secondary schools (four grade-9 classes of
30, their teachers and official timetables), three approved programmes each (a paid in-school
class, a paid linkage, an outside facility where a teacher of the school teaches), enrolments
with their consent entries and fees, including a few breaches. Then measures, in one run:

1. the full evaluation of every programme and institution (first run, then a second run that
   changes nothing: the engine is idempotent);
2. the engine judging only the three heaviest rules (a place without a grant, money collected
   without a grant on the day, sessions inside official hours) and hand-written SQL computing
   the same facts; the ratio engine / SQL, and that both found the same counts;
3. re-judging one programme after a change (p50/p95 of `evaluate_program`).

    uv run python bench/compliance_bench.py                   # city scale (1,588 schools)
    uv run python bench/compliance_bench.py --schools 60      # small: about a minute
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_URL = "postgres://oversight@127.0.0.1:5432/oversight_compliance_bench"
THREE = {"tt29.a3.voluntary", "link.voluntary", "fees.consent-first", "link.outside-hours",
         "tt29.a5.no-interleave"}  # fmt: skip
LIVE = "('active', 'waitlisted', 'paused')"
JUDGED = "('submitted', 'returned', 'approved', 'suspended', 'closed')"

SQL = {
    "a place without a grant (tt29.a3.voluntary, link.voluntary)": f"""
        SELECT count(*) FROM enrollment_enrollment e
        JOIN programs_program p ON p.id = e.program_id
        WHERE e.status IN {LIVE} AND p.status IN {JUDGED}
          AND p.kind IN ('in_school_tutoring', 'outside_tutoring', 'linkage')
          AND (SELECT c.decision FROM enrollment_consententry c
               WHERE c.student_id = e.student_id AND c.program_id = e.program_id
               ORDER BY c.seq DESC LIMIT 1) IS DISTINCT FROM 'granted'""",
    "money without a grant on the day (fees.consent-first)": f"""
        SELECT count(*) FROM enrollment_feerecord f
        JOIN programs_program p ON p.id = f.program_id
        WHERE f.collected > 0 AND f.collected_on >= DATE '2024-09-01' AND p.status IN {JUDGED}
          AND (SELECT c.decision FROM enrollment_consententry c
               WHERE c.student_id = f.student_id AND c.program_id = f.program_id
                 AND (c.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= f.collected_on
               ORDER BY c.seq DESC LIMIT 1) IS DISTINCT FROM 'granted'""",
    "sessions inside official hours (tt29.a5.no-interleave, link.outside-hours)": f"""
        SELECT count(DISTINCT s.program_id) FROM programs_session s
        JOIN programs_program p ON p.id = s.program_id
        JOIN programs_officialtimetableslot t
          ON t.institution_id = p.institution_id AND t.school_year_id = p.school_year_id
         AND t.weekday = s.weekday AND s.start < t."end" AND t.start < s."end"
        WHERE p.kind IN ('in_school_tutoring', 'linkage') AND p.status IN {JUDGED}""",
}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def build(schools: int, seed: int = 7) -> None:
    """Bulk-inserted fictional data (set-up, not what is measured)."""
    from django.utils import timezone

    from oversight.enrollment.models import ConsentEntry, Enrollment, FeeRecord
    from oversight.programs.models import (
        Facility,
        OfficialTimetableSlot,
        Partner,
        Program,
        Session,
        StaffMember,
    )
    from oversight.registry.demo import ensure_years
    from oversight.registry.models import (
        ClassMembership,
        HomeroomClass,
        Institution,
        Student,
        Subject,
        Teacher,
        TeachingAssignment,
    )
    from oversight.registry.services import create_institution, load_units

    rng = random.Random(seed)
    city = load_units().city
    communes = [
        u
        for u in city.children.filter(kind__in=("ward", "commune", "special_zone")).order_by("code")
        if u.is_current()
    ]
    _, year = ensure_years()
    maths, _ = Subject.objects.get_or_create(
        name="Toán", defaults={"code": "toan", "search_name": "toan"}
    )
    partner = Partner.objects.create(
        name="Đối tác thử tải", licence_number="0200000001", search_name="doi tac thu tai"
    )
    insts = [
        create_institution(
            by=None,
            code=f"CB-{n:04d}",
            name=f"Trường THCS Thử Tải {n}",
            level=Institution.Level.LOWER_SECONDARY,
            unit=communes[n % len(communes)],
        )
        for n in range(schools)
    ]
    facilities = Facility.objects.bulk_create(
        Facility(
            name=f"Trung tâm thử tải {n}",
            unit=communes[n % len(communes)],
            address="Số 1",
            representative="Người đại diện",
            search_name=f"trung tam thu tai {n}",
        )
        for n in range(schools)
    )
    classes = HomeroomClass.objects.bulk_create(
        HomeroomClass(institution=i, school_year=year, name=f"9A{k}", grade=9, sort_key=f"9a{k}")
        for i in insts
        for k in range(1, 5)
    )
    teachers = Teacher.objects.bulk_create(
        Teacher(institution=c.institution, code=f"GV{c.pk}", full_name=f"Giáo viên {c.pk}")
        for c in classes
    )
    TeachingAssignment.objects.bulk_create(
        TeachingAssignment(teacher=t, homeroom_class=c, subject=maths, is_homeroom=True)
        for t, c in zip(teachers, classes, strict=True)
    )
    students = Student.objects.bulk_create(
        Student(
            institution=c.institution,
            code=f"HS{c.pk}-{k}",
            full_name=f"Học sinh {c.pk} {k}",
            date_of_birth=date(2011, 1, 1),
            gender="female",
        )
        for c in classes
        for k in range(30)
    )
    ClassMembership.objects.bulk_create(
        ClassMembership(student=s, homeroom_class=classes[n // 30], school_year=year)
        for n, s in enumerate(students)
    )
    OfficialTimetableSlot.objects.bulk_create(
        OfficialTimetableSlot(
            institution=i, school_year=year, weekday=d, start=dtime(7), end=dtime(11, 15)
        )
        for i in insts
        for d in range(1, 6)
    )
    programs = []
    for n, i in enumerate(insts):
        common = dict(
            school_year=year,
            grades=[9],
            capacity=45,
            starts_on=date(year.starts_on.year, 10, 1),
            ends_on=date(year.starts_on.year + 1, 5, 20),
            status="approved",
            fee_unit="per_month",
            search_name="",
            sort_key="",
        )
        programs += [
            Program(kind="in_school_tutoring", institution=i, subject=maths, title=f"Toán {n}",
                    fee_amount=rng.choice([0, 0, 0, 50_000]), **common),
            Program(kind="linkage", institution=i, partner=partner, category="stem",
                    title=f"STEM {n}", fee_amount=200_000, fee_legal_basis="Hợp đồng",
                    alternative_activity="Thư viện", **common),
            Program(kind="outside_tutoring", facility=facilities[n], subject=maths,
                    title=f"Toán nâng cao {n}", fee_amount=300_000, **common),
        ]  # fmt: skip
    programs = Program.objects.bulk_create(programs)
    # One in ten sessions falls inside the morning timetable (a breach for in-school classes
    # and linkage); the rest meet at 17:00.
    inside = [rng.random() < 0.1 for _ in programs]
    Session.objects.bulk_create(
        Session(
            program=p,
            weekday=rng.randint(1, 5),
            start=dtime(10) if early else dtime(17),
            end=dtime(10, 45) if early else dtime(17, 45),
            place="P1",
        )
        for p, early in zip(programs, inside, strict=True)
    )
    StaffMember.objects.bulk_create(
        StaffMember(program=p, full_name="Người dạy", teacher=teachers[4 * (n // 3)])
        for n, p in enumerate(programs)
    )
    now = timezone.now()
    entries, places, fees = [], [], []
    seq: dict[str, int] = {}
    for n, p in enumerate(programs):
        school = n // 3
        roster = students[school * 120 : school * 120 + (28 if p.kind == "linkage" else 15)]
        part = f"b{school}" if p.institution_id else f"bf{school}"
        for s in roster:
            seq[part] = seq.get(part, 0) + 1
            code = f"{n:06d}{s.pk:08d}"
            grant = ConsentEntry(
                partition=part,
                seq=seq[part],
                student=s,
                program=p,
                decision="granted",
                channel="portal",
                receipt_code=f"G{len(entries):011d}",
                created_at=now - timedelta(days=60),
                prev_hash="0",
                hash=f"{code}g",
            )
            entries.append(grant)
            places.append(Enrollment(student=s, program=p, grant=grant, status="active",
                                     started_at=grant.created_at))  # fmt: skip
            if rng.random() < 0.02:  # a withdrawal the place never followed (a breach)
                seq[part] += 1
                entries.append(
                    ConsentEntry(
                        partition=part,
                        seq=seq[part],
                        student=s,
                        program=p,
                        decision="withdrawn",
                        channel="portal",
                        receipt_code=f"W{len(entries):011d}",
                        created_at=now - timedelta(days=9),
                        prev_hash="0",
                        hash=f"{code}w",
                    )  # fmt: skip
                )
            if p.fee_amount:
                early = rng.random() < 0.02  # collected before the family agreed (a breach)
                on = (now - timedelta(days=90 if early else 30)).date()
                fees.append(FeeRecord(student=s, program=p, period_start=on,
                                      period_end=on + timedelta(days=29), billed=p.fee_amount,
                                      collected=p.fee_amount, collected_on=on,
                                      receipt_number=f"R{code}"))  # fmt: skip
    ConsentEntry.objects.bulk_create(entries, batch_size=2000)
    Enrollment.objects.bulk_create(places, batch_size=2000)
    FeeRecord.objects.bulk_create(fees, batch_size=2000)
    print(
        f"set-up: {schools} schools, {len(programs)} programmes, {len(places)} places, "
        f"{len(entries)} consent entries, {len(fees)} fees"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=1588, help="1588 = the city")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timed query")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a past run")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL (DATABASE_URL=postgres://...).")
    from registry_bench import ensure_database

    ensure_database(url, fresh=not args.reuse)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    os.environ["SMS_SENDER"] = "memory"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from oversight.compliance.models import Finding
    from oversight.compliance.services import (
        _programs,
        evaluate_everything,
        evaluate_program,
        evaluate_programs,
    )
    from oversight.programs.models import Program

    call_command("migrate", verbosity=0)
    if not args.reuse or not Program.objects.exists():
        t = time.perf_counter()
        build(args.schools)
        print(f"set-up took {time.perf_counter() - t:.0f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")

    t = time.perf_counter()
    first = evaluate_everything()
    full = time.perf_counter() - t
    t = time.perf_counter()
    again = evaluate_everything()
    full_again = time.perf_counter() - t
    print(f"full evaluation, first run: {full:.1f} s ({first.programs} programmes, "
          f"{first.opened} findings opened, {first.signals} signals)")  # fmt: skip
    print(f"full evaluation, second run: {full_again:.1f} s (opened {again.opened}, "
          f"resolved {again.resolved}: idempotent)")  # fmt: skip

    programs = _programs(Program.objects.all())
    engine = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        evaluate_programs(programs, rules=THREE)
        engine.append(time.perf_counter() - t)
    sql_total = []
    counts = {}
    with connection.cursor() as cur:
        for _ in range(args.repeat):
            t = time.perf_counter()
            for name, q in SQL.items():
                cur.execute(q)
                counts[name] = cur.fetchone()[0]
            sql_total.append(time.perf_counter() - t)
    live = Finding.objects.live()
    found = {
        list(SQL)[0]: live.filter(rule_code__in=["tt29.a3.voluntary", "link.voluntary"]).count(),
        list(SQL)[1]: live.filter(rule_code="fees.consent-first").count(),
        list(SQL)[2]: live.filter(
            rule_code__in=["tt29.a5.no-interleave", "link.outside-hours"]
        ).count(),
    }
    for name in SQL:
        same = "same" if counts[name] == found[name] else "DIFFERENT"
        print(f"  {name}: SQL {counts[name]}, engine {found[name]} ({same})")
    e, s = statistics.median(engine), statistics.median(sql_total)
    print(f"three heaviest rules: engine {e:.2f} s, hand-written SQL {s:.2f} s, ratio {e / s:.1f}x")
    print(f"full evaluation / the three rules' SQL: {full_again / s:.1f}x")

    sample = random.Random(3).sample(programs, min(30, len(programs)))
    times = []
    for p in sample:
        Program.objects.filter(pk=p.pk).update(fee_amount=p.fee_amount + 1000)
        t = time.perf_counter()
        evaluate_program(p)
        times.append((time.perf_counter() - t) * 1000)
    print(f"re-judging one programme after a change: p50 {pct(times, 50):.0f} ms, "
          f"p95 {pct(times, 95):.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
