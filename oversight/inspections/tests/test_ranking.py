"""Targets ranked by risk, each with the reasons that make its score."""

import pytest
from django.core.exceptions import PermissionDenied

from oversight.enrollment.tests.helpers import approved_program, grant
from oversight.inspections import selectors
from oversight.inspections.tests.helpers import finding, inspect
from oversight.inspections.tests.test_measures import conclude
from oversight.programs.services import transition

pytestmark = pytest.mark.django_db


def _by_id(ranked):
    return {r.id: r for r in ranked}


def test_a_commune_ranks_only_the_schools_it_manages(world):
    ids = {r.id for r in selectors.rank_targets(world.commune_officer, "institutions")}
    assert ids == {world.school_a.pk}
    ids = {r.id for r in selectors.rank_targets(world.department_officer, "institutions")}
    assert ids == {world.school_a.pk, world.school_b.pk, world.high_a.pk}


def test_someone_who_plans_no_inspections_gets_no_ranking(world):
    with pytest.raises(PermissionDenied):
        selectors.rank_targets(world.principal, "institutions")


def test_suspended_and_paid_programmes_raise_the_score(world):
    before = _by_id(selectors.rank_targets(world.inspector, "institutions"))
    assert before[world.school_a.pk].reasons == ["Chưa từng được thanh tra, kiểm tra."]
    program = approved_program(world)
    grant(world, program)
    after = _by_id(selectors.rank_targets(world.inspector, "institutions"))
    a = after[world.school_a.pk]
    assert a.score > before[world.school_a.pk].score
    assert "1 chương trình thu phí với 1 học sinh đang học." in a.reasons
    transition(program=program, action="suspend", by=world.inspector, reason="Tạm dừng kiểm tra")
    suspended = _by_id(selectors.rank_targets(world.inspector, "institutions"))[world.school_a.pk]
    assert "1 chương trình đang bị tạm dừng hoặc bị trả lại." in suspended.reasons
    ranked = selectors.rank_targets(world.inspector, "institutions")
    assert ranked[0].id == world.school_a.pk


def test_a_recent_inspection_counts_less_than_none(world):
    inspection = inspect(world, started=True, institution=world.school_b)
    conclude(inspection, world.inspector)
    ranked = _by_id(selectors.rank_targets(world.inspector, "institutions"))
    assert ranked[world.high_a.pk].reasons == ["Chưa từng được thanh tra, kiểm tra."]
    # Concluded today: no months have passed, so nothing is said about school B.
    assert world.school_b.pk not in ranked


def test_programmes_and_facilities_are_ranked_too(world):
    program = approved_program(world)
    ranked = selectors.rank_targets(world.inspector, "programs")
    assert [r.id for r in ranked] == [program.pk] and ranked[0].kind == "program"
    assert selectors.rank_targets(world.inspector, "facilities") == []


def _pupils(world, n):
    from oversight.registry.models import ClassMembership
    from oversight.testing import make_student

    out = []
    for i in range(n):
        s = make_student(institution=world.school_a, full_name=f"Học Sinh Số {i}")
        ClassMembership.objects.create(
            student=s, homeroom_class=world.class_a1, school_year=world.year
        )
        out.append(s)
    return out


