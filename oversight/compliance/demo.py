"""Demo data for compliance: the three most recent school years (the one containing today and
the two before) with official timetables (weekday mornings, and afternoons at schools teaching two
sessions a day), and a few realistic breaches and signs of coercion at the demo schools, so the
findings pages are not empty: one 2024-25 record across the Circular 17 → 29 boundary, the rest
in the current year, whose classes the registry demo seeds. Fictional; idempotent (the breaches
are made once; timetables only where missing)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from oversight.accounts.models import User
from oversight.compliance.services import Summary, evaluate_everything
from oversight.enrollment.services import EnrollmentError, record_consent, record_fee
from oversight.programs.models import (
    Facility,
    OfficialTimetableSlot,
    Partner,
    Program,
    StaffMember,
)
from oversight.programs.services import (
    add_tutoring_group,
    create_facility,
    create_partner,
    create_program,
    report_outside_teaching,
    set_official_timetable,
    set_student_eligibility,
    transition,
    update_program,
)
from oversight.registry.demo import DEMO_PREFIX, current_start_year, demo_schools
from oversight.registry.models import (
    ClassMembership,
    HomeroomClass,
    Institution,
    SchoolYear,
    Subject,
    Teacher,
)

MARK = "(dữ liệu mẫu tuân thủ)"
YEARS = 3  # the school year containing today and the two before it
BOUNDARY_YEAR = 2024  # Circular 29 took effect on 14/02/2025, inside 2024-2025
# Mornings Monday–Friday; afternoons too at schools teaching two sessions a day.
MORNING = {"primary": (time(7, 30), time(10, 45)), "other": (time(7, 0), time(11, 15))}
AFTERNOON = {"primary": (time(14, 0), time(16, 15)), "other": (time(13, 45), time(16, 30))}
OTHER_SCHOOLS_WITH_TIMETABLES = 30


def _school_year(start: int) -> SchoolYear:
    year, _ = SchoolYear.objects.get_or_create(
        name=f"{start}-{start + 1}",
        defaults={"starts_on": date(start, 9, 5), "ends_on": date(start + 1, 5, 31)},
    )
    return year


def ensure_school_years(today: date | None = None) -> list[SchoolYear]:
    """The three most recent school years, oldest first; the last one contains today."""
    current = current_start_year(today)
    return [_school_year(start) for start in range(current - YEARS + 1, current + 1)]


def _slots(school: Institution) -> list[dict[str, Any]]:
    key = "primary" if school.level == "primary" else "other"
    blocks = [MORNING[key]] + ([AFTERNOON[key]] if school.two_sessions_per_day else [])
    return [{"weekday": d, "start": a, "end": b} for d in range(1, 6) for a, b in blocks]


def ensure_timetables(schools: list[Institution], years: list[SchoolYear]) -> int:
    made = 0
    for school in schools:
        for year in years:
            if OfficialTimetableSlot.objects.filter(institution=school, school_year=year).exists():
                continue
            set_official_timetable(
                institution=school, school_year=year, slots=_slots(school), by=None
            )
            made += 1
    return made


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _first_class(school: Institution, year: SchoolYear, grade: int) -> HomeroomClass | None:
    return (
        HomeroomClass.objects.filter(institution=school, school_year=year, grade=grade)
        .order_by("sort_key")
        .first()
    )


def _members(c: HomeroomClass) -> list[Any]:
    return [
        m.student
        for m in ClassMembership.objects.filter(homeroom_class=c)
        .select_related("student")
        .order_by("student__sort_key")
    ]


def _paper_grants(program: Program, students: list[Any], by: Any) -> int:
    """The school (or commune) types in paper forms, all in one sitting (a sign of bulk entry)."""
    done = 0
    for s in students:
        try:
            record_consent(
                program=program,
                student=s,
                decision="granted",
                by=by,
                channel="paper",
                child_confirmed=True,
            )
            done += 1
        except EnrollmentError:
            continue
    return done


def _subject(name: str) -> Subject:
    from oversight.lib.text import fold

    subject, _ = Subject.objects.get_or_create(
        name=name, defaults={"code": fold(name).replace(" ", "-"), "search_name": fold(name)}
    )
    return subject


def _approve(program: Program, by: Any, override: str = "") -> Program:
    transition(program=program, action="submit", by=None)
    return transition(program=program, action="approve", by=by, override_reason=override)


@transaction.atomic
def ensure_demo_compliance(today: date | None = None) -> Summary:
    """Timetables for three school years, the demo breaches, then one evaluation of all."""
    years = ensure_school_years(today)
    schools = demo_schools()
    demo = [s for s in schools.values() if s is not None]
    others = list(
        Institution.objects.filter(code__startswith=DEMO_PREFIX, ownership="public")
        .exclude(pk__in=[s.pk for s in demo])
        .order_by("code")[:OTHER_SCHOOLS_WITH_TIMETABLES]
    )
    ensure_timetables(demo + others, years)
    thcs, tieuhoc = schools.get("lower_secondary"), schools.get("primary")
    if (
        thcs is not None
        and not Program.objects.filter(institution=thcs, title__endswith=MARK).exists()
    ):
        _lower_secondary(thcs, _school_year(BOUNDARY_YEAR), years[-1])
    if tieuhoc is not None and not Program.objects.filter(
        institution=tieuhoc, title__endswith=MARK
    ):
        _primary(tieuhoc, years[-1])
    return evaluate_everything()


def _lower_secondary(school: Institution, past: SchoolYear, current: SchoolYear) -> None:
    start = current.starts_on.year
    principal = _user("ht.thcs")
    officer = _user("canbo.xa2")
    maths = _subject("Toán")
    # 2024-25: a paid in-school class approved in January 2025, lawful then (Circular 17), which
    # kept collecting after Circular 29 took effect on 14/02/2025.
    old = create_program(
        by=None,
        kind=Program.Kind.IN_SCHOOL_TUTORING,
        institution=school,
        school_year=past,
        subject=maths,
        title=f"Dạy thêm Toán 9 năm học 2024-2025 {MARK}",
        grades=[9],
        capacity=40,
        starts_on=date(2025, 1, 6),
        ends_on=date(2025, 5, 20),
        fee_amount=30_000,
        fee_unit="per_session",
        fee_legal_basis="Thỏa thuận với cha mẹ học sinh (Thông tư 17)",
        sessions=[
            {"weekday": 2, "start": time(17, 0), "end": time(17, 45), "place": "Phòng 9A"},
            {"weekday": 4, "start": time(17, 0), "end": time(17, 45), "place": "Phòng 9A"},
        ],
        staff=[{"full_name": "Giáo viên Toán khối 9"}],
    )
    _approve(old, principal, "Kế hoạch đã được phê duyệt từ tháng 01/2025, nhập lại để lưu hồ sơ")
    transition(program=old, action="close", by=None, reason="Hết năm học 2024-2025")

    # This year: a free review class formed from one whole homeroom class, typed in by the
    # school in one sitting, later given an extra period inside the morning timetable.
    nine = _first_class(school, current, 9)
    review = create_program(
        by=None,
        kind=Program.Kind.IN_SCHOOL_TUTORING,
        institution=school,
        school_year=current,
        subject=maths,
        title=f"Ôn thi vào lớp 10 môn Toán {MARK}",
        grades=[9],
        capacity=45,
        starts_on=date(start, 10, 6),
        ends_on=date(start + 1, 5, 22),
        sessions=[{"weekday": 1, "start": time(17, 0), "end": time(17, 45), "place": "Phòng 9A"}],
        staff=[{"full_name": "Giáo viên Toán khối 9"}],
    )
    _approve(review, principal)
    students = _members(nine) if nine else []
    if nine is not None:
        group = add_tutoring_group(program=review, by=None, name=f"Toán 9 – {nine.name}", grade=9)
        for s in students:
            set_student_eligibility(group=group, student=s, basis="final_year_review", by=None)
        _paper_grants(review, students, principal)
    update_program(
        program=review,
        by=None,
        sessions=[
            {"weekday": 1, "start": time(17, 0), "end": time(17, 45), "place": "Phòng 9A"},
            {"weekday": 3, "start": time(9, 30), "end": time(10, 15), "place": "Phòng 9A"},
        ],
    )

    # An outside facility without a business registration where a teacher of the school
    # teaches, for money, pupils of the class they teach at school, with no Form 03 report.
    teacher = (
        Teacher.objects.filter(
            assignments__homeroom_class=nine, assignments__subject=maths, is_active=True
        ).first()
        if nine
        else None
    )
    facility = Facility.objects.filter(name__endswith=MARK).first() or create_facility(
        by=None,
        name=f"Trung tâm bồi dưỡng kiến thức Ánh Dương {MARK}",
        unit=school.unit,
        address="Số 12 đường Trần Phú",
        representative="Nguyễn Văn Dương",
    )
    outside = create_program(
        by=None,
        kind=Program.Kind.OUTSIDE_TUTORING,
        facility=facility,
        school_year=current,
        subject=maths,
        title=f"Toán 9 nâng cao {MARK}",
        grades=[9],
        capacity=25,
        starts_on=date(start, 10, 4),
        ends_on=date(start + 1, 5, 30),
        fee_amount=400_000,
        fee_unit="per_month",
        sessions=[
            {"weekday": 6, "start": time(18, 0), "end": time(19, 30), "place": "Số 12 Trần Phú"}
        ],
        staff=[{"full_name": teacher.full_name if teacher else "Gia sư"}],
        subject_hours=[{"subject": "Toán", "grade": 9, "hours_per_week": 1.5}],
    )
    if teacher is not None:
        StaffMember.objects.filter(program=outside).update(teacher=teacher)
    _approve(outside, officer, "Cơ sở cam kết hoàn tất đăng ký kinh doanh trong tháng")
    _paper_grants(outside, students[:8], officer)

    # Also this year: a paid in-school plan sent for approval, waiting with its open violation.
    paid_plan = create_program(
        by=None,
        kind=Program.Kind.IN_SCHOOL_TUTORING,
        institution=school,
        school_year=current,
        subject=_subject("Ngữ văn"),
        title=f"Dạy thêm Ngữ văn 9 năm học {current.name} {MARK}",
        grades=[9],
        capacity=40,
        starts_on=date(start, 9, 14),
        ends_on=date(start + 1, 5, 21),
        fee_amount=50_000,
        fee_unit="per_session",
        fee_legal_basis="Thỏa thuận với cha mẹ học sinh",
        sessions=[{"weekday": 5, "start": time(17, 0), "end": time(17, 45), "place": "Phòng 9B"}],
        staff=[{"full_name": "Giáo viên Ngữ văn khối 9"}],
    )
    transition(program=paid_plan, action="submit", by=None)


def _primary(school: Institution, year: SchoolYear) -> None:
    start = year.starts_on.year
    staff = _user("vanphong.tieuhoc") or _user("ht.tieuhoc")
    officer = _user("canbo.xa1")
    five = _first_class(school, year, 5)
    students = _members(five) if five else []
    licensed = Partner.objects.filter(name__startswith="Công ty TNHH Giáo dục Sao Mai").first()
    licensed = licensed or create_partner(
        by=None, name=f"Công ty Giáo dục Sao Mai {MARK}", licence_number="0209990001"
    )
    unlicensed = Partner.objects.filter(name=f"Trung tâm Robot Nhí {MARK}").first()
    unlicensed = unlicensed or create_partner(by=None, name=f"Trung tâm Robot Nhí {MARK}")
    offers = [
        ("Tiếng Anh tăng cường", "foreign_language_foreign_teacher", 250_000, licensed, "x"),
        ("Toán tư duy", "thinking_math", 200_000, licensed, ""),
        ("STEM – Robot", "stem", 220_000, unlicensed, "x"),
    ]
    made = []
    for title, category, fee, partner, alternative in offers:
        program = create_program(
            by=None,
            kind=Program.Kind.LINKAGE,
            institution=school,
            partner=partner,
            school_year=year,
            title=f"{title} {MARK}",
            category=category,
            grades=[5],
            capacity=40,
            starts_on=date(start, 10, 1),
            ends_on=date(start + 1, 5, 20),
            fee_amount=fee,
            fee_unit="per_month",
            fee_legal_basis=f"Hợp đồng liên kết năm học {year.name}",
            alternative_activity="Đọc sách ở thư viện, có giáo viên trông" if alternative else "",
            sessions=[
                {"weekday": 3, "start": time(16, 30), "end": time(17, 15), "place": "Phòng 5A"}
            ],
            staff=[{"full_name": "Giáo viên của đối tác"}],
        )
        override = "" if partner is licensed else "Đối tác đang bổ sung giấy phép hoạt động"
        made.append(_approve(program, officer, override))
    # Nearly the whole class joins all three, typed in by the school office in one sitting.
    for program in made:
        _paper_grants(program, students[: max(0, len(students) - 1)], staff)
    english, maths, _stem = made
    # Three families leave the English programme right after joining.
    for s in students[:3]:
        try:
            record_consent(
                program=english, student=s, decision="withdrawn", by=staff, channel="paper"
            )
        except EnrollmentError:
            continue
    # Four months of "Toán tư duy" collected at once, at the start of the period.
    today = timezone.localdate()
    first = today.replace(day=1)
    for n, s in enumerate(students[3:8], start=1):
        try:
            record_fee(
                program=maths,
                student=s,
                by=staff,
                period_start=first,
                period_end=first + timedelta(days=120),
                billed=800_000,
                collected=800_000,
                collected_on=today,
                receipt_number=f"TTD-{n:03d}",
            )
        except EnrollmentError:
            continue
    # A teacher reports (Form 03) owning the tutoring facility where they teach.
    teacher_user = _user("gv.tieuhoc")
    if teacher_user is not None and Teacher.objects.filter(user=teacher_user).exists():
        report_outside_teaching(
            by=teacher_user,
            subject=_subject("Tiếng Việt"),
            facility_name=f"Lớp năng khiếu Hoa Sen {MARK}",
            place="Số 3 ngõ 45 Lạch Tray",
            form="in_person",
            times="Thứ 7 và Chủ nhật, 8:00–10:00",
            relationship="owner",
            starts_on=date(start, 9, 6),
        )
