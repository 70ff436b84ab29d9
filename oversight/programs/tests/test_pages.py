"""Programme pages: drafting, acting on the lifecycle, and the public search and pages."""

import pytest
from django.urls import reverse

from oversight.programs.models import Partner, Program
from oversight.programs.services import transition
from oversight.testing import PERSONAS, make_program


def form_data(world, **extra):
    partner = Partner.objects.create(name="Công ty Ánh Sao", search_name="cong ty anh sao")
    data = {
        "kind": "linkage",
        "institution": world.school_a.pk,
        "title": "Toán tư duy Sao Mai",
        "category": "thinking_math",
        "partner": partner.pk,
        "grades": "4, 5",
        "capacity": "30",
        "starts_on": "01/10/2025",
        "ends_on": "20/05/2026",
        "fee_amount": "120000",
        "fee_unit": "per_month",
        "delivery_form": "in_person",
        "staff": "Trần Văn Tư\nAnna Lee (nước ngoài)",
        "weekday_1": "3",
        "start_1": "16:45",
        "end_1": "17:30",
        "place_1": "Phòng 12",
        "alternative_activity": "Đọc sách ở thư viện",
    }
    data.update(extra)
    return data


def test_a_principal_saves_a_draft_from_the_page(client, world):
    client.force_login(world.principal)
    r = client.post(reverse("programs:new"), form_data(world))
    program = Program.objects.get()
    assert r.status_code == 302 and r.url == reverse("programs:detail", args=[program.pk])
    assert program.grades == [4, 5] and program.staff.filter(is_foreign=True).count() == 1
    page = client.get(r.url).content.decode()
    assert "Gửi duyệt" in page and "Phê duyệt" not in page
    assert reverse("programs:edit", args=[program.pk]) in page
    assert reverse("programs:attach", args=[program.pk]) in page
    client.force_login(world.commune_officer)
    page = client.get(r.url).content.decode()
    assert reverse("programs:edit", args=[program.pk]) not in page


def test_the_form_shows_the_services_message_next_to_the_field(client, world):
    client.force_login(world.principal)
    r = client.post(reverse("programs:new"), form_data(world, end_1="16:00", grades="9"))
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert "giờ kết thúc phải sau giờ bắt đầu" in r.content.decode()
    assert "grades" in errors and "khối 9" in errors["grades"][0]
    assert not Program.objects.exists()


def test_the_approver_sees_the_approve_button_and_uses_it(client, world):
    p = make_program(institution=world.school_a, by=world.principal)
    transition(program=p, action="submit", by=world.principal)
    client.force_login(world.commune_officer)
    page = client.get(reverse("programs:detail", args=[p.pk])).content.decode()
    assert "Phê duyệt" in page and "Trả lại" in page
    client.post(reverse("programs:transition", args=[p.pk, "approve"]))
    p.refresh_from_db()
    assert p.status == "approved"


def test_a_wrong_role_posting_a_transition_gets_403_and_nothing_changes(client, world):
    p = make_program(institution=world.school_a, by=world.principal)
    transition(program=p, action="submit", by=world.principal)
    client.force_login(world.teacher_user)
    assert client.post(reverse("programs:transition", args=[p.pk, "approve"])).status_code == 403
    client.force_login(world.outsider)
    assert client.post(reverse("programs:transition", args=[p.pk, "approve"])).status_code == 404
    p.refresh_from_db()
    assert p.status == "submitted"


def test_an_impossible_transition_from_the_page_is_explained(client, world):
    p = make_program(institution=world.school_a, by=world.principal)
    client.force_login(world.commune_officer)
    r = client.post(reverse("programs:transition", args=[p.pk, "approve"]), follow=True)
    assert "Không thể phê duyệt" in r.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_on_a_draft_page(client, world, persona):
    p = make_program(institution=world.school_a, by=world.principal)
    client.force_login(getattr(world, persona))
    expected = (
        404 if persona in ("commune_officer_b", "outsider", "partner", "guardian_user") else 200
    )
    assert client.get(reverse("programs:detail", args=[p.pk])).status_code == expected


