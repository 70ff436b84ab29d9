"""Public programme pages at city scale: throughput of the programme page and the city-wide
search, each as a ratio of a bare view's throughput measured in the same run (goal >= 50 %).

Runs against the city-scale database that registry_bench.py seeds (oversight_bench), adding
published programmes when there are none. Requests go through Django's full stack in this
process (middleware, URL routing, templates, database), without a network in between.

    uv run python bench/registry_bench.py --scale city      # once, to seed the city
    uv run python bench/public_bench.py
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed_programs(n: int) -> None:
    from oversight.lib.text import fold
    from oversight.programs.models import DisclosureVersion, Partner, Program, Session
    from oversight.registry.demo import ensure_years
    from oversight.registry.models import Institution, Subject

    _, year = ensure_years()
    partner, _ = Partner.objects.get_or_create(
        name="Công ty Giáo dục Ánh Sao", defaults={"search_name": fold("Công ty Giáo dục Ánh Sao")}
    )
    subjects = list(Subject.objects.all())
    schools = list(
        Institution.objects.exclude(level="preschool").values_list("pk", "name", "level")
    )
    rng = random.Random(7)
    titles = [
        "Tiếng Anh bản ngữ",
        "Toán tư duy",
        "Kĩ năng sống",
        "STEM sáng tạo",
        "Tin học quốc tế",
        "Ôn thi vào lớp 10",
        "Bồi dưỡng học sinh giỏi Toán",
        "Hướng nghiệp",
    ]
    grades = {
        "primary": [3, 4, 5],
        "lower_secondary": [6, 7, 8, 9],
        "upper_secondary": [10, 11, 12],
        "multi_level": [9],
        "continuing_education": [10],
    }
    programs = []
    for _ in range(n):
        pk, name, level = rng.choice(schools)
        title = f"{rng.choice(titles)} – {name}"
        p = Program(
            kind="linkage",
            institution_id=pk,
            partner=partner,
            school_year=year,
            title=title,
            category="foreign_language",
            grades=[rng.choice(grades[level])],
            capacity=35,
            starts_on=date(year.starts_on.year, 10, 1),
            ends_on=date(year.starts_on.year + 1, 5, 20),
            fee_amount=rng.choice([0, 120000, 150000, 200000]),
            status="approved",
            subject=rng.choice(subjects),
        )
        p.search_name = fold(f"{title} {partner.name}")
        p.sort_key = fold(title)
        programs.append(p)
    Program.objects.bulk_create(programs, batch_size=1000)
    Session.objects.bulk_create(
        [
            Session(program=p, weekday=3, start=dtime(16, 45), end=dtime(17, 30), place="Phòng học")
            for p in programs
        ],
        batch_size=1000,
    )
    DisclosureVersion.objects.bulk_create(
        [DisclosureVersion(program=p, number=1, data={"title": p.title}) for p in programs],
        batch_size=1000,
    )


def throughput(client, urls: list[str], seconds: float, cold: bool = False) -> float:
    from django.core.cache import cache

    from oversight.lib.public_cache import GENERATION_KEY

    done, i = 0, 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        if cold:  # as if every page had just changed: nothing comes from the cache
            cache.set(GENERATION_KEY, i + 10_000, None)
        r = client.get(urls[i % len(urls)])
        assert r.status_code == 200, (urls[i % len(urls)], r.status_code)
        done += 1
        i += 1
    return done / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--programs", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://oversight@127.0.0.1:5432/oversight_bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)  # production static storage

    from oversight.programs.models import Program

    if not Program.objects.filter(status="approved").exists():
        t = time.perf_counter()
        seed_programs(args.programs)
        print(f"seeded {args.programs} published programmes in {time.perf_counter() - t:.0f} s")
    ids = list(Program.objects.filter(status="approved").values_list("pk", flat=True)[:2000])
    rng = random.Random(3)
    client = Client()
    queries = [
        "tieng anh",
        "toan tu duy le loi",
        "ki nang song",
        "stem",
        "on thi lop 10 tran phu",
        "boi duong hoc sinh gioi",
        "huong nghiep ngo quyen",
        "tin hoc",
    ]
    pages = [f"/programs/{pk}/" for pk in rng.sample(ids, min(200, len(ids)))]
    searches = [f"/programs/?q={q.replace(' ', '+')}" for q in queries]
    api = [f"/api/v1/public/programs?q={q.replace(' ', '+')}" for q in queries]
    cases = [
        ("bare view (/healthz)", ["/healthz"], False),
        ("public programme page", pages, False),
        ("city-wide search page", searches, False),
        ("programme page, cold cache", pages, True),
        ("search page, cold cache", searches, True),
        ("public API search", api, False),
    ]
    for _, urls, cold in cases:  # warm up
        throughput(client, urls, 1.0, cold)
    results = [(label, throughput(client, urls, args.seconds, cold)) for label, urls, cold in cases]
    base = results[0][1]
    print(f"\nprogrammes published: {Program.objects.filter(status='approved').count()}")
    print(f"{'endpoint':28} {'req/s':>8} {'ratio':>7}")
    for label, rps in results:
        print(f"{label:28} {rps:8.1f} {rps / base:7.1%}")
    print(
        f"\n{args.seconds:.0f} s each, one process, same run; goal: pages >= 50 % of the bare view."
    )


if __name__ == "__main__":
    main()
