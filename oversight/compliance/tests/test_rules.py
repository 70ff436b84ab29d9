"""Every rule the data can decide: a case that breaks it, one that does not, and both sides of
its date boundary where it has one. Pure: the checks run on facts built in memory, with the
dates of the pack's data file (RULES.md: a 13/02/2025 fact is judged by Circular 17, a
14/02/2025 fact by Circular 29)."""

from __future__ import annotations

from datetime import date

import pytest

from oversight.compliance.tests.factsbuilder import (
    at,
    enrol,
    facts,
    fee,
    homeroom,
    run,
    school,
    slot,
)
from oversight.programs.models import Facility, Partner
from oversight.registry.models import Unit

THU, FRI = 4, 5  # 13/02/2025 was a Thursday, 14/02/2025 a Friday


def boundary(**kw):
    """An in-school class meeting on Thursday 13/02/2025 and Friday 14/02/2025 only."""
    return facts(
        starts_on=date(2025, 2, 13),
        ends_on=date(2025, 2, 14),
        sessions=[(THU, "17:00", "17:45"), (FRI, "17:00", "17:45")],
        **kw,
    )


# --- the Circular 17 → 29 boundary ------------------------------------------------------------


def test_a_paid_in_school_session_on_14_02_2025_breaks_circular_29_and_13_02_was_lawful():
    f = boundary(fee_amount=100_000)
    [hit] = run("tt29.a5.free", f)
    assert hit.occurred_on == date(2025, 2, 14) and "100.000 đ" in hit.message
    [lawful] = run("tt17.fee-agreed", f)
    assert lawful.occurred_on == date(2025, 2, 13)


def test_a_paid_in_school_class_held_only_on_13_02_2025_is_judged_by_circular_17_alone():
    f = facts(
        starts_on=date(2025, 2, 10),
        ends_on=date(2025, 2, 13),
        sessions=[(THU, "17:00", "17:45")],
        fee_amount=100_000,
    )
    assert run("tt29.a5.free", f) == []
    assert run("tt17.fee-agreed", f) != []


def test_a_free_in_school_class_breaks_neither_circular():
    f = boundary(fee_amount=0)
    assert run("tt29.a5.free", f) == [] and run("tt17.fee-agreed", f) == []


def test_money_collected_for_an_in_school_class_is_judged_on_the_day_it_was_collected():
    f = facts(starts_on=date(2025, 1, 6), ends_on=date(2025, 5, 20), fee_amount=0)
    enrol(f, 1, on=date(2025, 1, 6))
    fee(f, 1, collected=50_000, on=date(2025, 2, 13))
    assert run("tt29.a5.free", f) == []
    fee(f, 1, collected=60_000, on=date(2025, 2, 14), receipt="BL-2")
    [hit] = run("tt29.a5.free", f)
    assert hit.key == "collected" and hit.occurred_on == date(2025, 2, 14)
    assert "60.000 đ" in hit.message


def test_academic_tutoring_for_primary_pupils_is_judged_by_each_circular_in_its_dates():
    f = boundary(grades=[5], institution=school(level="primary"))
    assert run("tt17.a4.primary", f)[0].occurred_on == date(2025, 2, 13)
    assert run("tt29.a4.primary", f)[0].occurred_on == date(2025, 2, 14)
    before = facts(
        starts_on=date(2024, 10, 1),
        ends_on=date(2025, 2, 13),
        sessions=[(THU, "17:00", "17:45")],
        grades=[5],
    )
    assert run("tt29.a4.primary", before) == [] and run("tt17.a4.primary", before)


def test_arts_sports_and_life_skills_for_primary_pupils_break_no_rule():
    f = boundary(grades=[5], subject="Âm nhạc", institution=school(level="primary"))
    assert run("tt29.a4.primary", f) == [] and run("tt17.a4.primary", f) == []
    secondary = boundary(grades=[9])
    assert run("tt29.a4.primary", secondary) == []


