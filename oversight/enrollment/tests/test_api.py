"""The consent API contract, through every door that reaches it."""

import pytest

from oversight.accounts.services import issue_token
from oversight.enrollment.models import ConsentEntry
from oversight.enrollment.tests.helpers import approved_program, decide, grant
from oversight.testing import make_guardian, make_user


def _client(client, user):
    _, key = issue_token(user=user, name="test", by=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def _post(client, program, **body):
    return client.post(
        f"/api/v1/programs/{program.pk}/consents", body, content_type="application/json"
    )


def test_a_guardian_registers_their_child_and_gets_a_receipt(world, client):
    program = approved_program(world)
    api = _client(client, world.guardian_user)
    r = _post(api, program, student_id=world.student_a1.pk, decision="granted")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["decision"] == "granted" and body["channel"] == "portal"
    assert body["staff_entered"] is False and body["disclosure_version"] == 1
    assert body["receipt_url"] == f"/receipts/{body['receipt_code']}/"
    entry = ConsentEntry.objects.get(receipt_code=body["receipt_code"])
    assert entry.student == world.student_a1


def test_not_the_guardian_of_that_student_is_404_and_nothing_is_written(world, client):
    program = approved_program(world)
    api = _client(client, world.guardian_user)
    r = _post(api, program, student_id=world.student_a2.pk, decision="granted")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    principal = _client(client, world.principal)
    r = _post(principal, program, student_id=world.student_a1.pk, decision="granted")
    assert r.status_code == 404
    assert not ConsentEntry.objects.exists()


def test_refusals_carry_a_status_a_stable_code_and_a_vietnamese_message(world, client):
    program = approved_program(world, grades=[4])
    api = _client(client, world.guardian_user)
    r = _post(api, program, student_id=world.student_a1.pk, decision="granted")
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "not_eligible" and "khối" in r.json()["error"]["message"]
    r = _post(api, program, student_id=world.student_a1.pk, decision="withdrawn")
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    r = _post(api, program, student_id=world.student_a1.pk, decision="maybe")
    assert r.status_code == 422
    assert not ConsentEntry.objects.exists()


def test_staff_record_a_paper_decision_and_teachers_cannot(world, client):
    program = approved_program(world)
    staff = _client(client, world.school_staff)
    r = _post(staff, program, student_id=world.student_a1.pk, decision="declined", channel="staff")
    assert r.status_code == 201 and r.json()["staff_entered"] is True
    teacher = _client(client, world.teacher_user)
    r = _post(teacher, program, student_id=world.student_a1.pk, decision="granted", channel="paper")
    assert r.status_code == 403


def test_me_children_lists_only_the_guardians_own(world, client):
    api = _client(client, world.guardian_user)
    r = api.get("/api/v1/me/children")
    assert r.status_code == 200
    assert r.json() == [
        {
            "id": world.student_a1.pk,
            "name": "Vũ Gia Bảo",
            "institution_id": world.school_a.pk,
            "institution": world.school_a.name,
            "grade": 5,
            "class_name": "5A1",
        }
    ]
    assert _client(client, world.principal).get("/api/v1/me/children").json() == []


def test_student_consents_for_the_guardian_and_the_school_only(world, client):
    program = approved_program(world)
    grant(world, program)
    decide(world, program, "withdrawn")
    r = _client(client, world.guardian_user).get(f"/api/v1/students/{world.student_a1.pk}/consents")
    assert [e["decision"] for e in r.json()] == ["withdrawn", "granted"]
    r = _client(client, world.principal).get(f"/api/v1/students/{world.student_a1.pk}/consents")
    assert r.status_code == 200
    r = _client(client, world.outsider).get(f"/api/v1/students/{world.student_a1.pk}/consents")
    assert r.status_code == 404
    r = _client(client, world.partner).get(f"/api/v1/students/{world.student_a1.pk}/consents")
    assert r.status_code == 403


def test_the_roster_hides_who_declined_from_teachers_and_partners(world, client):
    program = approved_program(world)
    grant(world, program)
    parent_b = make_user(username="ph_b", role="guardian", scope=world.school_a)
    make_guardian(student=world.student_a2, user=parent_b)
    decide(world, program, "declined", student=world.student_a2, by=parent_b)
    url = f"/api/v1/programs/{program.pk}/enrollments"
    body = _client(client, world.principal).get(url).json()
    assert [i["student_id"] for i in body["items"]] == [world.student_a1.pk]
    assert [d["student_id"] for d in body["declined"]] == [world.student_a2.pk]
    assert body["active"] == 1 and body["capacity"] == 30
    for user in (world.partner, world.teacher_user):
        body = _client(client, user).get(url).json()
        assert body["declined"] is None
        assert world.student_a2.full_name not in str(body)
    assert _client(client, world.guardian_user).get(url).status_code == 403
    assert _client(client, world.commune_officer).get(url).json()["declined"]


@pytest.mark.parametrize("with_dash", [False, True])
def test_public_receipt_check_without_personal_data(world, client, with_dash):
    program = approved_program(world)
    entry = grant(world, program)
    code = f"{entry.receipt_code[:5]}-{entry.receipt_code[5:]}" if with_dash else entry.receipt_code
    r = client.get(f"/api/v1/public/receipts/{code}")
    assert r.status_code == 200
    body = r.json()
    assert body["valid"] is True and body["decision"] == "granted"
    assert body["program_id"] == program.pk and body["still_current"] is True
    text = str(body)
    for secret in (
        world.student_a1.full_name,
        world.guardian.full_name,
        world.guardian.phone,
        world.student_a1.code,
    ):
        assert secret not in text
    decide(world, program, "withdrawn")
    assert client.get(f"/api/v1/public/receipts/{code}").json()["still_current"] is False


def test_an_unknown_receipt_is_not_valid(world, client):
    r = client.get("/api/v1/public/receipts/ZZZZZZZZZZ")
    assert r.status_code == 200 and r.json() == {
        "valid": False,
        "code": "ZZZZZZZZZZ",
        "decision": None,
        "decision_label": None,
        "program_id": None,
        "program": None,
        "institution": None,
        "decided_at": None,
        "disclosure_version": None,
        "staff_entered": None,
        "still_current": None,
    }
