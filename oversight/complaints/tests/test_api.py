"""The complaints API over HTTP: the public contract, scoping, and no identity leaks."""

from __future__ import annotations

import pytest

from oversight.accounts.services import issue_token
from oversight.complaints.models import Complaint
from oversight.complaints.tests.helpers import TEXT

pytestmark = pytest.mark.django_db


def call(client, method, user, url, body=None):
    _, key = issue_token(user=user, name="t", by=user)
    h = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if method == "get":
        return client.get(url, **h)
    return getattr(client, method)(url, body or {}, content_type="application/json", **h)


def post_public(client, body, **headers):
    return client.post(
        "/api/v1/public/complaints", body, content_type="application/json", **headers
    )


def named(world, **kw):
    body = {
        "institution_id": world.school_a.pk,
        "category": "fees",
        "description": TEXT,
        "anonymous": False,
        "name": "Lê Thị Mai",
        "phone": "0912345678",
    }
    body.update(kw)
    return body


def test_anyone_files_a_complaint_and_gets_a_code_and_a_secret(client, world):
    r = post_public(client, named(world))
    assert r.status_code == 201, r.content
    assert set(r.json()) == {"tracking_code", "secret"}
    c = Complaint.objects.get()
    assert c.tracking_code == r.json()["tracking_code"] and c.source == "web"