def test_tutoring_at_a_school_teaching_two_sessions_a_day_broke_circular_17_only():
    two = school(two_sessions_per_day=True)
    f = boundary(institution=two)
    [hit] = run("tt17.a4.two-sessions", f)
    assert hit.occurred_on == date(2025, 2, 13)
    after = facts(institution=two, starts_on=date(2025, 2, 14), ends_on=date(2025, 5, 1))
    assert run("tt17.a4.two-sessions", after) == []
    assert run("tt17.a4.two-sessions", boundary(institution=school())) == []


# --- in-school tutoring under Circular 29 ------------------------------------------------------


def test_in_school_tutoring_only_for_the_three_groups_each_student_named():
    f = facts(grades=[8, 9])
    enrol(f, 1, name="Lê An")
    enrol(f, 2, name="Trần Bình")
    enrol(f, 3, name="Vũ Chi")
    homeroom(f, 1, "9A", [1, 2])
    homeroom(f, 2, "8A", [3], grade=8)
    f.eligibility = {1: "not_yet_achieved", 3: "final_year_review"}
    hits = {h.key: h for h in run("tt29.a5.groups", f)}
    assert set(hits) == {"student:2", "student:3"}
    assert "Trần Bình" in hits["student:2"].message and "khối 8" in hits["student:3"].message
    f.eligibility = {1: "not_yet_achieved", 2: "gifted", 3: "not_yet_achieved"}
    assert run("tt29.a5.groups", f) == []


def test_a_place_before_circular_29_is_judged_from_its_first_day():
    f = facts(starts_on=date(2025, 1, 6))
    enrol(f, 1, on=date(2025, 1, 6))
    [hit] = run("tt29.a5.groups", f)
    assert hit.occurred_on == date(2025, 2, 14)
    ended = facts(starts_on=date(2025, 1, 6), ends_on=date(2025, 2, 13))
    enrol(ended, 1, on=date(2025, 1, 6), status="ended", ended=date(2025, 2, 13))
    assert run("tt29.a5.groups", ended) == []


def test_an_in_school_place_needs_the_familys_application():
    f = facts()
    enrol(f, 1, channel="staff")
    enrol(f, 2, channel="paper")
    enrol(f, 3, channel="portal")
    assert [h.key for h in run("tt29.a5.application", f)] == ["student:1"]


def test_an_extra_class_equal_to_a_homeroom_class_is_a_warning():
    f = facts()
    for s in range(1, 7):
        enrol(f, s)
    homeroom(f, 1, "9A", list(range(1, 7)))
    [hit] = run("tt29.a5.by-subject", f)
    assert "9A" in hit.message and "6 học sinh" in hit.message
    g = facts()
    for s in range(1, 6):
        enrol(g, s)
    homeroom(g, 1, "9A", list(range(1, 7)))  # one pupil of 9A did not join
    assert run("tt29.a5.by-subject", g) == []


def test_at_most_45_students_in_an_in_school_class():
    f = facts(groups=[("Toán 9 – nhóm 1", 9, frozenset(range(46)))])
    [hit] = run("tt29.a5.size", f)
    assert "46" in hit.message
    ok = facts(groups=[("Toán 9 – nhóm 1", 9, frozenset(range(45)))])
    assert run("tt29.a5.size", ok) == []


def test_in_school_extra_periods_must_not_overlap_the_main_timetable():
    f = facts(sessions=[(2, "10:30", "11:15")], slots=[slot(2, "07:15", "11:30")])
    [hit] = run("tt29.a5.no-interleave", f)
    assert "thứ 3 10:30–11:15" in hit.message
    ok = facts(sessions=[(2, "14:00", "14:45")], slots=[slot(2, "07:15", "11:30")])
    assert run("tt29.a5.no-interleave", ok) == []