def test_public_search_finds_published_programmes_without_diacritics(client, world):
    shown = make_program(
        institution=world.school_a, by=world.principal, title="Kĩ năng sống Đằng Hải"
    )
    make_program(institution=world.school_a, by=world.principal, title="Kĩ năng sống nháp")
    transition(program=shown, action="submit", by=world.principal)
    transition(program=shown, action="approve", by=world.commune_officer)
    r = client.get(reverse("portal:programs"), {"q": "ki nang song dang hai"})
    assert [p.pk for p in r.context["page"]] == [shown.pk]
    r = client.get(reverse("portal:programs"), {"q": "ki nang song"})
    assert [p.pk for p in r.context["page"]] == [shown.pk]
    r = client.get(reverse("portal:programs"), {"unit": world.commune_b.pk})
    assert list(r.context["page"]) == []
    r = client.get(reverse("portal:programs"), {"fee_max": "100000"})
    assert list(r.context["page"]) == []
    r = client.get(reverse("portal:programs"), {"level": "primary", "kind": "linkage"})
    assert [p.pk for p in r.context["page"]] == [shown.pk]
    school = client.get(reverse("portal:school", args=[world.school_a.pk])).content.decode()
    assert "Kĩ năng sống Đằng Hải" in school and "nháp" not in school


