"""Complaints benchmark on PostgreSQL: intake throughput and the hotspot scan over a year.

In a database of its own (`oversight_complaints_bench`, re-created each run) it loads the
city's units, registers fictional schools across the communes, then measures:

1. a bare ORM insert (an audit row, in its own transaction): the baseline for intake;
2. intake through `submit_complaint` (routing, rate-limit count, duplicate check, moderation,
   audit, event rows), one after another from many simulated networks, p50/p99 and rate;
3. a year of synthetic complaints at city scale bulk-inserted (set-up, not measured), with a
   few schools given a burst in the last month, then `scan_hotspots` over it, against a bare
   `SELECT count(*)` of the complaints table measured in the same run.

Every figure is printed as a ratio to its baseline, since absolute times on these machines
mislead.

    uv run python bench/complaints_bench.py                         # 1,600 schools, 60,000/year
    uv run python bench/complaints_bench.py --schools 200 --year 5000 --intake 300   # quick
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_URL = "postgres://oversight@127.0.0.1:5432/oversight_complaints_bench"
TEXTS = [
    "Cô chủ nhiệm yêu cầu cả lớp đăng ký học thêm tại nhà cô, ai không đăng ký bị nhắc nhở.",
    "Nhà trường thu tiền liên kết tiếng Anh ngay từ đầu năm, qua ban đại diện cha mẹ học sinh.",
    "Tiết liên kết kỹ năng sống xếp vào giờ chính khóa, học sinh không học phải ngồi chờ.",
    "Bài kiểm tra định kỳ có nội dung chỉ dạy ở lớp học thêm buổi tối.",
    "Con tôi bị chuyển chỗ ngồi sau khi gia đình từ chối cho con học thêm.",
]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def build_schools(n: int):
    from oversight.registry.models import Institution
    from oversight.registry.services import create_institution, load_units

    city = load_units().city
    communes = list(city.children.filter(valid_to__isnull=True).order_by("code"))
    levels = [
        Institution.Level.PRESCHOOL,
        Institution.Level.PRIMARY,
        Institution.Level.LOWER_SECONDARY,
        Institution.Level.UPPER_SECONDARY,
    ]
    schools = []
    for i in range(n):
        schools.append(
            create_institution(
                by=None,
                code=f"CB-{i:05d}",
                name=f"Trường Thử Tải Phản Ánh {i}",
                level=levels[i % len(levels)],
                unit=communes[i % len(communes)],
            )
        )
    return schools


def seed_year(schools, n: int, hot: int) -> int:
    """`n` complaints spread over the last 365 days, plus bursts at `hot` schools."""
    from django.utils import timezone

    from oversight.complaints.models import Category, Complaint, Source
    from oversight.complaints.services import CODE_ALPHABET

    rng = random.Random(6)
    now = timezone.now()
    categories = Category.values
    sources = [Source.WEB] * 8 + [Source.HOTLINE, Source.PRESS]
    seen: set[str] = set()

    def code() -> str:
        while True:
            c = "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
            if c not in seen:
                seen.add(c)
                return c

    rows = []
    plan = [(rng.choice(schools), rng.uniform(0, 365)) for _ in range(n)]
    for school in rng.sample(schools, hot):
        plan += [(school, rng.uniform(0, 25)) for _ in range(12)]
    for school, _days in plan:
        rows.append(
            Complaint(
                tracking_code=code(),
                secret_hash="0" * 64,
                institution=school,
                category=rng.choice(categories),
                description=rng.choice(TEXTS),
                source=rng.choice(sources),
                anonymous=True,
                reporter_hash=f"{rng.getrandbits(64):016x}",
                handling_agency_id=school.managing_agency_id,
                status="received",
            )
        )
    Complaint.objects.bulk_create(rows, batch_size=5000)
    # created_at is auto_now_add: spread it over the year afterwards, in one statement per batch.
    ids = list(Complaint.objects.order_by("id").values_list("id", flat=True))
    from django.db import connection

    with connection.cursor() as cur:
        offsets = [(i, now - timedelta(days=d)) for i, (_s, d) in zip(ids, plan, strict=False)]
        cur.executemany(
            "UPDATE complaints_complaint SET created_at = %s WHERE id = %s",
            [(t, i) for i, t in offsets],
        )
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=1600)
    parser.add_argument("--intake", type=int, default=1000, help="complaints filed one by one")
    parser.add_argument("--year", type=int, default=60_000, help="synthetic complaints in a year")
    parser.add_argument("--hot", type=int, default=10, help="schools given a burst")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL (DATABASE_URL=postgres://...).")
    from registry_bench import ensure_database

    ensure_database(url, fresh=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    os.environ["CONN_MAX_AGE"] = "600"
    os.environ["COMPLAINT_PER_ORIGIN"] = "1000000"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from oversight.audit.context import Origin, reset_origin, set_origin
    from oversight.audit.models import AuditEvent
    from oversight.complaints.models import Complaint, Hotspot
    from oversight.complaints.services import scan_hotspots, submit_complaint

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    schools = build_schools(args.schools)
    print(f"set-up: {len(schools)} schools in {time.perf_counter() - t:.0f} s")

    def bare() -> None:
        with transaction.atomic():
            AuditEvent.objects.create(action="bench.bare", data={})

    def timed(fn, n: int) -> tuple[list[float], float]:
        lat = []
        start = time.perf_counter()
        for i in range(n):
            t0 = time.perf_counter()
            fn(i)
            lat.append(time.perf_counter() - t0)
        return lat, n / (time.perf_counter() - start)

    rng = random.Random(7)

    def file(i: int) -> None:
        token = set_origin(Origin(ip_address=f"10.{i % 200}.{i // 200 % 250}.1", user_agent="b"))
        try:
            submit_complaint(
                institution=rng.choice(schools),
                category=rng.choice(["fees", "coerced_to_join", "teacher_pressure", "other"]),
                description=f"{rng.choice(TEXTS)} ({i})",
                anonymous=True,
            )
        finally:
            reset_origin(token)

    base_lat, base_rate = timed(lambda i: bare(), max(200, args.intake))
    intake_lat, intake_rate = timed(file, args.intake)
    print(f"\n{'measure':34} {'p50 ms':>8} {'p99 ms':>8} {'per s':>8} {'ratio':>7}")
    for name, lat, rate in (
        ("bare insert (baseline)", base_lat, base_rate),
        ("intake: submit_complaint", intake_lat, intake_rate),
    ):
        print(
            f"{name:34} {statistics.median(lat) * 1000:8.2f} {pct(lat, 99) * 1000:8.2f} "
            f"{rate:8.0f} {rate / base_rate:7.3f}"
        )

    Complaint.objects.all().delete()
    t = time.perf_counter()
    total = seed_year(schools, args.year, args.hot)
    print(f"\nseeded {total} complaints over a year in {time.perf_counter() - t:.0f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE complaints_complaint")

    def count() -> None:
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM complaints_complaint")
            cur.fetchone()

    count_lat, _ = timed(lambda i: count(), 20)
    scans = []
    results = []
    for _ in range(3):
        t0 = time.perf_counter()
        results.append(scan_hotspots())
        scans.append(time.perf_counter() - t0)
    scan = statistics.median(scans)
    base = statistics.median(count_lat)
    print(f"bare SELECT count(*): {base * 1000:.1f} ms")
    print(
        f"hotspot scan (median of 3): {scan * 1000:.0f} ms, "
        f"{scan / base:.1f}× the bare count; first run raised {results[0].raised}"
    )
    by_state = {s: Hotspot.objects.filter(state=s).count() for s in ("watch", "active", "resolved")}
    print(f"alerts now: {by_state} (bursts planted at {args.hot} schools)")


if __name__ == "__main__":
    main()
