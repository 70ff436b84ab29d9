"""Recording documents and tasks, reporting, reviewing, and the roll-up of sub-tasks."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from oversight.audit.models import AuditEvent
from oversight.directives.models import Document, Status, Task, TaskReport
from oversight.directives.services import (
    DirectiveError,
    create_document,
    create_task,
    review_report,
    submit_report,
)
from oversight.directives.tests.helpers import make_document, make_task
from oversight.registry.models import Institution
from oversight.testing import make_institution


def test_a_document_is_found_without_accents_and_with_d_for_đ(world):
    doc = make_document(world, subject="Tăng cường quản lý dạy thêm, học thêm")
    make_document(world, subject="Kế hoạch tuyển sinh")
    assert list(Document.objects.filter(search_text__contains="day them")) == [doc]
    assert doc.search_text.startswith("1/kh-sgddt")


def test_only_the_department_records_documents_and_nothing_is_written_otherwise(world):
    for user in (world.commune_officer, world.principal, world.city_viewer, world.inspector):
        with pytest.raises(PermissionDenied):
            create_document(
                by=user,
                kind="letter",
                number="9/UBND",
                issuing_body="UBND",
                subject="Thử",
            )
    assert not Document.objects.exists()


def test_a_document_without_a_subject_is_refused(world):
    with pytest.raises(DirectiveError):
        make_document(world, subject="  ")
    assert not Document.objects.exists()


def test_a_task_names_its_lead_and_cooperators_by_exact_name(world):
    doc = make_document(world)
    task = create_task(
        by=world.department_officer,
        document=doc,
        section="II.4",
        title="Tổng hợp báo cáo",
        lead="Văn phòng Sở",
        cooperating=["Thanh tra Sở", world.committee_b.pk],
        deadline=date(2024, 5, 20),
    )
    assert task.lead_agency.name == "Văn phòng Sở"
    assert {a.name for a in task.cooperating_agencies.all()} == {
        "Thanh tra Sở",
        world.committee_b.name,
    }
    assert AuditEvent.objects.filter(action="task.created", target_id=str(task.pk)).exists()


def test_an_unknown_unit_is_refused_by_name_and_nothing_is_written(world):
    doc = make_document(world)
    with pytest.raises(DirectiveError) as e:
        create_task(
            by=world.department_officer,
            document=doc,
            title="Tổng hợp",
            lead="Văn phòng Sở",
            cooperating=["Phòng Không Có"],
        )
    assert "Phòng Không Có" in e.value.message
    assert not Task.objects.exists()


def test_a_task_with_both_a_deadline_and_a_recurrence_is_refused(world):
    with pytest.raises(DirectiveError):
        make_task(world, recurrence="monthly", deadline=date(2024, 5, 1))
    assert not Task.objects.exists()


def test_all_schools_of_a_level_gives_one_subtask_per_school_rolled_up(world):
    other = make_institution(unit=world.commune_b, name="Trường Tiểu học An Thành")
    task = make_task(world, lead=world.department, cooperating=["all_schools:primary"])
    subs = {t.lead_institution: t for t in task.subtasks.all()}
    assert set(subs) == {world.school_a, other}
    submit_report(
        by=world.principal,
        task=subs[world.school_a],
        text="Xong",
        percent=100,
        today=date(2024, 5, 10),
    )
    task.refresh_from_db()
    assert task.percent == 50 and task.completed_on is None
    assert task.status_on(date(2024, 5, 11)) == Status.IN_PROGRESS
    # The commune reports for the schools it manages.
    submit_report(
        by=world.commune_officer_b,
        task=subs[other],
        text="Xong",
        percent=100,
        today=date(2024, 5, 22),
    )
    task.refresh_from_db()
    assert task.percent == 100 and task.completed_on == date(2024, 5, 22)
    assert task.status_on(date(2024, 6, 1)) == Status.DONE_LATE


def test_a_rolled_up_task_is_reported_on_through_its_subtasks(world):
    task = make_task(world, lead=world.department, cooperating=["all_communes"])
    with pytest.raises(DirectiveError) as e:
        submit_report(by=world.department_officer, task=task, text="Xong", percent=100)
    assert e.value.code == "rolled_up"
    assert not TaskReport.objects.exists()


def test_a_cooperators_contribution_does_not_move_the_progress(world):
    task = make_task(world, lead=world.committee_a, cooperating=[world.committee_b])
    report = submit_report(by=world.commune_officer_b, task=task, text="Đã phối hợp", percent=100)
    task.refresh_from_db()
    assert report.is_lead is False and report.by_agency == world.committee_b
    assert task.percent == 0


def test_a_commune_cannot_report_on_another_communes_task(world):
    task = make_task(world, lead=world.committee_a)
    with pytest.raises(PermissionDenied):
        submit_report(by=world.commune_officer_b, task=task, text="X", percent=10)
    with pytest.raises(PermissionDenied):
        submit_report(by=world.city_viewer, task=task, text="X", percent=10)
    assert not TaskReport.objects.exists()


@pytest.mark.parametrize("percent", [-1, 101, "50"])
def test_a_percentage_outside_0_to_100_is_refused(world, percent):
    task = make_task(world)
    with pytest.raises(DirectiveError):
        submit_report(by=world.commune_officer, task=task, text="X", percent=percent)
    assert not TaskReport.objects.exists()


def test_a_returned_report_needs_a_reason_and_stops_counting(world):
    task = make_task(world)
    report = submit_report(by=world.commune_officer, task=task, text="Xong", percent=100)
    with pytest.raises(DirectiveError):
        review_report(by=world.department_officer, report=report, accept=False, reason=" ")
    review_report(
        by=world.department_officer, report=report, accept=False, reason="Thiếu minh chứng"
    )
    task.refresh_from_db()
    report.refresh_from_db()
    assert report.review == TaskReport.Review.RETURNED and task.percent == 0
    with pytest.raises(DirectiveError) as e:
        review_report(by=world.department_officer, report=report, accept=True)
    assert e.value.status == 409


def test_only_the_issuer_reviews_reports(world):
    task = make_task(world)
    report = submit_report(by=world.commune_officer, task=task, text="Xong", percent=100)
    with pytest.raises(PermissionDenied):
        review_report(by=world.commune_officer, report=report, accept=True)
    review_report(by=world.department_officer, report=report, accept=True)
    report.refresh_from_db()
    assert report.review == TaskReport.Review.ACCEPTED


def test_upper_secondary_schools_include_the_multi_level_ones(world):
    multi = make_institution(
        unit=world.commune_b, name="Trường PT nhiều cấp", level=Institution.Level.MULTI_LEVEL
    )
    task = make_task(world, lead=world.department, cooperating=["all_schools:upper_secondary"])
    assert {t.lead_institution for t in task.subtasks.all()} == {world.high_a, multi}
