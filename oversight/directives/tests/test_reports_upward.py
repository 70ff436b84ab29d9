"""The monthly meeting agenda and the execution report to the superior, read back from DOCX."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from oversight.audit.models import AuditEvent
from oversight.directives.docx import docx_text
from oversight.directives.models import ExecutionReport, Task
from oversight.directives.services import (
    DirectiveError,
    draft_execution_report,
    execution_report_docx,
    send_execution_report,
    submit_report,
    update_execution_report,
)


def _plan_task(seeded, section, title_start):
    return Task.objects.get(
        document=seeded.docs["plan_39"],
        parent=None,
        section=section,
        title__startswith=title_start,
    )


@pytest.fixture
def reported(seeded):
    """Two divisions have reported on the plan in April 2024; a school too."""
    from oversight.testing import make_user

    officer = seeded.department_officer
    inspection = _plan_task(seeded, "III.1.5", "Thanh tra")
    submit_report(
        by=officer,
        task=inspection,
        text="Đã kiểm tra 12 trường, xử lý 2 vi phạm.",
        percent=100,
        difficulties="Thiếu thanh tra viên.",
        proposals="Bổ sung biên chế thanh tra.",
        today=date(2024, 4, 15),
    )
    staff = _plan_task(seeded, "III.1.1", "Kế hoạch bổ sung")
    submit_report(
        by=officer,
        task=staff,
        text="Đã trình kế hoạch tuyển dụng.",
        percent=50,
        today=date(2024, 4, 20),
    )
    schools = _plan_task(seeded, "III.3", "Các trường THPT")
    principal = make_user(role="principal", scope=seeded.high_a)
    submit_report(
        by=principal,
        task=schools.subtasks.get(),
        text="Đã quán triệt toàn trường.",
        percent=100,
        today=date(2024, 4, 25),
    )
    return seeded


def test_the_report_to_the_city_is_written_from_the_task_reports(reported):
    plan = reported.docs["plan_39"]
    report = draft_execution_report(
        by=reported.department_officer, document=plan, today=date(2024, 5, 28)
    )
    assert report.addressee == "Ủy ban nhân dân thành phố Hải Phòng"
    assert "Đã kiểm tra 12 trường, xử lý 2 vi phạm." in report.body
    assert "Thanh tra Sở: Thiếu thanh tra viên." in report.body
    assert "Thanh tra Sở: Bổ sung biên chế thanh tra." in report.body
    assert "1/1 đơn vị đã hoàn thành" in report.body


def test_the_docx_has_the_official_layout(reported):
    plan = reported.docs["plan_39"]
    report = draft_execution_report(
        by=reported.department_officer, document=plan, today=date(2024, 5, 28)
    )
    update_execution_report(
        by=reported.department_officer,
        report=report,
        number="215/BC-SGDĐT",
        signer_name="Bùi Văn Kiệm",
    )
    report.refresh_from_db()
    text = docx_text(execution_report_docx(report))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 215/BC-SGDĐT",
        "Hải Phòng, ngày 28 tháng 05 năm 2024",
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO HẢI PHÒNG",
        "BÁO CÁO",
        "Kính gửi: Ủy ban nhân dân thành phố Hải Phòng",
        "Đã kiểm tra 12 trường, xử lý 2 vi phạm.",
        "Nơi nhận:",
        "- Lưu: VT.",
        "GIÁM ĐỐC",
        "Bùi Văn Kiệm",
    ):
        assert expected in text, expected


def test_a_sent_report_is_recorded_once_and_no_longer_edited(reported):
    plan = reported.docs["plan_39"]
    officer = reported.department_officer
    report = draft_execution_report(by=officer, document=plan, today=date(2024, 5, 28))
    send_execution_report(by=officer, report=report)
    report.refresh_from_db()
    assert report.state == ExecutionReport.State.SENT and report.sent_by == officer
    assert AuditEvent.objects.filter(action="execution_report.sent").count() == 1
    with pytest.raises(DirectiveError):
        send_execution_report(by=officer, report=report)
    with pytest.raises(DirectiveError):
        update_execution_report(by=officer, report=report, subject="Khác")
    report.refresh_from_db()
    assert report.subject.startswith("Báo cáo kết quả")


def test_only_the_department_drafts_and_sends(reported, client):
    plan = reported.docs["plan_39"]
    with pytest.raises(PermissionDenied):
        draft_execution_report(by=reported.commune_officer, document=plan)
    report = draft_execution_report(by=reported.department_officer, document=plan)
    client.force_login(reported.commune_officer)
    url = f"/manage/directives/execution-reports/{report.pk}/"
    assert client.get(url).status_code == 404
    client.force_login(reported.city_viewer)
    assert client.get(url).status_code == 200
    assert client.post(url + "send/").status_code == 403
    report.refresh_from_db()
    assert report.state == ExecutionReport.State.DRAFT


def test_the_report_is_edited_on_its_page_and_downloaded(reported, client):
    plan = reported.docs["plan_39"]
    client.force_login(reported.department_officer)
    r = client.post(f"/manage/directives/documents/{plan.pk}/reports/new/")
    report = ExecutionReport.objects.get()
    assert r.status_code == 302
    url = f"/manage/directives/execution-reports/{report.pk}/"
    data = {
        "number": "99/BC-SGDĐT",
        "place": "Hải Phòng",
        "dated": "2024-05-29",
        "addressee": "UBND thành phố",
        "subject": "Báo cáo kết quả",
        "body": "Nội dung đã sửa",
        "recipients": "- Như trên;",
        "signer_title": "GIÁM ĐỐC",
        "signer_name": "Bùi Văn Kiệm",
    }
    assert client.post(url, data).status_code == 302
    response = client.get(url + "docx/")
    assert response["Content-Type"].endswith("wordprocessingml.document")
    text = docx_text(response.content)
    assert "Nội dung đã sửa" in text and "Số: 99/BC-SGDĐT" in text
    assert "Hải Phòng, ngày 29 tháng 05 năm 2024" in text


def test_the_monthly_agenda_lists_each_units_tasks_and_the_months_reports(reported, client):
    client.force_login(reported.department_officer)
    plan = reported.docs["plan_39"]
    r = client.get(f"/manage/directives/documents/{plan.pk}/agenda/", {"month": "2024-04"})
    units = {u.name: u for u in r.context["units"]}
    inspection = units["Thanh tra Sở"].rows
    assert [(t.section, label) for t, label, _ in inspection][0] == (
        "III.1.5",
        "Hoàn thành đúng hạn",
    )
    assert [rep.text for rep in inspection[0][2]] == ["Đã kiểm tra 12 trường, xử lý 2 vi phạm."]
    # The school's report reaches the agenda through its task's roll-up.
    schools = [row for row in units[reported.department.name].rows if row[0].section == "III.3"]
    assert [rep.text for rep in schools[0][2]] == ["Đã quán triệt toàn trường."]
    may = client.get(f"/manage/directives/documents/{plan.pk}/agenda/", {"month": "2024-05"})
    assert all(not reps for u in may.context["units"] for _, _, reps in u.rows)
    docx = client.get(
        f"/manage/directives/documents/{plan.pk}/agenda/", {"month": "2024-04", "format": "docx"}
    )
    text = docx_text(docx.content)
    assert "CHƯƠNG TRÌNH HỌP GIAO BAN TIẾN ĐỘ THÁNG 04/2024" in text
    assert "Thanh tra Sở" in text and "Đã kiểm tra 12 trường" in text
