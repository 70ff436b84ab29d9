"""The directives pages: lists, forms, the task page with its reports and review buttons."""

from datetime import date

from oversight.directives.models import Document, Task, TaskReport
from oversight.directives.services import submit_report
from oversight.directives.tests.helpers import make_document, make_task


def test_the_document_list_searches_without_accents(world, client):
    make_document(world, subject="Tăng cường quản lý dạy thêm")
    make_document(world, subject="Tuyển sinh lớp 10")
    client.force_login(world.department_officer)
    r = client.get("/manage/directives/documents/", {"q": "quan ly day"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "Tăng cường quản lý dạy thêm" in body and "Tuyển sinh" not in body


def test_the_department_records_a_document_through_the_form(world, client):
    client.force_login(world.department_officer)
    r = client.post(
        "/manage/directives/documents/new/",
        {
            "kind": "directive",
            "number": "05/CT-UBND",
            "issued_on": "2024-09-01",
            "issuer": world.department.pk,
            "subject": "Nhiệm vụ năm học",
        },
    )
    doc = Document.objects.get()
    assert r.status_code == 302 and r.url == f"/manage/directives/documents/{doc.pk}/"
    assert doc.issuing_body == world.department.name


def test_a_commune_officer_may_not_open_the_new_document_form(world, client):
    client.force_login(world.commune_officer)
    assert client.get("/manage/directives/documents/new/").status_code == 403
    r = client.post("/manage/directives/documents/new/", {"kind": "letter", "subject": "X"})
    assert r.status_code == 403 and not Document.objects.exists()


def test_a_task_form_with_an_unknown_unit_says_so_and_writes_nothing(world, client):
    doc = make_document(world)
    client.force_login(world.department_officer)
    r = client.post(
        f"/manage/directives/documents/{doc.pk}/tasks/new/",
        {"title": "Tổng hợp", "lead": "Phòng Không Có", "deadline": "2024-05-20"},
    )
    assert r.status_code == 400 and "Phòng Không Có" in r.content.decode()
    assert not Task.objects.exists()


def test_the_task_form_gives_a_task_to_all_communes(world, client):
    doc = make_document(world)
    client.force_login(world.department_officer)
    r = client.post(
        f"/manage/directives/documents/{doc.pk}/tasks/new/",
        {
            "section": "III.2",
            "title": "Tuyên truyền quy định",
            "lead": "Văn phòng Sở",
            "cooperating": "Thanh tra Sở\n",
            "expand": "all_communes",
            "deadline": "2024-05-20",
        },
    )
    task = Task.objects.get(parent=None)
    assert r.status_code == 302
    assert task.subtasks.count() == 2
    assert [a.name for a in task.cooperating_agencies.all()] == ["Thanh tra Sở"]


def test_a_commune_reports_from_the_task_page(world, client):
    task = make_task(world, lead=world.committee_a, deadline=date(2030, 1, 1))
    client.force_login(world.commune_officer)
    page = client.get(f"/manage/directives/tasks/{task.pk}/").content.decode()
    assert "Gửi báo cáo" in page
    r = client.post(
        f"/manage/directives/tasks/{task.pk}/reports/",
        {"text": "Đã họp triển khai", "percent": "50", "difficulties": "Thiếu cán bộ"},
    )
    assert r.status_code == 302
    report = TaskReport.objects.get()
    assert report.by_agency == world.committee_a and report.difficulties == "Thiếu cán bộ"


def test_a_bad_percentage_on_the_page_writes_nothing(world, client):
    task = make_task(world, lead=world.committee_a)
    client.force_login(world.commune_officer)
    r = client.post(f"/manage/directives/tasks/{task.pk}/reports/", {"text": "X", "percent": "120"})
    assert r.status_code == 400 and not TaskReport.objects.exists()


def test_outsiders_get_404_and_read_only_roles_403(world, client):
    task = make_task(world, lead=world.committee_a)
    client.force_login(world.outsider)
    assert client.get(f"/manage/directives/tasks/{task.pk}/").status_code == 404
    assert client.get(f"/manage/directives/documents/{task.document_id}/").status_code == 404
    client.force_login(world.city_viewer)
    assert client.get(f"/manage/directives/tasks/{task.pk}/").status_code == 200
    r = client.post(f"/manage/directives/tasks/{task.pk}/reports/", {"text": "X", "percent": "5"})
    assert r.status_code == 403 and not TaskReport.objects.exists()


def test_the_issuer_accepts_or_returns_reports_from_the_task_page(world, client):
    task = make_task(world, lead=world.committee_a)
    first = submit_report(by=world.commune_officer, task=task, text="A", percent=100)
    client.force_login(world.commune_officer)
    r = client.post(f"/manage/directives/reports/{first.pk}/accept/")
    assert r.status_code == 403
    client.force_login(world.department_officer)
    page = client.get(f"/manage/directives/tasks/{task.pk}/").content.decode()
    assert "Chấp nhận" in page and "Trả lại" in page
    client.post(f"/manage/directives/reports/{first.pk}/return/", {"reason": "Thiếu minh chứng"})
    first.refresh_from_db()
    task.refresh_from_db()
    assert first.review == "returned" and first.return_reason == "Thiếu minh chứng"
    assert task.percent == 0


def test_the_dashboard_lists_overdue_tasks_first_and_rates_per_unit(world, client):
    late = make_task(world, title="Việc quá hạn", lead=world.committee_a, deadline=date(2020, 1, 1))
    done = make_task(world, title="Việc đã xong", lead=world.committee_a, deadline=date(2030, 1, 1))
    submit_report(by=world.commune_officer, task=done, text="Xong", percent=100)
    client.force_login(world.department_officer)
    r = client.get("/manage/directives/")
    assert r.status_code == 200
    board = r.context["board"]
    assert board.overdue == [late]
    unit = next(u for u in board.units if u.name == world.committee_a.name)
    assert (unit.on_time, unit.overdue, unit.rate) == (1, 1, 50)
    client.force_login(world.commune_officer_b)
    assert client.get("/manage/directives/").context["board"].total == 0


def test_every_seed_document_and_its_tasks_render(seeded, client):
    client.force_login(seeded.department_officer)
    for doc in seeded.docs.values():
        r = client.get(f"/manage/directives/documents/{doc.pk}/")
        assert r.status_code == 200
        for task in doc.tasks.filter(parent=None):
            page = client.get(f"/manage/directives/tasks/{task.pk}/")
            assert page.status_code == 200 and task.title in page.content.decode()
    assert client.get("/manage/directives/tasks/", {"status": "overdue"}).status_code == 200


def test_the_dashboard_shows_the_on_time_rate_by_month_of_deadline(world, client):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    on_time = make_task(world, title="Đúng hạn", deadline=last_month + timedelta(days=9))
    submit_report(
        by=world.commune_officer,
        task=on_time,
        text="Xong",
        percent=100,
        today=last_month + timedelta(days=5),
    )
    make_task(world, title="Trễ", deadline=last_month + timedelta(days=19))
    client.force_login(world.department_officer)
    months = dict(client.get("/manage/directives/").context["board"].months)
    assert len(months) == 6
    assert (months[last_month].total, months[last_month].on_time, months[last_month].rate) == (
        2,
        1,
        50,
    )
    assert months[this_month].total == 0


def test_a_commune_sees_its_share_of_a_rolled_up_task_on_the_document_page(world, client):
    doc = make_document(world)
    own = make_task(world, doc, title="Việc riêng của xã", lead=world.committee_a)
    shared = make_task(
        world, doc, title="Việc chung", lead=world.department, cooperating=["all_communes"]
    )
    client.force_login(world.commune_officer)
    tasks = list(client.get(f"/manage/directives/documents/{doc.pk}/").context["tasks"])
    assert set(tasks) == {own, shared.subtasks.get(lead_agency=world.committee_a)}
    client.force_login(world.department_officer)
    tasks = list(client.get(f"/manage/directives/documents/{doc.pk}/").context["tasks"])
    assert set(tasks) == {own, shared}


def test_evidence_of_an_unknown_type_is_refused(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    task = make_task(world, lead=world.committee_a)
    client.force_login(world.commune_officer)
    r = client.post(
        f"/manage/directives/tasks/{task.pk}/reports/",
        {
            "text": "X",
            "percent": "10",
            "evidence": SimpleUploadedFile(
                "virus.exe", b"MZ", content_type="application/octet-stream"
            ),
        },
    )
    assert r.status_code == 400 and not TaskReport.objects.exists()
