"""The rule pack as data, the engine's reconciliation of findings, and the approval gate."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils.module_loading import import_string

from oversight.audit.models import AuditEvent
from oversight.compliance.models import Finding, Rule, RulePack
from oversight.compliance.rulepacks import load_pack, read_pack
from oversight.compliance.services import (
    ApprovalBlocked,
    act_on_finding,
    active_pack,
    evaluate_institutions,
    evaluate_program,
)
from oversight.compliance.tests.helpers import live, submitted
from oversight.programs.models import Program, TeacherReport
from oversight.programs.services import transition, update_program
from oversight.testing import make_subject

RULES_MD = {
    # Circular 29
    "tt29.a3.voluntary", "tt29.a3.no-cut", "tt29.a4.primary", "tt29.a4.own-students",
    "tt29.a4.no-manage", "tt29.a5.free", "tt29.a5.groups", "tt29.a5.application",
    "tt29.a5.by-subject", "tt29.a5.size", "tt29.a5.no-interleave", "tt29.a5.two-periods",
    "tt29.a5.published", "tt29.a6.registered", "tt29.a6.disclosed", "tt29.a6.teacher-report",
    "tt29.a7.fee-agreed", "tt29.a3.hours",
    # Circular 17
    "tt17.a4.two-sessions", "tt17.a4.primary", "tt17.a5.application", "tt17.fee-agreed",
    "tt17.own-students",
    # linkage and fees
    "link.voluntary", "link.outside-hours", "link.alternative", "link.disclosed",
    "link.cost-recovery", "link.partner-licensed", "link.records", "link.stop-notice",
    "fees.published-line", "fees.no-bundle", "fees.no-advance", "fees.no-parents-board",
    "fees.consent-first",
}  # fmt: skip
CHECKLIST = {
    "tt29.a3.no-cut", "tt17.a5.application", "tt17.own-students", "link.cost-recovery",
    "link.records", "fees.no-parents-board",
}  # fmt: skip


def test_every_rule_of_rules_md_is_in_the_pack_with_its_citation_and_dates(db):
    rules = {r.code: r for r in active_pack().rules.all()}
    assert set(rules) == RULES_MD
    assert {c for c, r in rules.items() if r.checklist_only} == CHECKLIST
    for r in rules.values():
        assert r.citation_document and r.title and r.explanation and r.regime
        if r.check_name:
            assert callable(import_string(r.check_name))
    assert rules["tt17.fee-agreed"].effective_to == date(2025, 2, 13)
    assert rules["tt29.a5.free"].effective_from == date(2025, 2, 14)
    assert rules["tt29.a5.free"].citation == "khoản 1, Điều 5, Thông tư 29/2024/TT-BGDĐT"
    assert active_pack().settings["hours_window"] is None


def test_loading_the_pack_again_changes_nothing_and_a_correction_needs_no_code(db):
    data = read_pack()
    before = list(Rule.objects.order_by("pk").values())
    load_pack(data)
    assert list(Rule.objects.order_by("pk").values()) == before
    data["rules"][0]["citation"]["clause"] = "khoản 1 (đã sửa)"
    data["rules"][0]["effective_from"] = "2025-02-15"
    load_pack(data)
    rule = Rule.objects.get(pack=active_pack(), code=data["rules"][0]["id"])
    assert rule.citation_clause == "khoản 1 (đã sửa)" and rule.effective_from == date(2025, 2, 15)
    assert Rule.objects.count() == len(before)


def test_a_new_version_of_the_pack_retires_the_old_one(db):
    data = read_pack()
    data["version"] = 2
    load_pack(data)
    assert active_pack().version == 2
    assert RulePack.objects.filter(version=1, is_active=False).exists()


def test_a_finding_names_rule_object_date_citation_facts_and_remedy(world):
    program = submitted(world, kind="in_school_tutoring", fee_amount=100_000)
    evaluate_program(program)
    f = Finding.objects.get(program=program, rule_code="tt29.a5.free", key="fee")
    assert f.severity == "violation" and f.institution == world.school_a
    assert f.unit == world.commune_a and f.occurred_on >= date(2025, 10, 1)
    assert f.citation == "khoản 1, Điều 5, Thông tư 29/2024/TT-BGDĐT"
    assert "100.000 đ" in f.message and f.facts["fee"] == 100_000 and f.remedy
    assert list(f.history.values_list("action", flat=True)) == ["opened"]


def test_re_running_never_duplicates_and_resolves_findings_whose_facts_are_gone(world):
    program = submitted(world, kind="in_school_tutoring", fee_amount=100_000)
    evaluate_program(program)
    first = set(Finding.objects.values_list("pk", flat=True))
    assert evaluate_program(program).opened == 0
    assert set(Finding.objects.values_list("pk", flat=True)) == first
    assert {"tt29.a5.free", "tt29.a4.primary"} <= live(program)
    transition(program=program, action="return", by=world.principal, reason="Sửa lại mức thu")
    update_program(
        program=program, by=world.principal, fee_amount=0, subject=make_subject("Âm nhạc")
    )
    summary = evaluate_program(program)
    assert summary.resolved >= 2 and summary.opened == 0
    assert not {"tt29.a5.free", "tt29.a4.primary"} & live(program)
    gone = Finding.objects.get(rule_code="tt29.a5.free", key="fee")
    assert gone.status == "resolved" and gone.closed_at is not None
    assert list(gone.history.values_list("action", flat=True)) == ["opened", "resolved"]


def test_a_dismissed_finding_stays_dismissed_while_its_facts_remain(world):
    program = submitted(world, kind="in_school_tutoring", fee_amount=100_000)
    evaluate_program(program)
    f = Finding.objects.get(rule_code="tt29.a5.free", key="fee")
    with pytest.raises(Exception, match="lý do"):
        act_on_finding(finding=f, action="dismiss", by=world.commune_officer, reason="ngắn")
    f.refresh_from_db()
    assert f.status == "open"
    act_on_finding(
        finding=f, action="dismiss", by=world.commune_officer, reason="Lớp đã dừng thu từ tháng 10"
    )
    evaluate_program(program)
    assert not Finding.objects.live().filter(rule_code="tt29.a5.free", key="fee").exists()
    assert Finding.objects.filter(rule_code="tt29.a5.free", key="fee").count() == 1


def test_the_school_acknowledges_and_resolves_but_only_an_authority_dismisses(world):
    program = submitted(world, kind="in_school_tutoring", fee_amount=100_000)
    evaluate_program(program)
    f = Finding.objects.get(rule_code="tt29.a5.free", key="fee")
    from django.core.exceptions import PermissionDenied

    for user in (world.principal, world.teacher_user, world.outsider, world.commune_officer_b):
        with pytest.raises(PermissionDenied):
            act_on_finding(finding=f, action="dismiss", by=user, reason="Không đúng sự thật đâu")
    for user in (world.teacher_user, world.partner, world.city_viewer, world.outsider):
        with pytest.raises(PermissionDenied):
            act_on_finding(finding=f, action="acknowledge", by=user)
    assert act_on_finding(finding=f, action="acknowledge", by=world.principal).status == (
        "acknowledged"
    )
    evaluate_program(program)  # an acknowledged finding whose facts remain stays as it is
    f.refresh_from_db()
    assert f.status == "acknowledged"
    assert act_on_finding(finding=f, action="resolve", by=world.principal).status == "resolved"
    assert AuditEvent.objects.filter(action="finding.resolve").count() == 1


def test_a_violation_blocks_approval_unless_the_authority_records_a_reason(world):
    program = submitted(world, kind="in_school_tutoring", fee_amount=100_000)
    with pytest.raises(ApprovalBlocked) as e:
        transition(program=program, action="approve", by=world.principal)
    assert "tt29.a5.free" in str(e.value) and "Điều 5" in str(e.value)
    with pytest.raises(ApprovalBlocked):
        transition(program=program, action="approve", by=world.principal, override_reason="ngắn")
    program.refresh_from_db()
    assert program.status == "submitted" and not program.versions.exists()
    reason = "Hiệu trưởng cam kết không thu tiền từ buổi đầu"
    program = transition(
        program=program, action="approve", by=world.principal, override_reason=reason
    )
    assert program.status == "approved"
    event = AuditEvent.objects.get(action="program.approve")
    assert event.data["override_reason"] == reason and "tt29.a5.free" in event.data["overridden"]
    f = Finding.objects.get(rule_code="tt29.a5.free", key="fee")
    assert f.override_reason == reason
    assert f.history.filter(action="overridden", actor=world.principal, note=reason).exists()


def test_a_lawful_programme_is_approved_without_any_override(world):
    program = submitted(world, institution=world.school_b, by=world.outsider, grades=[9])
    program = transition(program=program, action="approve", by=world.commune_officer_b)
    assert program.status == "approved"
    assert not Finding.objects.filter(program=program, severity="violation").exists()


def test_a_teacher_who_owns_a_facility_is_found_on_their_school(world):
    report = TeacherReport.objects.create(
        teacher=world.teacher,
        subject=world.math,
        facility_name="Trung tâm Hương Toán",
        place="Số 1 Lạch Tray",
        form="in_person",
        times="Thứ 7, 8:00–10:00",
        relationship="owner",
        starts_on=date(2025, 9, 6),
    )
    evaluate_institutions([world.school_a])
    f = Finding.objects.get(rule_code="tt29.a4.no-manage")
    assert f.institution == world.school_a and f.program is None
    assert "Phạm Thu Hương" in f.message and f.occurred_on == date(2025, 9, 6)
    report.relationship = "employee"
    report.save()
    assert evaluate_institutions([world.school_a]).resolved == 1


def test_a_fact_change_re_evaluates_after_commit(world, django_capture_on_commit_callbacks):
    from oversight.compliance.tests.helpers import submitted as _submitted
    from oversight.programs.services import set_official_timetable

    program = _submitted(world, institution=world.school_b, by=world.outsider, grades=[9])
    with django_capture_on_commit_callbacks(execute=True):
        program = transition(program=program, action="approve", by=world.commune_officer_b)
    assert "link.outside-hours" not in live(program)
    from datetime import time

    with django_capture_on_commit_callbacks(execute=True):
        set_official_timetable(
            institution=world.school_b,
            school_year=world.year,
            slots=[{"weekday": 2, "start": time(13, 30), "end": time(17, 0)}],
            by=world.outsider,
        )
    # make_program's linkage meets on Tuesdays 16:45–17:30, now inside the afternoon timetable
    assert "link.outside-hours" in live(program)


def test_the_nightly_command_is_idempotent(world):
    submitted(world, kind="in_school_tutoring", fee_amount=100_000)
    call_command("evaluate_compliance")
    count = Finding.objects.count()
    call_command("evaluate_compliance")
    assert Finding.objects.count() == count > 0


def test_drafts_are_not_judged(world):
    from oversight.testing import make_program

    draft = make_program(
        institution=world.school_a, by=world.principal, kind="in_school_tutoring", fee_amount=1
    )
    assert evaluate_program(draft).programs == 0
    assert not Finding.objects.exists()
    assert Program.objects.get(pk=draft.pk).status == "draft"


def test_judging_only_some_rules_leaves_the_other_findings_alone(world):
    from oversight.compliance.services import evaluate_programs

    program = submitted(world, kind="in_school_tutoring", fee_amount=100_000)
    evaluate_program(program)
    before = live(program)
    Program.objects.filter(pk=program.pk).update(fee_amount=0)
    program.refresh_from_db()
    s = evaluate_programs([program], rules={"tt29.a4.primary"})
    assert s.resolved == 0 and live(program) == before
    assert evaluate_programs([program], rules={"tt29.a5.free"}).resolved == 1


def test_submitting_judges_the_programme_once_committed(world, django_capture_on_commit_callbacks):
    from oversight.testing import make_program

    program = make_program(
        institution=world.school_a, by=world.principal, kind="in_school_tutoring", fee_amount=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        transition(program=program, action="submit", by=world.principal)
    assert "tt29.a5.free" in live(program)


def test_a_fee_collected_months_ahead_is_found_once_recorded(
    world, django_capture_on_commit_callbacks
):
    from oversight.enrollment.services import record_fee
    from oversight.enrollment.tests.helpers import approved_program, grant

    program = approved_program(world)
    with django_capture_on_commit_callbacks(execute=True):
        grant(world, program)
    assert "fees.no-advance" not in live(program)
    from django.utils import timezone

    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        record_fee(
            program=program,
            student=world.student_a1,
            by=world.principal,
            period_start=today,
            period_end=today.replace(day=1) + (date(2026, 5, 1) - date(2026, 1, 1)),
            billed=600_000,
            collected=600_000,
            collected_on=today,
            receipt_number="BL-01",
        )
    assert "fees.no-advance" in live(program)


def test_a_teachers_form_03_report_re_judges_the_facilitys_programmes(
    world, django_capture_on_commit_callbacks
):
    from oversight.programs.models import StaffMember
    from oversight.programs.services import create_facility, report_outside_teaching
    from oversight.testing import make_program

    facility = create_facility(
        by=world.commune_officer,
        name="Trung tâm Học Tốt",
        unit=world.commune_a,
        address="Số 5 Lê Chân",
        representative="Nguyễn Văn Tư",
        registration_number="0201111111",
    )
    program = make_program(
        institution=None,
        facility=facility,
        by=world.commune_officer,
        kind="outside_tutoring",
        grades=[5],
        subject=make_subject("Âm nhạc"),
    )
    StaffMember.objects.filter(program=program).update(teacher=world.teacher)
    transition(program=program, action="submit", by=world.commune_officer)
    evaluate_program(program)
    assert "tt29.a6.teacher-report" in live(program)
    with django_capture_on_commit_callbacks(execute=True):
        report_outside_teaching(
            by=world.teacher_user,
            subject=make_subject("Âm nhạc"),
            facility=facility,
            facility_name="",
            place="Số 5 Lê Chân",
            form="in_person",
            times="Thứ 7, 8:00–9:30",
            relationship="none",
            starts_on=date(2025, 10, 1),
        )
    assert "tt29.a6.teacher-report" not in live(program)


def test_the_department_tunes_thresholds_and_enters_the_citys_hours(world):
    from django.core.exceptions import PermissionDenied

    from oversight.compliance.models import SignalThreshold
    from oversight.compliance.services import (
        ComplianceError,
        set_hours_window,
        set_signal_threshold,
    )

    for user in (world.department_officer, world.commune_officer, world.principal):
        with pytest.raises(PermissionDenied):
            set_signal_threshold(code="class_uptake", threshold=0.5, points=10, by=user)
        with pytest.raises(PermissionDenied):
            set_hours_window(earliest="07:00", latest="21:30", by=user)
    with pytest.raises(ComplianceError):
        set_signal_threshold(
            code="class_uptake", threshold=-1, points=10, by=world.department_admin
        )
    set_signal_threshold(code="class_uptake", threshold=0.9, points=40, by=world.department_admin)
    row = SignalThreshold.objects.get(code="class_uptake")
    assert (row.threshold, row.points) == (0.9, 40)
    with pytest.raises(ComplianceError):
        set_hours_window(earliest="21:30", latest="07:00", by=world.department_admin)
    assert active_pack().settings["hours_window"] is None
    from datetime import time

    program = submitted(
        world,
        institution=world.school_b,
        by=world.outsider,
        grades=[9],
        kind="in_school_tutoring",
        sessions=[{"weekday": 2, "start": time(21, 0), "end": time(21, 45), "place": "P1"}],
    )
    evaluate_program(program)
    assert "tt29.a3.hours" not in live(program)
    set_hours_window(earliest="07:00", latest="21:30", by=world.department_admin)
    evaluate_program(program)
    assert "tt29.a3.hours" in live(program)
    set_hours_window(earliest="", latest="", by=world.department_admin)
    evaluate_program(program)
    assert "tt29.a3.hours" not in live(program)
    # set, then cleared; the refused window wrote nothing
    assert AuditEvent.objects.filter(action="compliance.hours_window_set").count() == 2


def test_each_check_reads_only_the_facts_it_declares(world):
    """Gathering only a check's declared kinds of facts gives it the same hits as gathering
    everything (so judging a few rules may skip the rest)."""
    from datetime import time

    from django.utils import timezone

    from oversight.compliance.checks import NEEDS
    from oversight.compliance.facts import gather
    from oversight.compliance.services import _applies, _checks
    from oversight.enrollment.services import record_fee
    from oversight.enrollment.tests.helpers import approved_program, grant
    from oversight.programs.models import OfficialTimetableSlot, StaffMember

    program = approved_program(world, alternative_activity="")
    grant(world, program)
    today = timezone.localdate()
    record_fee(
        program=program,
        student=world.student_a1,
        by=world.principal,
        period_start=today,
        period_end=today + timedelta(days=100),
        billed=450_000,
        collected=450_000,
        collected_on=today,
        receipt_number="BL-7",
    )
    OfficialTimetableSlot.objects.create(
        institution=world.school_a, school_year=world.year, weekday=2, start=time(7), end=time(17)
    )
    StaffMember.objects.filter(program=program).update(teacher=world.teacher)
    tutoring = submitted(world, kind="in_school_tutoring", fee_amount=5_000)
    pack = active_pack()
    checked = 0
    for p in Program.objects.filter(pk__in=[program.pk, tutoring.pk]).select_related(
        "institution__unit", "facility__unit", "partner", "subject", "school_year"
    ):
        full = gather([p], settings=pack.settings)[p.pk]
        for rule, check in _checks(pack):
            if not _applies(rule, p):
                continue
            part = gather([p], settings=pack.settings, parts=NEEDS[check.__name__])[p.pk]
            assert check(part, rule) == check(full, rule), rule.code
            checked += bool(check(full, rule))
    assert checked >= 6  # the comparison covered rules that fire, not only silent ones


def test_a_corrected_citation_reaches_the_live_findings_at_the_next_run(world):
    program = submitted(world, kind="in_school_tutoring", fee_amount=100_000)
    evaluate_program(program)
    data = read_pack()
    rule = next(r for r in data["rules"] if r["id"] == "tt29.a5.free")
    rule["citation"]["clause"] = "khoản 1 và khoản 3"
    rule["severity"] = "warning"
    load_pack(data)
    evaluate_program(program)
    f = Finding.objects.get(rule_code="tt29.a5.free", key="fee", status="open")
    assert f.citation.startswith("khoản 1 và khoản 3, Điều 5") and f.severity == "warning"
    assert Finding.objects.filter(rule_code="tt29.a5.free", key="fee").count() == 1


def test_a_long_list_of_blocking_violations_is_cut_short_in_the_message():
    many = [Finding(rule_code=f"r{n}", citation="Điều 5", message=f"sự việc {n}") for n in range(7)]
    text = str(ApprovalBlocked(many))
    assert "7 vi phạm" in text and "sự việc 4" in text and "sự việc 5" not in text
    assert "và 2 vi phạm khác" in text