def test_at_most_two_periods_a_week_per_subject():
    f = facts(sessions=[(2, "17:00", "17:45"), (4, "17:00", "18:00")])
    [hit] = run("tt29.a5.two-periods", f)
    assert "105 phút" in hit.message
    ok = facts(sessions=[(2, "17:00", "17:45"), (4, "17:00", "17:45")])
    assert run("tt29.a5.two-periods", ok) == []


def test_enrolling_before_the_plan_is_published_breaks_circular_29():
    f = facts(first_disclosed_at=at(date(2025, 9, 12)))
    enrol(f, 1, on=date(2025, 9, 10))
    [hit] = run("tt29.a5.published", f)
    assert "Học sinh 1" in hit.message
    ok = facts(first_disclosed_at=at(date(2025, 9, 1)))
    enrol(ok, 1, on=date(2025, 9, 10))
    assert run("tt29.a5.published", ok) == []


def test_the_time_of_day_window_is_off_until_the_city_enters_its_numbers():
    late = [(2, "21:00", "22:30")]
    assert run("tt29.a3.hours", facts(sessions=late)) == []
    window = {"hours_window": {"earliest": "07:00", "latest": "21:30"}}
    [hit] = run("tt29.a3.hours", facts(sessions=late, settings=window))
    assert "21:00–22:30" in hit.message
    assert run("tt29.a3.hours", facts(sessions=[(2, "17:00", "18:00")], settings=window)) == []


# --- consent -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind"), [("tt29.a3.voluntary", "in_school_tutoring"), ("link.voluntary", "linkage")]
)
def test_a_place_without_the_familys_grant_is_a_violation(code, kind):
    f = facts(kind=kind)
    enrol(f, 1, name="Ngô Hà", decision="withdrawn")
    enrol(f, 2)
    [hit] = run(code, f)
    assert hit.key == "student:1" and "Ngô Hà" in hit.message
    ended = facts(kind=kind)
    enrol(ended, 1, decision="withdrawn", status="ended")
    assert run(code, ended) == []


def test_linkage_consent_rule_applies_from_the_citys_letter_of_11_10_2024():
    f = facts(kind="linkage", starts_on=date(2024, 9, 9))
    enrol(f, 1, on=date(2024, 9, 9), decision="declined")
    assert run("link.voluntary", f)[0].occurred_on == date(2024, 10, 11)
    past = facts(kind="linkage", starts_on=date(2024, 9, 9), today=date(2024, 10, 10))
    enrol(past, 1, on=date(2024, 9, 9), decision="declined")
    assert run("link.voluntary", past) == []


def test_money_collected_without_an_active_grant_on_that_day():
    f = facts(kind="linkage", fee_amount=100_000)
    enrol(f, 1, consent_on=date(2025, 9, 20))
    fee(f, 1, on=date(2025, 9, 15))
    [hit] = run("fees.consent-first", f)
    assert "15/09/2025" in hit.message
    ok = facts(kind="linkage", fee_amount=100_000)
    enrol(ok, 1, consent_on=date(2025, 9, 10))
    fee(ok, 1, on=date(2025, 9, 15))
    assert run("fees.consent-first", ok) == []


# --- outside tutoring --------------------------------------------------------------------------


def facility(**kw):
    return Facility(
        pk=3, name="Trung tâm Học Tốt", unit=Unit(pk=1, name="Lê Chân", path="/1/"), **kw
    )


def outside(**kw):
    kw.setdefault("facility", facility(registration_number="0201234567"))
    return facts(kind="outside_tutoring", institution=None, **kw)


def test_a_facility_that_collects_money_must_be_a_registered_business():
    [hit] = run("tt29.a6.registered", outside(fee_amount=500_000, facility=facility()))
    assert "Trung tâm Học Tốt" in hit.message
    assert run("tt29.a6.registered", outside(fee_amount=500_000)) == []
    assert run("tt29.a6.registered", outside(fee_amount=0, facility=facility())) == []


