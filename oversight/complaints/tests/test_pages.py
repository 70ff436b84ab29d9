"""The public form, the tracking page, the figures, and the staff pages."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.audit.models import AuditEvent
from oversight.complaints import services as s
from oversight.complaints.models import Complaint, Hotspot
from oversight.complaints.tests.helpers import TEXT, file_complaint, jpeg_with_gps

pytestmark = pytest.mark.django_db


def form_data(**kw):
    data = {
        "category": "coerced_to_join",
        "description": TEXT,
        "anonymous": "yes",
        "name": "",
        "phone": "",
        "website": "",
        "program": "",
    }
    data.update(kw)
    return data


def test_the_school_is_found_by_typing_without_accents(client, world):
    r = client.get("/complaints/", {"q": "dang hai"})
    assert r.status_code == 200
    assert world.school_a.name in r.content.decode()
    assert world.school_b.name not in r.content.decode()


def test_an_anonymous_parent_files_and_sees_the_code_and_secret_once(client, world):
    r = client.post(f"/complaints/?school={world.school_a.pk}", form_data())
    assert r.status_code == 302 and r["Location"] == "/complaints/filed/"
    page = client.get("/complaints/filed/").content.decode()
    c = Complaint.objects.get()
    assert c.display_code in page
    secret = re.search(r"data-secret>(\w+)<", page).group(1)
    assert s.secret_matches(c, secret)
    assert client.get("/complaints/filed/").status_code == 302  # shown once


def test_the_form_with_an_upload_strips_the_photo_location(client, world):
    data = form_data(attachments=[jpeg_with_gps()])
    r = client.post(f"/complaints/?school={world.school_a.pk}", data)
    assert r.status_code == 302
    assert b"Exif" not in Complaint.objects.get().attachments.get().file.read()


def test_a_renamed_executable_is_refused_on_the_form(client, world):
    exe = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00" + b"\x00" * 100)
    r = client.post(f"/complaints/?school={world.school_a.pk}", form_data(attachments=[exe]))
    assert r.status_code == 400
    assert "Chỉ nhận ảnh" in r.content.decode()
    assert not Complaint.objects.exists()


def test_the_honeypot_on_the_form_writes_nothing(client, world):
    r = client.post(
        f"/complaints/?school={world.school_a.pk}", form_data(website="http://x.example")
    )
    assert r.status_code == 400
    assert not Complaint.objects.exists()


def test_the_tracking_page_needs_the_secret_and_hides_internal_notes(client, world):
    sub = file_complaint(world, anonymous=False, name="Lê Thị Mai", phone="0912345678")
    c = s.accept_complaint(complaint=sub.complaint, by=world.commune_officer)
    s.reply_to_complaint(complaint=c, by=world.commune_officer, body="Đã làm việc.", public=True)
    s.reply_to_complaint(complaint=c, by=world.commune_officer, body="Nội bộ ABC.", public=False)
    r = client.post("/complaints/track/", {"code": c.display_code, "secret": "AAAAAAAAAAAA"})
    assert "Không tìm thấy" in r.content.decode()
    r = client.post("/complaints/track/", {"code": c.display_code.lower(), "secret": sub.secret})
    page = r.content.decode()
    assert "Đã làm việc." in page and "Nội bộ ABC." not in page
    assert "0912345678" not in page and "Lê Thị Mai" not in page


def test_the_reporter_adds_information_on_the_tracking_page(client, world):
    sub = file_complaint(world)
    r = client.post(
        "/complaints/track/add/",
        {"code": sub.complaint.tracking_code, "secret": sub.secret, "body": "Thêm: lớp 5A2 nữa."},
    )
    assert r.status_code == 200 and "Thêm: lớp 5A2 nữa." in r.content.decode()


def test_the_figures_suppress_small_counts(client, world):
    for i in range(6):
        file_complaint(world, category="fees", description=f"{TEXT} số {i} " + "x" * i * 9)
    file_complaint(world, category="retaliation")
    r = client.get("/complaints/figures/")
    assert r.status_code == 200
    from oversight.complaints.selectors import public_figures

    f = public_figures()
    fees = next(row for row in f["by_category"] if row["label"].startswith("Thu tiền"))
    retaliation = next(row for row in f["by_category"] if row["label"].startswith("Trù dập"))
    assert fees["cells"][-1] == 6 and retaliation["cells"][-1] is None
    assert f["totals"][-1] == 7


def test_the_commune_officer_lists_and_handles_a_case_on_the_page(client, world):
    c = file_complaint(world).complaint
    client.force_login(world.commune_officer)
    assert c.display_code in client.get("/complaints/manage/").content.decode()
    r = client.post(f"/complaints/manage/{c.pk}/accept/")
    assert r.status_code == 302
    client.post(f"/complaints/manage/{c.pk}/reply/", {"body": "Đã tiếp nhận.", "public": "on"})
    c.refresh_from_db()
    assert c.status == "accepted" and c.replies.get().kind == "public"


@pytest.mark.parametrize("persona", ["principal", "teacher_user", "commune_officer_b"])
def test_outsiders_get_404_on_the_case_page(client, world, persona):
    c = file_complaint(world).complaint
    client.force_login(getattr(world, persona))
    assert client.get(f"/complaints/manage/{c.pk}/").status_code == 404
    assert client.post(f"/complaints/manage/{c.pk}/accept/").status_code == 404


def test_a_reader_who_does_not_handle_gets_403_on_a_step(client, world):
    c = file_complaint(world).complaint
    client.force_login(world.department_officer)
    assert client.get(f"/complaints/manage/{c.pk}/").status_code == 200
    assert client.post(f"/complaints/manage/{c.pk}/accept/").status_code == 403


def test_the_handler_reveals_the_reporter_with_a_logged_reason(client, world):
    c = file_complaint(world, anonymous=False, name="Lê Thị Mai", phone="0912345678").complaint
    s.accept_complaint(complaint=c, by=world.commune_officer)
    client.force_login(world.commune_officer)
    assert "0912345678" not in client.get(f"/complaints/manage/{c.pk}/").content.decode()
    r = client.post(f"/complaints/manage/{c.pk}/reveal/", {"reason": "Gọi lại để xác minh"})
    assert "0912345678" in r.content.decode()
    assert AuditEvent.objects.filter(action="complaint.identity_viewed").count() == 1
    client.force_login(world.department_officer)
    page = client.get(f"/complaints/manage/{c.pk}/").content.decode()
    assert "0912345678" not in page and "Lê Thị Mai" not in page
    r = client.post(f"/complaints/manage/{c.pk}/reveal/", {"reason": "x" * 12})
    assert r.status_code == 403


def test_the_school_answers_the_question_without_seeing_the_complaint(client, world):
    c = file_complaint(world, anonymous=False, name="Lê Thị Mai", phone="0912345678").complaint
    s.accept_complaint(complaint=c, by=world.commune_officer)
    req = s.request_explanation(
        complaint=c, by=world.commune_officer, question="Giải trình việc thu tiền trước."
    )
    client.force_login(world.principal)
    r = client.get("/complaints/manage/", follow=True)
    page = r.content.decode()
    assert "Giải trình việc thu tiền trước." in page
    assert TEXT not in page and "Lê Thị Mai" not in page and c.tracking_code not in page
    client.post(f"/complaints/explanations/{req.pk}/answer/", {"answer": "Trường đã hoàn tiền."})
    req.refresh_from_db()
    assert req.answer == "Trường đã hoàn tiền."


def test_staff_log_a_hotline_complaint_on_the_page(client, world):
    client.force_login(world.commune_officer)
    r = client.post(
        f"/complaints/manage/new/?school={world.school_a.pk}",
        {
            "institution": world.school_a.pk,
            "source": "hotline",
            "category": "fees",
            "description": TEXT,
            "anonymous": "yes",
        },
    )
    c = Complaint.objects.get()
    assert r.status_code == 302 and c.source == "hotline"


def test_hotspot_pages_show_the_evidence_in_scope(client, world):
    c = file_complaint(world).complaint
    h = Hotspot.objects.create(
        scope="institution",
        institution=world.school_a,
        unit=world.commune_a,
        state="active",
        weight=9,
        baseline=0,
        city_average=0.5,
        reasons=["Lý do thử"],
        evidence=[c.pk],
    )
    client.force_login(world.commune_officer)
    assert world.school_a.name in client.get("/complaints/hotspots/").content.decode()
    assert c.display_code in client.get(f"/complaints/hotspots/{h.pk}/").content.decode()
    client.force_login(world.commune_officer_b)
    assert client.get(f"/complaints/hotspots/{h.pk}/").status_code == 404


def test_a_named_report_without_a_phone_shows_the_error_and_writes_nothing(client, world):
    r = client.post(
        f"/complaints/?school={world.school_a.pk}",
        form_data(anonymous="no", name="Lê Thị Mai", phone=""),
    )
    assert r.status_code == 400
    assert "Số điện thoại không hợp lệ" in r.content.decode()
    assert not Complaint.objects.exists()


def test_a_held_complaint_tells_the_reporter_it_awaits_moderation(client, world):
    sub = file_complaint(world, description=f"{TEXT} Đồ khốn nạn.")
    r = client.post(
        "/complaints/track/", {"code": sub.complaint.tracking_code, "secret": sub.secret}
    )
    assert "đang chờ kiểm duyệt" in r.content.decode()


def test_an_empty_addition_shows_the_case_with_the_error(client, world):
    sub = file_complaint(world)
    r = client.post(
        "/complaints/track/add/",
        {"code": sub.complaint.tracking_code, "secret": sub.secret, "body": ""},
    )
    assert r.status_code == 400 and sub.complaint.tracking_code in r.content.decode()
    assert not sub.complaint.replies.exists()
    r = client.post(
        "/complaints/track/add/",
        {"code": sub.complaint.tracking_code, "secret": "WRONGWRONG22", "body": "Thêm nữa."},
    )
    assert r.status_code == 404