def test_the_printable_notice_is_a_vietnamese_pdf_with_the_facts(client, world):
    import io

    from pypdf import PdfReader

    p = make_program(
        institution=world.school_a, by=world.principal, title="Tiếng Anh bản ngữ Đằng Hải"
    )
    assert client.get(reverse("portal:program_notice", args=[p.pk])).status_code == 404  # a draft
    transition(program=p, action="submit", by=world.principal)
    transition(program=p, action="approve", by=world.commune_officer)
    r = client.get(reverse("portal:program_notice", args=[p.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(r.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in (
        "Tiếng Anh bản ngữ Đằng Hải",
        "Trường Tiểu học Đằng Hải",
        "150.000 đồng",
        "tự nguyện",
        "Thứ 3, 16:45–17:30, Phòng 201",
        f"/programs/{p.pk}/",
    ):
        assert expected in text, expected
    assert world.student_a1.full_name not in text


def test_a_teacher_files_form_03_and_the_principal_acknowledges_it_on_the_page(client, world):
    from oversight.programs.models import TeacherReport

    client.force_login(world.teacher_user)
    r = client.post(
        reverse("programs:reports"),
        {
            "subject": world.math.pk,
            "facility_name": "Trung tâm Học Giỏi",
            "place": "Số 9 Lê Chân",
            "form": "in_person",
            "times": "Tối thứ 3, 18:00–19:30",
            "relationship": "relative",
            "starts_on": "01/10/2025",
        },
    )
    assert r.status_code == 302
    report = TeacherReport.objects.get()
    page = client.get(reverse("programs:reports")).content.decode()
    assert "Trung tâm Học Giỏi" in page and "Chờ xác nhận" in page
    client.force_login(world.principal)
    page = client.get(reverse("programs:reports")).content.decode()
    assert "Người thân của chủ cơ sở" in page and "Gửi báo cáo mới" not in page
    client.post(reverse("programs:acknowledge", args=[report.pk]))
    report.refresh_from_db()
    assert report.acknowledged_by == world.principal
    client.force_login(world.outsider)
    assert "Trung tâm Học Giỏi" not in client.get(reverse("programs:reports")).content.decode()
    assert client.post(reverse("programs:acknowledge", args=[report.pk])).status_code == 404


def test_a_returned_programme_is_edited_from_the_page_and_resubmitted(client, world):
    p = make_program(institution=world.school_a, by=world.principal)
    transition(program=p, action="submit", by=world.principal)
    transition(program=p, action="return", by=world.commune_officer, reason="Sĩ số quá đông")
    client.force_login(world.principal)
    page = client.get(reverse("programs:edit", args=[p.pk]))
    assert page.status_code == 200 and page.context["form"]["capacity"].value() == 30
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(
        capacity="20",
        starts_on="01/10/2025",
        ends_on="15/05/2026",
        start_1="16:45",
        end_1="17:30",
        partner=p.partner_id,
        kind="linkage",
        institution=world.school_a.pk,
    )
    r = client.post(reverse("programs:edit", args=[p.pk]), data)
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    p.refresh_from_db()
    assert p.capacity == 20 and p.kind == "linkage"
    client.force_login(world.commune_officer)
    assert client.get(reverse("programs:edit", args=[p.pk])).status_code == 403


def test_attachments_are_checked_by_content_and_served_only_within_scope(
    client, world, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    p = make_program(institution=world.school_a, by=world.principal)
    client.force_login(world.principal)
    fake = SimpleUploadedFile(
        "ke-hoach.pdf", b"MZ this is an executable", content_type="application/pdf"
    )
    r = client.post(
        reverse("programs:attach", args=[p.pk]), {"title": "Kế hoạch", "file": fake}, follow=True
    )
    assert "Chỉ nhận tệp PDF" in r.content.decode() and not p.attachments.exists()
    pdf = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    client.post(reverse("programs:attach", args=[p.pk]), {"title": "Kế hoạch", "file": pdf})
    a = p.attachments.get()
    assert a.content_type == "application/pdf"
    assert "Kế hoạch" in client.get(reverse("programs:detail", args=[p.pk])).content.decode()
    url = reverse("programs:attachment", args=[p.pk, a.pk])
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 plan"
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.commune_officer)
    assert client.get(url).status_code == 200
    assert (
        client.post(
            reverse("programs:attach", args=[p.pk]), {"title": "x", "file": pdf}
        ).status_code
        == 403
    )


def test_the_linkage_contract_through_the_api(client, world):
    from oversight.accounts.services import issue_token

    p = make_program(institution=world.school_a, by=world.principal)
    _, key = issue_token(user=world.principal, name="t", by=world.principal)
    h = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    url = f"/api/v1/programs/{p.pk}/contract"
    body = {
        "number": "12/2025/HĐLK",
        "signed_on": "2025-09-20",
        "valid_from": "2025-10-01",
        "valid_to": "2026-05-31",
        "key_terms": "Đối tác chịu trách nhiệm về giáo viên",
    }
    r = client.put(url, body, content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["number"] == "12/2025/HĐLK"
    bad = {**body, "valid_to": "2025-01-01"}
    assert client.put(url, bad, content_type="application/json", **h).status_code == 422
    assert p.contract.valid_to.isoformat() == "2026-05-31"


def test_public_pages_are_cached_for_visitors_and_refreshed_by_any_change(
    client, world, django_capture_on_commit_callbacks
):
    p = make_program(institution=world.school_a, by=world.principal, title="Tiếng Anh Đằng Hải")
    with django_capture_on_commit_callbacks(execute=True):
        transition(program=p, action="submit", by=world.principal)
        transition(program=p, action="approve", by=world.commune_officer)
    url = reverse("portal:program", args=[p.pk])
    assert "Tiếng Anh Đằng Hải" in client.get(url).content.decode()
    # A write that bypasses the services is not seen: the page comes from the cache.
    Program.objects.filter(pk=p.pk).update(title="Đổi ngầm")
    assert "Tiếng Anh Đằng Hải" in client.get(url).content.decode()
    # A suspension through the service shows at once.
    with django_capture_on_commit_callbacks(execute=True):
        transition(
            program=p, action="suspend", by=world.department_officer, reason="Kiểm tra đột xuất"
        )
    body = client.get(url).content.decode()
    assert "tạm dừng" in body and "Kiểm tra đột xuất" in body
    # Signed-in users never get a cached page, and public pages set no cookie.
    r = client.get(url)
    assert not r.cookies
    client.force_login(world.principal)
    Program.objects.filter(pk=p.pk).update(title="Tên mới thật")
    assert "Tên mới thật" in client.get(url).content.decode()


def test_the_language_switch_is_a_link_that_sets_the_cookie(client, world):
    r = client.get("/lang/en/?next=/programs/")
    assert (
        r.status_code == 302
        and r.url == "/programs/"
        and r.cookies["django_language"].value == "en"
    )
    assert client.get("/programs/")["Content-Language"] == "en"
    r = client.get("/lang/en/?next=https://evil.example/")
    assert r.url == "/"
    assert client.get("/lang/xx/").status_code == 404


def test_the_contract_is_recorded_from_the_page_with_its_pdf(client, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    p = make_program(institution=world.school_a, by=world.principal, delivery_form="online")
    client.force_login(world.principal)
    data = {
        "number": "07/2025/HĐLK",
        "signed_on": "20/09/2025",
        "valid_from": "01/10/2025",
        "valid_to": "31/05/2026",
        "key_terms": "Đối tác tuyển giáo viên",
    }
    bad = SimpleUploadedFile("hd.pdf", b"not a pdf")
    r = client.post(reverse("programs:contract", args=[p.pk]), {**data, "file": bad}, follow=True)
    assert "phải là tệp PDF" in r.content.decode()
    good = SimpleUploadedFile("hd.pdf", b"%PDF-1.4 contract")
    r = client.post(reverse("programs:contract", args=[p.pk]), {**data, "file": good}, follow=True)
    page = r.content.decode()
    assert "07/2025/HĐLK" in page and "Trực tuyến" in page
    p.contract.refresh_from_db()
    assert p.contract.file.read() == b"%PDF-1.4 contract"
    client.force_login(world.commune_officer)
    assert client.post(reverse("programs:contract", args=[p.pk]), data).status_code == 403


def test_a_principal_of_one_school_finds_it_already_chosen(client, world):
    client.force_login(world.principal)
    form = client.get(reverse("programs:new")).context["form"]
    assert form["institution"].value() == world.school_a.pk
    client.force_login(world.department_admin)
    assert client.get(reverse("programs:new")).context["form"]["institution"].value() is None