def test_the_reporter_tracks_the_case_with_the_secret_and_sees_no_internal_notes(client, world):
    filed = post_public(client, named(world)).json()
    c = Complaint.objects.get()
    call(client, "post", world.commune_officer, f"/api/v1/complaints/{c.pk}/accept")
    call(
        client,
        "post",
        world.commune_officer,
        f"/api/v1/complaints/{c.pk}/replies",
        {"body": "Phường đã tiếp nhận và sẽ làm việc với trường.", "public": True},
    )
    call(
        client,
        "post",
        world.commune_officer,
        f"/api/v1/complaints/{c.pk}/replies",
        {"body": "Ghi chú nội bộ: gọi hiệu phó.", "public": False},
    )
    client.logout()
    r = client.get(
        f"/api/v1/public/complaints/{filed['tracking_code']}",
        HTTP_X_COMPLAINT_SECRET=filed["secret"],
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "accepted"
    assert [x["body"] for x in body["replies"]] == [
        "Phường đã tiếp nhận và sẽ làm việc với trường."
    ]
    assert "nội bộ" not in r.content.decode()
    assert "0912345678" not in r.content.decode() and "Mai" not in r.content.decode()


def test_a_wrong_secret_or_code_is_404(client, world):
    filed = post_public(client, named(world)).json()
    url = f"/api/v1/public/complaints/{filed['tracking_code']}"
    assert client.get(url, HTTP_X_COMPLAINT_SECRET="AAAAAAAAAAAA").status_code == 404
    assert client.get(url).status_code == 404
    r = client.get("/api/v1/public/complaints/ZZZZZZZZ", HTTP_X_COMPLAINT_SECRET=filed["secret"])
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_bad_input_is_422_and_writes_nothing(client, world):
    r = post_public(client, named(world, category="gossip"))
    assert r.status_code == 422
    r = post_public(client, named(world, phone=""))
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid"
    r = post_public(client, named(world, institution_id=999999))
    assert r.status_code == 422
    assert not Complaint.objects.exists()


def test_the_honeypot_is_refused(client, world):
    r = post_public(client, named(world, website="http://spam.example"))
    assert r.status_code == 400
    assert not Complaint.objects.exists()


def test_the_public_intake_is_rate_limited_per_network(client, world, settings):
    settings.COMPLAINT_PER_ORIGIN = 2
    for i in range(2):
        body = named(world, anonymous=True, description=f"{TEXT} {'khác ' * i * 5}")
        assert post_public(client, body, REMOTE_ADDR="203.0.113.5").status_code == 201
    r = post_public(client, named(world, anonymous=True), REMOTE_ADDR="203.0.113.5")
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_requests"
    r = post_public(client, named(world, anonymous=True), REMOTE_ADDR="198.51.100.5")
    assert r.status_code == 201


def test_staff_lists_are_scoped_and_never_carry_the_reporter(client, world):
    post_public(client, named(world))
    post_public(client, named(world, institution_id=world.school_b.pk))
    mine = call(client, "get", world.commune_officer, "/api/v1/complaints")
    assert mine.status_code == 200
    assert [i["institution"]["id"] for i in mine.json()["items"]] == [world.school_a.pk]
    text = mine.content.decode()
    assert "0912345678" not in text and "Lê Thị Mai" not in text
    everything = call(client, "get", world.department_officer, "/api/v1/complaints").json()
    assert everything["count"] == 2
    c = Complaint.objects.get(institution=world.school_a)
    detail = call(client, "get", world.commune_officer, f"/api/v1/complaints/{c.pk}")
    assert "0912345678" not in detail.content.decode()


@pytest.mark.parametrize("persona", ["principal", "teacher_user", "school_staff", "guardian_user"])
def test_school_accounts_see_no_complaint_through_the_api(client, world, persona):
    post_public(client, named(world))
    c = Complaint.objects.get()
    user = getattr(world, persona)
    assert call(client, "get", user, "/api/v1/complaints").json()["count"] == 0
    assert call(client, "get", user, f"/api/v1/complaints/{c.pk}").status_code == 404
    assert call(client, "post", user, f"/api/v1/complaints/{c.pk}/accept").status_code == 404


def test_a_reader_who_does_not_handle_the_case_gets_403(client, world):
    post_public(client, named(world))
    c = Complaint.objects.get()
    r = call(client, "post", world.department_officer, f"/api/v1/complaints/{c.pk}/accept")
    assert r.status_code == 403
    c.refresh_from_db()
    assert c.status == "received"


def test_accept_verify_conclude_through_the_api(client, world):
    post_public(client, named(world))
    c = Complaint.objects.get()
    base = f"/api/v1/complaints/{c.pk}"
    officer = world.commune_officer
    assert call(client, "post", officer, f"{base}/accept").json()["status"] == "accepted"
    assert call(client, "post", officer, f"{base}/accept").status_code == 409
    assert call(client, "post", officer, f"{base}/verify").json()["status"] == "verifying"
    r = call(
        client,
        "post",
        officer,
        f"{base}/conclude",
        {"outcome": "substantiated", "conclusion": "Trường thu tiền trước, đã yêu cầu hoàn trả."},
    )
    assert r.status_code == 200 and r.json()["outcome"] == "substantiated"
    assert call(client, "post", officer, f"{base}/close").json()["status"] == "closed"


def test_staff_log_a_press_complaint_with_its_source(client, world):
    r = call(
        client,
        "post",
        world.department_officer,
        "/api/v1/complaints",
        {
            "institution_id": world.high_a.pk,
            "category": "linkage_in_official_hours",
            "description": TEXT,
            "anonymous": True,
            "source": "press",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["source"] == "press"
    assert r.json()["handling_agency"]["id"] == world.department.pk
    r = call(
        client,
        "post",
        world.principal,
        "/api/v1/complaints",
        {
            "institution_id": world.school_a.pk,
            "category": "fees",
            "description": TEXT,
            "anonymous": True,
            "source": "hotline",
        },
    )
    assert r.status_code == 403


def test_hotspots_are_listed_in_scope(client, world):
    from oversight.complaints.models import Hotspot

    Hotspot.objects.create(
        scope="institution",
        institution=world.school_a,
        unit=world.commune_a,
        state="active",
        weight=9,
        baseline=0,
        city_average=0.5,
        reasons=["x"],
    )
    assert call(client, "get", world.commune_officer, "/api/v1/hotspots").json()["count"] == 1
    assert call(client, "get", world.commune_officer_b, "/api/v1/hotspots").json()["count"] == 0
    assert call(client, "get", world.principal, "/api/v1/hotspots").json()["count"] == 0
    assert client.get("/api/v1/hotspots").status_code == 401


def test_a_resubmission_tracks_the_case_it_joined(client, world):
    first = post_public(client, named(world)).json()
    again = post_public(client, named(world, description=TEXT + " Gửi lại.")).json()
    c = Complaint.objects.get(tracking_code=first["tracking_code"])
    call(client, "post", world.commune_officer, f"/api/v1/complaints/{c.pk}/accept")
    r = client.get(
        f"/api/v1/public/complaints/{again['tracking_code']}",
        HTTP_X_COMPLAINT_SECRET=again["secret"],
    )
    assert r.json()["linked_to_earlier"] is True and r.json()["status"] == "accepted"
    listed = call(client, "get", world.commune_officer, "/api/v1/complaints").json()
    assert listed["count"] == 1  # the resubmission is shown under its case, not as a new one
