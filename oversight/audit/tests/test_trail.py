from django.urls import reverse

from oversight.audit.models import AuditEvent
from oversight.audit.services import record_event
from oversight.registry.services import update_institution


def test_a_service_write_records_who_what_and_from_where(client, world):
    client.force_login(world.inspector)
    # A page read of children's data goes through the same writer, with the request's origin.
    client.get(
        reverse("registry:student", args=[world.student_a1.pk]),
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Thu-nghiem/1.0",
    )
    event = AuditEvent.objects.get(action="student.viewed")
    assert event.actor == world.inspector
    assert event.target_type == "registry.student" and event.target_id == str(world.student_a1.pk)
    assert event.ip_address == "203.0.113.7" and event.user_agent == "Thu-nghiem/1.0"
    assert event.via == "web"


def test_events_outside_a_request_are_marked_system(world):
    event = record_event(actor=None, action="test.done", target=world.school_a)
    assert event.via == "system" and event.ip_address is None and event.actor is None


def test_an_official_reads_the_trail_of_a_school(client, world):
    update_institution(institution=world.school_a, by=world.principal, address="Số 1 Đằng Hải")
    client.force_login(world.department_officer)
    r = client.get(reverse("audit:trail", args=["institution", world.school_a.pk]))
    assert r.status_code == 200
    body = r.content.decode()
    assert "institution.updated" in body and str(world.principal) in body


def test_the_trail_of_another_kind_of_object_is_404(client, world):
    client.force_login(world.department_admin)
    assert client.get(f"/audit/user/{world.principal.pk}/").status_code == 404


def test_the_trail_of_a_student_is_for_officials_only(client, world):
    url = reverse("audit:trail", args=["student", world.student_a1.pk])
    client.force_login(world.principal)
    assert client.get(url).status_code == 403
    client.force_login(world.inspector)
    assert client.get(url).status_code == 200
