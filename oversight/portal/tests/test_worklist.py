"""The officials' worklist on the home page: each role's sections, counts scoped like the
list pages they link to, nothing from outside the user's scope, bounded queries, English."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oversight.complaints.models import Complaint, ExplanationRequest, Hotspot
from oversight.complaints.tests.helpers import file_complaint
from oversight.compliance.models import Finding, Rule
from oversight.directives.tests.helpers import make_task
from oversight.inspections.services import add_corrective_action
from oversight.inspections.tests.helpers import inspect
from oversight.programs.services import transition
from oversight.testing import make_program

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def home(client, user):
    client.force_login(user)
    r = client.get(reverse("portal:home"))
    assert r.status_code == 200
    return r


def sections(response) -> dict:
    return {s.key: s for s in response.context["worklist"]}


def finding(world, *, institution, unit, severity="violation", status="open", code="x"):
    now = timezone.now()
    rule = Rule.objects.filter(severity=severity).first()
    return Finding.objects.create(
        rule=rule,
        rule_code=rule.code,
        severity=severity,
        subject=f"institution:{institution.pk}",
        key=code,
        institution=institution,
        unit=unit,
        occurred_on=today(),
        citation="Thông tư 29/2024/TT-BGDĐT",
        message="Thu tiền khi chưa có đồng ý của cha mẹ",
        status=status,
        first_seen_at=now,
        last_seen_at=now,
    )


def due_complaint(world, *, institution, days: int = -1) -> Complaint:
    complaint = file_complaint(world, institution=institution).complaint
    Complaint.objects.filter(pk=complaint.pk).update(due_on=today() + timedelta(days=days))
    complaint.refresh_from_db()
    return complaint


def hotspot(unit, state="active") -> Hotspot:
    return Hotspot.objects.create(
        scope=Hotspot.Scope.COMMUNE,
        unit=unit,
        state=state,
        weight=6.0,
        baseline=1.0,
        city_average=1.5,
    )


def overdue_action(world, *, description="Hoàn trả học phí đã thu sai"):
    inspection = inspect(world, started=True)
    return add_corrective_action(
        inspection=inspection,
        target=inspection.targets.first(),
        by=world.inspector,
        description=description,
        owner=world.principal,
        deadline=today() - timedelta(days=2),
        today=today() - timedelta(days=10),
    )


# --- who sees which sections ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["teacher_user", "guardian_user", "partner"])
def test_a_teacher_a_guardian_or_a_partner_has_no_worklist(client, world, persona):
    due_complaint(world, institution=world.school_a)
    finding(world, institution=world.school_a, unit=world.commune_a)
    r = home(client, getattr(world, persona))
    assert r.context["worklist"] == []
    assert "Việc cần làm hôm nay" not in r.content.decode()


def test_a_commune_officer_sees_every_section_an_authority_acts_on(client, world):
    r = home(client, world.commune_officer)
    expected = ["programs", "findings", "complaints", "hotspots", "tasks", "actions"]
    assert list(sections(r)) == expected
    assert "Việc cần làm hôm nay" in r.content.decode()


def test_a_city_viewer_reads_but_handles_no_complaint_and_approves_nothing(client, world):
    keys = set(sections(home(client, world.city_viewer)))
    assert keys == {"findings", "hotspots", "tasks", "actions"}


def test_an_inspector_sees_findings_hotspots_tasks_and_actions(client, world):
    keys = set(sections(home(client, world.inspector)))
    assert keys == {"findings", "hotspots", "tasks", "actions"}


def test_a_principal_sees_the_schools_own_list(client, world):
    r = home(client, world.principal)
    assert list(sections(r)) == ["programs", "findings", "explanations", "tasks", "actions"]


# --- programmes to approve ---------------------------------------------------------------------


def test_a_programme_waits_for_its_approver_only(client, world):
    linkage = make_program(by=world.principal, institution=world.school_a, title="Tiếng Anh A")
    transition(program=linkage, action="submit", by=world.principal)
    tutoring = make_program(
        by=world.principal,
        institution=world.school_a,
        kind="in_school_tutoring",
        title="Ôn tập Toán lớp 5",
        grades=[5],
    )
    transition(program=tutoring, action="submit", by=world.principal)
    make_program(by=world.principal, institution=world.school_a, title="Bản nháp chưa gửi")

    officer = sections(home(client, world.commune_officer))["programs"]
    assert officer.count == 1 and [i.label for i in officer.items] == ["Tiếng Anh A"]
    assert officer.items[0].url == reverse("programs:detail", args=[linkage.pk])

    principal = sections(home(client, world.principal))["programs"]
    assert [i.label for i in principal.items] == ["Ôn tập Toán lớp 5"]

    assert sections(home(client, world.commune_officer_b))["programs"].count == 0


# --- findings -----------------------------------------------------------------------------------


def test_open_findings_are_counted_as_the_findings_list_counts_them(client, world):
    warning = finding(world, institution=world.school_a, unit=world.commune_a, severity="warning")
    violation = finding(world, institution=world.school_a, unit=world.commune_a, code="y")
    finding(world, institution=world.school_a, unit=world.commune_a, status="dismissed", code="z")
    finding(world, institution=world.school_b, unit=world.commune_b, code="b")
    finding(world, institution=world.high_a, unit=world.commune_a, code="h")

    section = sections(home(client, world.commune_officer))["findings"]
    assert section.count == 2
    # Violations first, each one click from its finding.
    assert [i.url for i in section.items] == [
        reverse("compliance:finding", args=[violation.pk]),
        reverse("compliance:finding", args=[warning.pk]),
    ]
    listed = client.get(section.more_url)
    assert listed.context["page"].paginator.count == section.count

    assert sections(home(client, world.department_officer))["findings"].count == 4
    assert sections(home(client, world.principal))["findings"].count == 2
    assert sections(home(client, world.outsider))["findings"].count == 1


# --- complaints ---------------------------------------------------------------------------------


def test_commune_bs_complaint_never_appears_on_commune_as_page(client, world):
    mine = due_complaint(world, institution=world.school_a, days=-2)
    theirs = due_complaint(world, institution=world.school_b, days=-2)
    due_complaint(world, institution=world.school_a, days=20)  # not due yet

    r = home(client, world.commune_officer)
    section = sections(r)["complaints"]
    assert section.count == 1
    assert [i.label for i in section.items] == [mine.tracking_code]
    assert section.items[0].urgent
    assert theirs.tracking_code not in r.content.decode()

    b = sections(home(client, world.commune_officer_b))["complaints"]
    assert [i.label for i in b.items] == [theirs.tracking_code]


def test_the_department_lists_only_the_complaints_it_handles(client, world):
    commune_case = due_complaint(world, institution=world.school_a)
    department_case = due_complaint(world, institution=world.high_a)
    r = home(client, world.department_officer)
    section = sections(r)["complaints"]
    assert [i.label for i in section.items] == [department_case.tracking_code]
    assert commune_case.tracking_code not in r.content.decode()


# --- hotspots -----------------------------------------------------------------------------------


def test_hotspots_in_the_area_active_first_and_never_resolved_ones(client, world):
    hotspot(world.commune_a, state="watch")
    h_b = hotspot(world.commune_b, state="active")
    officer = sections(home(client, world.commune_officer))["hotspots"]
    assert officer.count == 1 and not officer.items[0].urgent

    city = sections(home(client, world.department_officer))["hotspots"]
    assert city.count == 2
    assert city.items[0].url == reverse("complaints:hotspot", args=[h_b.pk])

    Hotspot.objects.filter(pk=h_b.pk).update(state="resolved")
    assert sections(home(client, world.department_officer))["hotspots"].count == 1


# --- tasks --------------------------------------------------------------------------------------


def test_tasks_due_within_a_week_or_overdue_for_the_users_units(client, world):
    soon = make_task(world, title="Báo cáo rà soát dạy thêm", deadline=today() + timedelta(days=3))
    late = make_task(world, title="Tổng hợp danh sách cơ sở", deadline=today() - timedelta(days=1))
    make_task(world, title="Kế hoạch năm sau", deadline=today() + timedelta(days=40))
    other = make_task(
        world, title="Nhiệm vụ của An Thành", lead=world.committee_b, deadline=today()
    )

    r = home(client, world.commune_officer)
    section = sections(r)["tasks"]
    assert section.count == 2
    # Overdue first, then by deadline.
    assert [i.url for i in section.items] == [
        reverse("directives:task", args=[late.pk]),
        reverse("directives:task", args=[soon.pk]),
    ]
    assert section.items[0].urgent
    assert other.title not in r.content.decode()
    overdue_list = client.get(section.more_url)
    assert overdue_list.context["page"].paginator.count == 1

    assert sections(home(client, world.department_officer))["tasks"].count == 3


def test_a_principal_sees_every_unfinished_task_of_the_school(client, world):
    in_two_months = today() + timedelta(days=60)
    make_task(world, title="Tự kiểm tra", lead=world.school_a, deadline=in_two_months)
    make_task(world, title="Việc của xã", deadline=today() + timedelta(days=2))
    section = sections(home(client, world.principal))["tasks"]
    assert [i.label for i in section.items] == ["Tự kiểm tra"]
    assert sections(home(client, world.outsider))["tasks"].count == 0


# --- corrective actions and explanations --------------------------------------------------------


def test_overdue_corrective_actions_reach_the_inspecting_authority_and_the_school(client, world):
    action = overdue_action(world)
    url = reverse("inspections:detail", args=[action.inspection_id])
    for user in (world.inspector, world.department_officer, world.principal):
        section = sections(home(client, user))["actions"]
        assert section.count == 1 and section.items[0].url == url and section.items[0].urgent
    assert sections(home(client, world.commune_officer))["actions"].count == 0
    assert sections(home(client, world.outsider))["actions"].count == 0


def test_the_school_sees_the_questions_it_has_not_answered(client, world):
    complaint = file_complaint(world).complaint
    ExplanationRequest.objects.create(complaint=complaint, question="Giải trình việc thu tiền")
    ExplanationRequest.objects.create(
        complaint=complaint, question="Đã trả lời", answer="Xong", answered_at=timezone.now()
    )
    section = sections(home(client, world.principal))["explanations"]
    assert section.count == 1 and section.items[0].label == "Giải trình việc thu tiền"
    assert section.items[0].url == reverse("complaints:explanations")
    assert sections(home(client, world.outsider))["explanations"].count == 0


# --- bounded queries, English -------------------------------------------------------------------


def _fill(world, n: int, start: int):
    for k in range(start, start + n):
        finding(world, institution=world.school_a, unit=world.commune_a, code=f"q{k}")
        due_complaint(world, institution=world.school_a)
        make_task(world, title=f"Nhiệm vụ {k}", deadline=today())
        overdue_action(world, description=f"Khắc phục số {k}")
    hotspot(world.commune_a if start == 0 else world.commune_b)


def _queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("portal:home")).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["commune_officer", "department_officer", "principal"])
def test_the_home_page_reads_a_bounded_number_of_queries(client, world, persona):
    user = getattr(world, persona)
    _fill(world, 1, 0)
    few = _queries(client, user)
    _fill(world, 6, 1)
    many = _queries(client, user)
    assert many == few
    assert many <= 60


def test_the_worklist_speaks_english(client, world):
    due_complaint(world, institution=world.school_a)
    client.force_login(world.commune_officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("portal:home")).content.decode()
    assert "To do today" in page
    assert "Complaints due or overdue" in page and "overdue" in page
    assert "Việc cần làm hôm nay" not in page


def test_a_communes_own_inspection_actions_reach_its_officers_only(client, world):
    inspection = inspect(world, by=world.commune_officer, agency=world.committee_a, started=True)
    add_corrective_action(
        inspection=inspection,
        target=inspection.targets.first(),
        by=world.commune_officer,
        description="Niêm yết công khai danh sách lớp dạy thêm",
        owner=world.principal,
        deadline=today() - timedelta(days=1),
        today=today() - timedelta(days=5),
    )
    assert sections(home(client, world.commune_officer))["actions"].count == 1
    assert sections(home(client, world.commune_officer_b))["actions"].count == 0


def test_a_superuser_sees_every_authority_section(client, world):
    due_complaint(world, institution=world.school_b)
    r = home(client, world.superuser)
    keys = list(sections(r))
    assert keys == ["programs", "findings", "complaints", "hotspots", "tasks", "actions"]
    assert sections(r)["complaints"].count == 1
