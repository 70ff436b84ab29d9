"""The inspection pages: who sees what, the checklist, the conclusion and its DOCX."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.enrollment.tests.helpers import approved_program
from oversight.inspections.models import ChecklistItem, Evidence, Inspection
from oversight.inspections.tests.helpers import inspect

pytestmark = pytest.mark.django_db


def test_an_official_sees_the_list_and_the_nav_link(client, world):
    inspection = inspect(world)
    client.force_login(world.department_officer)
    r = client.get("/inspections/")
    assert r.status_code == 200 and inspection.title in r.content.decode()
    assert 'href="/inspections/"' in r.content.decode()


def test_a_guardian_has_no_inspections_page(client, world):
    client.force_login(world.guardian_user)
    assert client.get("/inspections/").status_code == 403
    assert client.get("/inspections/targets/").status_code == 403


def test_suggested_targets_show_their_reasons_and_a_link_to_plan(client, world):
    client.force_login(world.commune_officer)
    r = client.get("/inspections/targets/")
    body = r.content.decode()
    assert world.school_a.name in body and world.high_a.name not in body
    assert "Chưa từng được thanh tra, kiểm tra." in body
    assert f"/inspections/new/?kind=institution&amp;id={world.school_a.pk}" in body


def test_a_commune_planning_the_departments_school_gets_403(client, world):
    client.force_login(world.commune_officer)
    r = client.post(
        f"/inspections/new/?kind=institution&id={world.high_a.pk}",
        {
            "agency": world.committee_a.pk,
            "kind": "periodic",
            "title": "Kiểm tra THPT",
            "legal_basis": "Thông tư 29/2024/TT-BGDĐT",
            "starts_on": "03/11/2025",
            "ends_on": "07/11/2025",
            "target_kind": "institution",
            "target_id": world.high_a.pk,
            "reason": "Nhiều phản ánh",
        },
    )
    assert r.status_code == 403
    assert not Inspection.objects.exists()
    r = client.get(f"/inspections/new/?kind=institution&id={world.school_b.pk}")
    assert r.status_code == 404


def test_a_surprise_inspection_page_is_404_for_the_target_until_it_starts(client, world):
    inspection = inspect(world, kind="surprise")
    client.force_login(world.principal)
    assert client.get(f"/inspections/{inspection.pk}/").status_code == 404
    assert inspection.title not in client.get("/inspections/").content.decode()
    target = inspection.targets.get()
    assert client.get(f"/inspections/{inspection.pk}/targets/{target.pk}/").status_code == 404
    client.force_login(world.inspector)
    client.post(f"/inspections/{inspection.pk}/start/")
    client.force_login(world.principal)
    assert client.get(f"/inspections/{inspection.pk}/").status_code == 200
    item = ChecklistItem.objects.filter(target=target).first()
    r = client.post(
        f"/inspections/{inspection.pk}/items/{item.pk}/", {f"i{item.pk}-status": "compliant"}
    )
    assert r.status_code == 403


def test_the_inspector_records_a_breach_with_a_photo_concludes_and_downloads_the_docx(
    client, world
):
    inspection = inspect(world, started=True)
    item = ChecklistItem.objects.get(target__inspection=inspection, rule="tt29.a3.no-cut")
    client.force_login(world.inspector)
    url = f"/inspections/{inspection.pk}/items/{item.pk}/"
    client.post(url, {f"i{item.pk}-status": "breach", f"i{item.pk}-notes": ""})
    item.refresh_from_db()
    assert item.status == "not_checked"  # a breach needs its evidence
    client.post(url, {f"i{item.pk}-status": "breach", f"i{item.pk}-notes": "Cắt tiết Toán tuần 9"})
    item.refresh_from_db()
    assert item.status == "breach"
    photo = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0" + b"0" * 50)
    client.post(f"{url}evidence/", {"title": "Thời khóa biểu", "file": photo})
    assert Evidence.objects.get().item == item
    assert client.get(f"/inspections/{inspection.pk}/conclusion.docx").status_code == 404
    r = client.post(
        f"/inspections/{inspection.pk}/conclude/",
        {
            "number": "15/KL-SGDĐT",
            "concluded_on": "10/11/2025",
            "subject": "Kết luận kiểm tra dạy thêm",
            "body": "Có vi phạm.",
            "recipients": "Trường Tiểu học Đằng Hải",
            "signer_name": "Nguyễn Văn Kiểm",
            "signer_title": "Chánh Thanh tra",
        },
    )
    assert r.status_code == 302
    r = client.get(f"/inspections/{inspection.pk}/conclusion.docx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")


def test_a_bad_conclusion_is_refused_and_changes_nothing(client, world):
    inspection = inspect(world, started=True)
    client.force_login(world.inspector)
    r = client.post(
        f"/inspections/{inspection.pk}/conclude/", {"number": "", "concluded_on": "32/13/2025"}
    )
    assert r.status_code == 400
    inspection.refresh_from_db()
    assert inspection.status == "in_progress"


def test_the_public_page_lists_suspended_programmes(client, world):
    from oversight.programs.services import transition

    program = approved_program(world)
    transition(program=program, action="suspend", by=world.inspector, reason="Tạm dừng để kiểm tra")
    r = client.get("/inspections/public/")
    assert r.status_code == 200 and program.title in r.content.decode()


def test_corrections_and_sanctions_through_the_pages(client, world):
    from oversight.inspections.models import CorrectiveAction, Sanction
    from oversight.inspections.tests.test_measures import conclude

    inspection = inspect(world, started=True)
    target = inspection.targets.get()
    client.force_login(world.inspector)
    url = f"/inspections/{inspection.pk}/actions/"
    r = client.post(
        url,
        {"target": target.pk, "description": "Sửa", "owner": "khong-co", "deadline": "01/01/2020"},
    )
    assert r.status_code == 400 and not CorrectiveAction.objects.exists()
    client.post(
        url,
        {
            "target": target.pk,
            "description": "Niêm yết lại kế hoạch dạy thêm",
            "owner": world.principal.username,
            "deadline": "31/12/2099",
        },
    )
    action = CorrectiveAction.objects.get()
    client.force_login(world.principal)
    r = client.get(f"/inspections/{inspection.pk}/")
    assert "Báo cáo đã khắc phục" in r.content.decode()
    client.post(f"/inspections/actions/{action.pk}/complete/", {"note": "Đã niêm yết tại bảng tin"})
    client.post(f"/inspections/actions/{action.pk}/verify/", {"accepted": "yes"})
    action.refresh_from_db()
    assert action.status == "done"  # the principal cannot verify their own correction
    client.force_login(world.inspector)
    client.post(f"/inspections/actions/{action.pk}/verify/", {"accepted": "yes"})
    action.refresh_from_db()
    assert action.status == "verified"

    conclude(inspection, world.inspector)
    sanction = {
        "target": target.pk,
        "kind": "fine",
        "subject_kind": "organisation",
        "subject_name": "Trường Tiểu học Đằng Hải",
        "legal_basis": "Điều 24 Nghị định 04/2021",
        "decision_number": "03/QĐ-XPHC",
        "decided_on": "20/11/2025",
    }
    r = client.post(f"/inspections/{inspection.pk}/sanctions/", sanction)
    assert r.status_code == 400 and not Sanction.objects.exists()  # a fine needs its amount
    client.post(f"/inspections/{inspection.pk}/sanctions/", {**sanction, "amount": "5000000"})
    assert Sanction.objects.get().amount == 5_000_000
    client.logout()
    body = client.get("/inspections/public/").content.decode()
    assert "03/QĐ-XPHC" in body and "15/KL-SGDĐT" in body
    assert "Trường Tiểu học Đằng Hải" in body


def test_an_inspection_is_planned_from_a_suggestion_with_its_team(client, world):
    client.force_login(world.commune_officer)
    assert client.get("/inspections/new/")["Location"] == "/inspections/targets/"
    data = {
        "agency": world.committee_a.pk,
        "kind": "periodic",
        "title": "Kiểm tra định kỳ",
        "legal_basis": "Thông tư 29/2024/TT-BGDĐT",
        "starts_on": "03/11/2025",
        "ends_on": "07/11/2025",
        "target_kind": "institution",
        "target_id": world.school_a.pk,
        "reason": "Chưa từng được kiểm tra",
        "members": "thanhtra, khong-co-ai",
    }
    r = client.post(f"/inspections/new/?kind=institution&id={world.school_a.pk}", data)
    assert r.status_code == 200 and "khong-co-ai" in r.content.decode()
    assert not Inspection.objects.exists()
    r = client.post(
        f"/inspections/new/?kind=institution&id={world.school_a.pk}",
        {**data, "members": "thanhtra"},
    )
    inspection = Inspection.objects.get()
    assert r["Location"] == f"/inspections/{inspection.pk}/"
    assert list(inspection.members.all()) == [world.inspector]
    assert inspection.lead == world.commune_officer
