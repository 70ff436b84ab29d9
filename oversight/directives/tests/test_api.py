"""The directives API contract over HTTP."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from oversight.accounts.services import issue_token
from oversight.directives.models import Document, Task, TaskReport
from oversight.directives.tests.helpers import make_document, make_task


def _api(client, user):
    _, key = issue_token(user=user, name="test", by=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_the_department_records_a_document_and_finds_it_without_accents(world, client):
    api = _api(client, world.department_officer)
    r = _post(
        api,
        "/api/v1/documents",
        {
            "kind": "letter",
            "number": "2253/UBND-VX",
            "date": "2024-10-11",
            "issuing_body": "Ủy ban nhân dân thành phố Hải Phòng",
            "subject": "Tăng cường quản lý dạy thêm, học thêm",
            "signer_name": "Lê Khắc Nam",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"] == "2253/UBND-VX" and body["date"] == "2024-10-11"
    assert body["issuer"] == "Ủy ban nhân dân thành phố Hải Phòng"
    make_document(world, subject="Kế hoạch tuyển sinh")
    found = api.get("/api/v1/documents", {"q": "quan ly day them"}).json()
    assert [d["id"] for d in found["items"]] == [body["id"]]
    assert api.get(f"/api/v1/documents/{body['id']}").json()["subject"].startswith("Tăng")


def test_a_document_with_an_issuer_named_takes_its_name(world, client):
    api = _api(client, world.department_officer)
    r = _post(
        api,
        "/api/v1/documents",
        {"kind": "plan", "number": "12/KH-SGDĐT", "issuer": world.department.pk, "subject": "KH"},
    )
    assert r.status_code == 201, r.content
    assert r.json()["issuer"] == world.department.name
    assert r.json()["issuer_id"] == world.department.pk


def test_a_commune_officer_cannot_record_documents(world, client):
    r = _post(
        _api(client, world.commune_officer),
        "/api/v1/documents",
        {"kind": "letter", "number": "1/X", "issuing_body": "X", "subject": "X"},
    )
    assert r.status_code == 403
    assert not Document.objects.exists()


def test_tasks_are_given_with_units_by_name_or_id(world, client):
    doc = make_document(world)
    api = _api(client, world.department_officer)
    r = _post(
        api,
        f"/api/v1/documents/{doc.pk}/tasks",
        {
            "section": "II.4",
            "title": "Tổng hợp báo cáo",
            "lead": "Văn phòng Sở",
            "cooperating": [
                "Thanh tra Sở",
                world.committee_a.pk,
                f"institution:{world.school_a.pk}",
            ],
            "deadline": "2024-05-20",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["lead"] == "Văn phòng Sở" and body["deadline"] == "2024-05-20"
    assert set(body["cooperating"]) == {"Thanh tra Sở", world.committee_a.name, world.school_a.name}
    assert body["status"] == "overdue" and body["section"] == "II.4"


def test_an_unknown_unit_is_422_naming_it_and_nothing_is_written(world, client):
    doc = make_document(world)
    api = _api(client, world.department_officer)
    r = _post(
        api,
        f"/api/v1/documents/{doc.pk}/tasks",
        {"title": "X", "lead": "Phòng Ma", "cooperating": [], "deadline": "2024-05-20"},
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "unknown_unit"
    assert "Phòng Ma" in r.json()["error"]["message"]
    assert not Task.objects.exists()


def test_tasks_filter_by_document_unit_status_and_due_date(world, client):
    today = timezone.localdate()
    doc = make_document(world)
    late = make_task(
        world, doc, title="Quá hạn", lead=world.committee_a, deadline=today - timedelta(days=3)
    )
    soon = make_task(
        world, doc, title="Sắp đến hạn", lead=world.committee_b, deadline=today + timedelta(days=3)
    )
    other = make_task(
        world, title="Văn bản khác", lead=world.committee_a, deadline=today + timedelta(days=30)
    )
    api = _api(client, world.department_officer)

    def ids(**params):
        r = api.get("/api/v1/tasks", params)
        assert r.status_code == 200, r.content
        return [t["id"] for t in r.json()["items"]]

    assert ids(document=doc.pk) == [late.pk, soon.pk]  # overdue first
    assert ids(unit=world.committee_a.name) == [late.pk, other.pk]
    assert ids(status="overdue") == [late.pk]
    assert ids(due_before=str(today + timedelta(days=10))) == [late.pk, soon.pk]
    assert api.get("/api/v1/tasks", {"unit": "Không có"}).status_code == 422


def test_a_commune_sees_and_reports_only_on_its_own_tasks(world, client):
    mine = make_task(world, lead=world.committee_a)
    theirs = make_task(world, lead=world.committee_b)
    api = _api(client, world.commune_officer)
    listed = [t["id"] for t in api.get("/api/v1/tasks").json()["items"]]
    assert listed == [mine.pk]
    body = {"text": "Đã kiểm tra 5 trường", "percent": 60}
    r = _post(api, f"/api/v1/tasks/{mine.pk}/reports", body)
    assert r.status_code == 201, r.content
    assert r.json()["by"] == world.committee_a.name and r.json()["percent"] == 60
    r = _post(api, f"/api/v1/tasks/{theirs.pk}/reports", {"text": "X", "percent": 10})
    assert r.status_code == 404
    assert api.get(f"/api/v1/documents/{theirs.document_id}").status_code == 404
    assert TaskReport.objects.count() == 1


def test_a_city_viewer_reads_but_cannot_report(world, client):
    task = make_task(world, lead=world.committee_a)
    api = _api(client, world.city_viewer)
    assert api.get(f"/api/v1/tasks/{task.pk}").status_code == 200
    r = _post(api, f"/api/v1/tasks/{task.pk}/reports", {"text": "X", "percent": 10})
    assert r.status_code == 403
    assert not TaskReport.objects.exists()


@pytest.mark.parametrize("percent", [-5, 150])
def test_a_report_outside_0_to_100_is_refused(world, client, percent):
    task = make_task(world, lead=world.committee_a)
    r = _post(
        _api(client, world.commune_officer),
        f"/api/v1/tasks/{task.pk}/reports",
        {"text": "X", "percent": percent},
    )
    assert r.status_code == 422
    assert not TaskReport.objects.exists()


def test_a_principal_reports_on_the_schools_subtask(world, client):
    parent = make_task(
        world, lead=world.department, cooperating=["all_schools:primary"], deadline=date(2030, 1, 1)
    )
    sub = parent.subtasks.get(lead_institution=world.school_a)
    api = _api(client, world.principal)
    assert [t["id"] for t in api.get("/api/v1/tasks").json()["items"]] == [sub.pk]
    r = _post(api, f"/api/v1/tasks/{sub.pk}/reports", {"text": "Xong", "percent": 100})
    assert r.status_code == 201
    detail = _api(client, world.department_officer).get(f"/api/v1/tasks/{parent.pk}").json()
    assert detail["percent"] == 100 and detail["status"] == "done_on_time"
    assert detail["subtasks"] == 1 and detail["cooperating"] == ["all_schools:primary"]


def test_the_issuer_returns_a_report_through_the_api_with_a_reason(world, client):
    task = make_task(world, lead=world.committee_a)
    commune = _api(client, world.commune_officer)
    report_id = _post(
        commune, f"/api/v1/tasks/{task.pk}/reports", {"text": "Xong", "percent": 100}
    ).json()["id"]
    r = _post(commune, f"/api/v1/task-reports/{report_id}/review", {"accept": True})
    assert r.status_code == 403
    officer = _api(client, world.department_officer)
    listed = officer.get(f"/api/v1/tasks/{task.pk}/reports").json()
    assert [(x["id"], x["review"], x["by"]) for x in listed] == [
        (report_id, "pending", world.committee_a.name)
    ]
    r = _post(officer, f"/api/v1/task-reports/{report_id}/review", {"accept": False})
    assert r.status_code == 422  # a return needs its reason
    r = _post(
        officer,
        f"/api/v1/task-reports/{report_id}/review",
        {"accept": False, "reason": "Thiếu minh chứng"},
    )
    assert r.status_code == 200 and r.json()["review"] == "returned"
    task.refresh_from_db()
    assert task.percent == 0
    outsider = _api(client, world.outsider)
    assert (
        _post(outsider, f"/api/v1/task-reports/{report_id}/review", {"accept": True}).status_code
        == 404
    )


def test_filtering_tasks_by_a_document_one_cannot_see_is_404(world, client):
    task = make_task(world, lead=world.committee_b)
    r = _api(client, world.commune_officer).get("/api/v1/tasks", {"document": task.document_id})
    assert r.status_code == 404