def test_consents_entered_by_the_school_count_with_their_share(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oversight.enrollment.services import record_consent

    program = approved_program(world)
    pupils = _pupils(world, 5)
    for s in pupils[:3]:
        record_consent(
            program=program,
            student=s,
            decision="granted",
            by=world.principal,
            channel="paper",
            child_confirmed=True,
            scan=SimpleUploadedFile(
                "don.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
            ),
        )
    from oversight.registry.models import Guardianship

    for s in pupils[3:]:
        Guardianship.objects.create(guardian=world.guardian, student=s, relation="father")
        grant(world, program, student=s)  # by the family itself, on the portal
    reasons = _by_id(selectors.rank_targets(world.inspector, "institutions"))[
        world.school_a.pk
    ].reasons
    assert "60% ý kiến đồng ý do nhà trường nhập thay gia đình (3/5)." in reasons


def test_withdrawals_soon_after_joining_count(world):
    from oversight.enrollment.tests.helpers import decide

    program = approved_program(world)
    grant(world, program)
    decide(world, program, "withdrawn")
    reasons = _by_id(selectors.rank_targets(world.inspector, "programs"))[program.pk].reasons
    assert "1 học sinh rút trong 14 ngày đầu sau khi tham gia." in reasons


def test_months_since_the_last_conclusion_are_counted(world):
    from datetime import timedelta

    from django.utils import timezone

    from oversight.inspections.models import Inspection

    inspection = inspect(world, started=True, institution=world.school_b)
    conclude(inspection, world.inspector)
    Inspection.objects.filter(pk=inspection.pk).update(
        concluded_at=timezone.now() - timedelta(days=400)
    )
    ranked = _by_id(selectors.rank_targets(world.inspector, "institutions"))
    b = ranked[world.school_b.pk]
    assert b.reasons == ["Lần kiểm tra gần nhất đã kết luận cách đây 13 tháng."]
    assert b.score == 13 < ranked[world.high_a.pk].score


def _signal(program, points, code="class_uptake"):
    from django.utils import timezone

    from oversight.compliance.models import RiskSignal

    return RiskSignal.objects.create(
        program=program,
        institution=program.institution,
        unit=program.institution.unit,
        code=code,
        value=0.9,
        threshold=0.6,
        points=points,
        explanation="Tỷ lệ tham gia cao",
        measured_at=timezone.now(),
    )


def test_the_compliance_risk_score_and_open_violations_raise_the_score(world):
    from oversight.compliance.models import RiskSignal

    program = approved_program(world)
    RiskSignal.objects.all().delete()
    before = _by_id(selectors.rank_targets(world.inspector, "institutions"))[world.school_a.pk]
    _signal(program, 30)
    _signal(program, 20, code="bulk_staff_consents")
    finding("link.alternative", program=program, message="Không có người trông")
    finding("tt29.a4.no-manage", institution=world.school_a, message="Giáo viên quản lý cơ sở")
    finding("link.disclosed", program=program, status="resolved", message="Đã khắc phục")
    after = _by_id(selectors.rank_targets(world.inspector, "institutions"))[world.school_a.pk]
    # 50 points of signals; the two live findings: link.alternative is a warning, so one
    # violation (no-manage) counts.
    assert after.score == before.score + 50 + selectors.VIOLATION_POINTS
    assert "Điểm rủi ro tuân thủ 50 (dấu hiệu ép buộc); 1 vi phạm đang mở theo bộ quy tắc." in (
        after.reasons
    )
    by_program = _by_id(selectors.rank_targets(world.inspector, "programs"))[program.pk]
    assert "Điểm rủi ro tuân thủ 50 (dấu hiệu ép buộc); 0 vi phạm đang mở theo bộ quy tắc." in (
        by_program.reasons
    )


def test_hotspots_and_recent_complaints_raise_the_score(world):
    from oversight.complaints.models import Hotspot
    from oversight.complaints.tests.helpers import file_complaint, from_network

    before = _by_id(selectors.rank_targets(world.inspector, "institutions"))
    assert not any("phản ánh" in r for r in before[world.school_a.pk].reasons)
    with from_network("203.0.113.8"):
        file_complaint(world)
    with from_network("203.0.113.9"):
        file_complaint(
            world, category="fees", description="Nhà trường thu tiền học thêm trước cả năm học."
        )
    Hotspot.objects.create(
        scope="institution",
        institution=world.school_a,
        unit=world.school_a.unit,
        state="active",
        weight=12.0,
        baseline=1.0,
        city_average=0.5,
    )
    after = _by_id(selectors.rank_targets(world.inspector, "institutions"))
    a = after[world.school_a.pk]
    # The school's alert (12) plus half of nothing on its commune, and 2 points per complaint.
    assert a.score == before[world.school_a.pk].score + 12 + 2 * selectors.COMPLAINT_POINTS
    assert "Điểm nóng phản ánh (trọng số 12.0). 2 phản ánh của người dân trong 90 ngày qua." in (
        a.reasons
    )
    assert after[world.school_b.pk].score == before[world.school_b.pk].score