def test_a_facility_discloses_form_02_before_enrolling():
    f = outside(staff_count=0)
    [hit] = [h for h in run("tt29.a6.disclosed", f) if h.key == "fields"]
    assert "thời lượng từng môn theo khối" in hit.message and "danh sách người dạy" in hit.message
    ok = outside(
        staff_count=1,
        subject_hours=[{"subject": "Toán", "grade": 9, "hours_per_week": 2}],
        first_disclosed_at=at(date(2025, 9, 1)),
    )
    enrol(ok, 1)
    assert run("tt29.a6.disclosed", ok) == []


def test_a_teacher_on_a_facilitys_staff_must_have_reported_form_03():
    f = outside(staff_teachers={5: "Phạm Thu Hương"})
    [hit] = run("tt29.a6.teacher-report", f)
    assert "Phạm Thu Hương" in hit.message
    ok = outside(staff_teachers={5: "Phạm Thu Hương"}, reporting_teachers={5: "Phạm Thu Hương"})
    assert run("tt29.a6.teacher-report", ok) == []


def test_art_4_2_is_found_from_data_even_when_the_teacher_never_reported():
    f = outside(fee_amount=300_000, staff_teachers={5: "Phạm Thu Hương"}, teacher_classes={5: {1}})
    enrol(f, 1, name="Vũ Gia Bảo")
    enrol(f, 2, name="Đỗ Khánh Linh")
    homeroom(f, 1, "9A1", [1])
    homeroom(f, 2, "9A2", [2])
    [hit] = run("tt29.a4.own-students", f)
    assert "Vũ Gia Bảo" in hit.message and "Đỗ Khánh Linh" not in hit.message
    assert "9A1" in hit.message
    # A reported teacher who is not on the staff list is found too.
    g = outside(fee_amount=300_000, reporting_teachers={6: "Lê Văn Nam"}, teacher_classes={6: {2}})
    enrol(g, 2, name="Đỗ Khánh Linh")
    homeroom(g, 2, "9A2", [2])
    assert "Lê Văn Nam" in run("tt29.a4.own-students", g)[0].message
    free = outside(fee_amount=0, staff_teachers={5: "Phạm Thu Hương"}, teacher_classes={5: {1}})
    enrol(free, 1)
    homeroom(free, 1, "9A1", [1])
    assert run("tt29.a4.own-students", free) == []
    other = outside(
        fee_amount=300_000, staff_teachers={5: "Phạm Thu Hương"}, teacher_classes={5: {9}}
    )
    enrol(other, 1)
    homeroom(other, 1, "9A1", [1])
    assert run("tt29.a4.own-students", other) == []


def test_outside_fees_by_agreement_are_information_from_circular_29():
    assert run("tt29.a7.fee-agreed", outside(fee_amount=200_000))
    assert run("tt29.a7.fee-agreed", outside(fee_amount=0)) == []
    before = outside(fee_amount=200_000, starts_on=date(2024, 10, 1), ends_on=date(2025, 2, 13))
    assert run("tt29.a7.fee-agreed", before) == []


# --- linkage -----------------------------------------------------------------------------------


def linkage(**kw):
    kw.setdefault("partner", Partner(pk=2, name="Công ty Ánh Sao", licence_number="0201"))
    kw.setdefault("alternative_activity", "Đọc sách tại thư viện")
    kw.setdefault("staff_count", 1)
    return facts(kind="linkage", subject=None, category="stem", **kw)


def test_linkage_sessions_lie_outside_the_official_timetable():
    f = linkage(sessions=[(3, "09:00", "09:45")], slots=[slot(3, "07:15", "11:30")])
    assert run("link.outside-hours", f)
    ok = linkage(sessions=[(3, "16:45", "17:30")], slots=[slot(3, "07:15", "11:30")])
    assert run("link.outside-hours", ok) == []


