"""Demo programmes: for every demo guardian's child, an approved linkage programme of the
child's school and grade that the family can join, so the consent journey works on a fresh
demo. Fictional; idempotent (a programme is made once per school and grade)."""

from __future__ import annotations

from datetime import date, time

from django.db import transaction

from oversight.programs.models import Partner, Program
from oversight.programs.services import create_partner, create_program, transition
from oversight.registry.models import ClassMembership, Guardianship

PARTNER = "Công ty TNHH Giáo dục Sao Mai (dữ liệu mẫu)"
OFFERS = {
    "preschool": ("Làm quen tiếng Anh qua trò chơi", "foreign_language", 60_000, "per_session"),
    "primary": ("Kĩ năng sống: an toàn và tự phục vụ", "life_skills", 120_000, "per_month"),
    "lower_secondary": (
        "Tiếng Anh với giáo viên nước ngoài",
        "foreign_language_foreign_teacher",
        250_000,
        "per_month",
    ),
    "upper_secondary": ("STEM: lập trình và robot", "stem", 300_000, "per_month"),
}


def _partner() -> Partner:
    existing = Partner.objects.filter(name=PARTNER).first()
    return existing or create_partner(
        by=None, name=PARTNER, licence_number="0209990001", licence_issuer="Sở KH&ĐT Hải Phòng"
    )


@transaction.atomic
def ensure_demo_programs(usernames: list[str]) -> list[Program]:
    """An approved programme each listed guardian's children can join."""
    made = []
    links = Guardianship.objects.filter(guardian__user__username__in=usernames).select_related(
        "student__institution"
    )
    for link in links:
        student = link.student
        m = (
            ClassMembership.objects.filter(student=student)
            .select_related("homeroom_class", "school_year")
            .order_by("-school_year__starts_on")
            .first()
        )
        school = student.institution
        offer = OFFERS.get(school.level)
        if m is None or offer is None:
            continue
        grade = m.homeroom_class.grade
        title, category, fee, unit = offer
        found = Program.objects.filter(institution=school, title=title, school_year=m.school_year)
        if any(grade in p.grades for p in found):
            continue
        year = m.school_year
        program = create_program(
            by=None,
            kind=Program.Kind.LINKAGE,
            institution=school,
            partner=_partner(),
            school_year=year,
            title=title,
            category=category,
            grades=[grade],
            capacity=35,
            starts_on=max(year.starts_on, date(year.starts_on.year, 10, 1)),
            ends_on=year.ends_on,
            fee_amount=fee,
            fee_unit=unit,
            fee_legal_basis="Thỏa thuận với cha mẹ học sinh; hợp đồng liên kết số 01/2025/HĐLK",
            alternative_activity="Đọc sách tại thư viện, có giáo viên trông",
            sessions=[
                {
                    "weekday": 4,
                    "start": time(16, 45),
                    "end": time(17, 30),
                    "place": "Phòng học đa năng",
                }
            ],
            staff=[{"full_name": "Nguyễn Thu Trang", "role": "Giáo viên"}],
            description="Chương trình mẫu để thử việc đăng ký, từ chối và rút.",
        )
        transition(program=program, action="submit", by=None)
        made.append(transition(program=program, action="approve", by=None))
    return made
