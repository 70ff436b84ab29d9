"""Signs of coercion: each a measured fact against a tunable threshold, with its numbers."""

from __future__ import annotations

from datetime import date

from oversight.compliance.signals import Threshold, measure
from oversight.compliance.tests.factsbuilder import enrol, facts, fee, homeroom, slot

T = {
    "class_uptake": Threshold("class_uptake", "", 0.8, 30, {"min_size": 10}),
    "roster_equals_class": Threshold("roster_equals_class", "", 1.0, 30, {"min_size": 5}),
    "bulk_staff_consents": Threshold("bulk_staff_consents", "", 10, 20),
    "before_consent": Threshold("before_consent", "", 1, 25),
    "stacked_linkage": Threshold("stacked_linkage", "", 3, 15, {"share": 0.5}),
    "session_hours": Threshold("session_hours", "", 1, 20, {"night_after": "21:00"}),
    "no_alternative": Threshold("no_alternative", "", 1, 10),
    "quick_withdrawals": Threshold("quick_withdrawals", "", 3, 15, {"days": 14}),
    "facility_overlap": Threshold("facility_overlap", "", 1, 30),
}


def signals(f, *codes):
    return {m.code: (m, t) for m, t in measure(f, [T[c] for c in codes])}


def test_near_universal_uptake_of_a_paid_programme_in_one_class_names_its_own_teachers():
    f = facts(kind="linkage", fee_amount=200_000, staff_teachers={5: "Phạm Thu Hương"})
    f.teacher_classes = {5: {1}}
    homeroom(f, 1, "6A", list(range(1, 21)))
    for s in range(1, 18):
        enrol(f, s)
    m, t = signals(f, "class_uptake")["class_uptake"]
    assert m.value == 0.85 and t.points == 30
    assert "17/20" in m.explanation and "Phạm Thu Hương" in m.explanation
    low = facts(kind="linkage", fee_amount=200_000)
    homeroom(low, 1, "6A", list(range(1, 21)))
    for s in range(1, 15):
        enrol(low, s)
    assert signals(low, "class_uptake") == {}  # 70 % is under the 80 % threshold
    free = facts(kind="linkage", fee_amount=0)
    homeroom(free, 1, "6A", list(range(1, 21)))
    for s in range(1, 21):
        enrol(free, s)
    assert signals(free, "class_uptake") == {}


def test_a_roster_equal_to_a_homeroom_class():
    f = facts(kind="linkage")
    homeroom(f, 1, "6A", [1, 2, 3, 4, 5])
    for s in range(1, 6):
        enrol(f, s)
    assert "6A" in signals(f, "roster_equals_class")["roster_equals_class"][0].explanation
    enrol(f, 9)
    assert signals(f, "roster_equals_class") == {}


def test_consents_entered_by_staff_in_bulk_on_one_day():
    f = facts(kind="linkage")
    for s in range(10):
        enrol(f, s, channel="paper")
    m, _t = signals(f, "bulk_staff_consents")["bulk_staff_consents"]
    assert m.value == 10 and "10 đồng ý" in m.explanation
    g = facts(kind="linkage")
    for s in range(9):
        enrol(g, s, channel="paper")
    enrol(g, 99, channel="portal")
    assert signals(g, "bulk_staff_consents") == {}


def test_enrolments_or_fees_dated_before_consent():
    f = facts(kind="linkage", fee_amount=100_000)
    enrol(f, 1, on=date(2025, 9, 10), consent_on=date(2025, 9, 20))
    fee(f, 1, on=date(2025, 9, 15))
    m, _t = signals(f, "before_consent")["before_consent"]
    assert m.value == 2
    ok = facts(kind="linkage", fee_amount=100_000)
    enrol(ok, 1, on=date(2025, 9, 10))
    fee(ok, 1, on=date(2025, 9, 15))
    assert signals(ok, "before_consent") == {}


def test_several_paid_linkage_programmes_stacked_on_one_class():
    f = facts(kind="linkage", fee_amount=150_000)
    homeroom(f, 1, "7B", [1, 2])
    f.stacked = {1: 3}
    assert "3 chương trình" in signals(f, "stacked_linkage")["stacked_linkage"][0].explanation
    f.stacked = {1: 2}
    assert signals(f, "stacked_linkage") == {}


def test_sessions_inside_official_hours_or_at_night_on_school_premises():
    f = facts(kind="linkage", sessions=[(2, "10:00", "10:45"), (4, "20:30", "21:30")])
    f.slots = [slot(2, "07:00", "11:30")]
    m, _t = signals(f, "session_hours")["session_hours"]
    assert m.value == 2 and "21:00" in m.explanation
    online = facts(kind="linkage", sessions=[(4, "20:30", "21:30")], delivery_form="online")
    assert signals(online, "session_hours") == {}


def test_no_alternative_for_those_who_do_not_join():
    assert signals(facts(kind="linkage"), "no_alternative")
    assert signals(facts(kind="linkage", alternative_activity="Thư viện"), "no_alternative") == {}


def test_repeated_withdrawals_right_after_joining():
    f = facts(kind="linkage")
    for s in range(3):
        enrol(
            f,
            s,
            on=date(2025, 9, 10),
            status="ended",
            ended=date(2025, 9, 15),
            end_reason="withdrawn",
        )
    assert signals(f, "quick_withdrawals")["quick_withdrawals"][0].value == 3
    g = facts(kind="linkage")
    for s in range(3):
        enrol(
            g,
            s,
            on=date(2025, 9, 10),
            status="ended",
            ended=date(2025, 11, 15),
            end_reason="withdrawn",
        )
    assert signals(g, "quick_withdrawals") == {}


def test_a_facilitys_roster_overlapping_the_classes_its_tutors_teach():
    f = facts(kind="outside_tutoring", institution=None, reporting_teachers={5: "Lê Văn Nam"})
    f.teacher_classes = {5: {1}}
    homeroom(f, 1, "9A1", [1, 2])
    enrol(f, 1)
    enrol(f, 2)
    m, _t = signals(f, "facility_overlap")["facility_overlap"]
    assert m.value == 2 and "Lê Văn Nam: 2 học sinh" in m.explanation
    f.teacher_classes = {5: {7}}
    assert signals(f, "facility_overlap") == {}
