"""Facilities, partners, teachers' Form 03 reports and official timetables through the API."""

from oversight.accounts.services import issue_token
from oversight.audit.models import AuditEvent
from oversight.programs.models import OfficialTimetableSlot, TeacherReport


def call(client, method, user, url, body=None):
    _, key = issue_token(user=user, name="t", by=user)
    h = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if method == "get":
        return client.get(url, **h)
    return getattr(client, method)(url, body or {}, content_type="application/json", **h)


REPORT = {
    "subject": "toan",
    "facility_name": "Trung tâm Học Giỏi",
    "place": "Số 9 Lê Chân",
    "form": "in_person",
    "times": "Tối thứ 3 và thứ 5, 18:00–19:30",
    "relationship": "none",
    "starts_on": "2025-10-01",
}


def test_a_teacher_reports_outside_teaching_and_the_principal_acknowledges(client, world):
    r = call(client, "post", world.teacher_user, "/api/v1/teacher-reports", REPORT)
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert r.json()["subject"] == "Toán" and r.json()["acknowledged_at"] is None
    mine = call(client, "get", world.teacher_user, "/api/v1/teacher-reports").json()
    assert [i["id"] for i in mine["items"]] == [rid]
    assert call(client, "get", world.outsider, "/api/v1/teacher-reports").json()["count"] == 0
    assert (
        call(
            client, "post", world.teacher_user, f"/api/v1/teacher-reports/{rid}/acknowledge"
        ).status_code
        == 403
    )
    assert (
        call(
            client, "post", world.outsider, f"/api/v1/teacher-reports/{rid}/acknowledge"
        ).status_code
        == 404
    )
    r = call(client, "post", world.principal, f"/api/v1/teacher-reports/{rid}/acknowledge")
    assert r.status_code == 200 and r.json()["acknowledged_at"]
    assert (
        call(
            client, "post", world.principal, f"/api/v1/teacher-reports/{rid}/acknowledge"
        ).status_code
        == 409
    )
    assert AuditEvent.objects.filter(action="teacher_report.acknowledged").count() == 1


def test_only_teachers_file_form_03_and_bad_fields_are_named(client, world):
    assert (
        call(client, "post", world.principal, "/api/v1/teacher-reports", REPORT).status_code == 403
    )
    r = call(
        client,
        "post",
        world.teacher_user,
        "/api/v1/teacher-reports",
        {**REPORT, "place": " ", "times": ""},
    )
    assert r.status_code == 422 and "place" in r.json()["error"]["message"]
    assert not TeacherReport.objects.exists()


def test_the_school_records_its_official_timetable(client, world):
    url = f"/api/v1/institutions/{world.school_a.pk}/timetable"
    body = {
        "school_year": "2025-2026",
        "slots": [
            {"weekday": 1, "start": "07:15", "end": "11:00"},
            {"weekday": 1, "start": "13:45", "end": "16:30"},
        ],
    }
    r = call(client, "put", world.principal, url, body)
    assert r.status_code == 200 and len(r.json()["slots"]) == 2
    assert call(client, "get", world.commune_officer, url).json()["slots"][0] == {
        "weekday": 1,
        "start": "07:15",
        "end": "11:00",
    }
    overlapping = {
        "school_year": "2025-2026",
        "slots": [
            {"weekday": 2, "start": "07:00", "end": "11:00"},
            {"weekday": 2, "start": "10:00", "end": "12:00"},
        ],
    }
    assert call(client, "put", world.principal, url, overlapping).status_code == 422
    assert call(client, "put", world.teacher_user, url, body).status_code == 403
    assert call(client, "put", world.outsider, url, body).status_code == 404
    assert OfficialTimetableSlot.objects.count() == 2


def test_facilities_and_partners(client, world):
    body = {
        "name": "Trung tâm Học Giỏi",
        "unit_id": world.commune_a.pk,
        "address": "Số 9 Lê Chân",
        "representative": "Lê Văn Sáu",
        "registration_number": "0209999999",
    }
    assert (
        call(client, "post", world.commune_officer_b, "/api/v1/facilities", body).status_code == 403
    )
    r = call(client, "post", world.commune_officer, "/api/v1/facilities", body)
    assert r.status_code == 201 and r.json()["unit_id"] == world.commune_a.pk
    found = call(client, "get", world.principal, "/api/v1/facilities?q=hoc gioi").json()
    assert found["count"] == 1
    r = call(client, "post", world.principal, "/api/v1/partners", {"name": "Công ty STEM Việt"})
    assert r.status_code == 201
    assert call(client, "get", world.principal, "/api/v1/partners?q=stem viet").json()["count"] == 1
    assert (
        call(client, "post", world.guardian_user, "/api/v1/partners", {"name": "X"}).status_code
        == 403
    )
    assert (
        call(client, "post", world.principal, "/api/v1/partners", {"name": " "}).status_code == 422
    )


def test_groups_of_an_in_school_plan_and_student_eligibility(client, world):
    from oversight.testing import make_program

    p = make_program(
        institution=world.school_a, by=world.principal, kind="in_school_tutoring", fee_amount=0
    )
    url = f"/api/v1/programs/{p.pk}/groups"
    r = call(
        client,
        "post",
        world.principal,
        url,
        {"name": "Toán 5A", "grade": 5, "teacher_id": world.teacher.pk},
    )
    assert r.status_code == 201, r.content
    gid = r.json()["id"]
    r = call(
        client,
        "post",
        world.principal,
        f"{url}/{gid}/students",
        {"student_id": world.student_a1.pk, "basis": "not_yet_achieved"},
    )
    assert r.status_code == 200 and r.json()["students"] == 1
    r = call(
        client,
        "post",
        world.principal,
        f"{url}/{gid}/students",
        {"student_id": world.student_b.pk, "basis": "gifted"},
    )
    assert r.status_code == 404  # another school's student does not exist here
    assert call(client, "post", world.principal, url, {"name": "X", "grade": 9}).status_code == 422
    assert (
        call(client, "post", world.teacher_user, url, {"name": "Y", "grade": 5}).status_code == 403
    )