def test_linkage_sessions_before_the_citys_letter_are_not_judged_by_it():
    f = linkage(
        starts_on=date(2024, 9, 9),
        ends_on=date(2024, 10, 10),
        sessions=[(3, "09:00", "09:45")],
        slots=[slot(3, "07:15", "11:30")],
    )
    assert run("link.outside-hours", f) == []
    f.program.ends_on = date(2024, 10, 16)  # Wednesday 16/10/2024 falls under the letter
    assert run("link.outside-hours", f)[0].occurred_on == date(2024, 10, 16)


def test_linkage_needs_an_alternative_for_those_who_do_not_join():
    assert run("link.alternative", linkage(alternative_activity=""))
    assert run("link.alternative", linkage()) == []


def test_linkage_discloses_partner_staff_timetable_and_the_fees_basis():
    f = linkage(staff_count=0, fee_amount=200_000)
    [hit] = run("link.disclosed", f)
    assert "người dạy" in hit.message and "căn cứ thu" in hit.message
    ok = linkage(
        fee_amount=200_000,
        fee_legal_basis="Hợp đồng 01/2025",
        first_disclosed_at=at(date(2025, 9, 1)),
    )
    assert run("link.disclosed", ok) == []


def test_the_partner_holds_a_licence():
    no_licence = Partner(pk=2, name="Công ty Không Giấy Phép", licence_number="")
    assert "Không Giấy Phép" in run("link.partner-licensed", linkage(partner=no_licence))[0].message
    assert run("link.partner-licensed", linkage()) == []


def test_a_stopped_programme_refunds_what_was_not_taught():
    f = linkage(status="closed")
    enrol(f, 1, name="Ngô Hà", status="ended", ended=date(2026, 1, 5))
    fee(f, 1, refund_due=80_000, refunded=0)
    [hit] = run("link.stop-notice", f)
    assert "80.000 đ" in hit.message and "Ngô Hà" in hit.message
    ok = linkage(status="closed")
    enrol(ok, 1, status="ended", ended=date(2026, 1, 5))
    fee(ok, 1, refund_due=80_000, refunded=80_000)
    assert run("link.stop-notice", ok) == []


# --- fees --------------------------------------------------------------------------------------


def test_every_collection_has_a_published_line_with_its_basis():
    assert run("fees.published-line", linkage(fee_amount=200_000))
    assert run("fees.published-line", linkage(fee_amount=200_000, fee_legal_basis="HĐ 01")) == []
    free = linkage(fee_amount=0)
    enrol(free, 1)
    fee(free, 1, collected=50_000)
    [hit] = run("fees.published-line", free)
    assert hit.key == "unpublished"


def test_fee_lines_are_judged_from_the_2024_25_school_year():
    f = linkage(fee_amount=200_000, starts_on=date(2024, 3, 4), ends_on=date(2024, 5, 20))
    assert run("fees.published-line", f) == []
    f.program.ends_on = date(2024, 9, 30)
    assert run("fees.published-line", f)[0].occurred_on >= date(2024, 9, 1)


def test_no_bundling_several_fees_on_one_receipt():
    f = linkage(fee_amount=200_000, shared_receipts={"BL-9": [44]})
    enrol(f, 1)
    fee(f, 1, receipt="BL-9")
    [hit] = run("fees.no-bundle", f)
    assert "BL-9" in hit.message
    ok = linkage(fee_amount=200_000)
    enrol(ok, 1)
    fee(ok, 1, receipt="BL-9")
    assert run("fees.no-bundle", ok) == []


def test_no_collecting_several_months_in_advance():
    f = linkage(fee_amount=200_000)
    enrol(f, 1)
    fee(f, 1, collected=800_000, on=date(2025, 9, 5), period=(date(2025, 9, 1), date(2025, 12, 31)))
    [hit] = run("fees.no-advance", f)
    assert "800.000 đ" in hit.message and "4 tháng" in hit.message
    ok = linkage(fee_amount=200_000)
    enrol(ok, 1)
    fee(ok, 1, collected=200_000, on=date(2025, 9, 5))
    assert run("fees.no-advance", ok) == []
