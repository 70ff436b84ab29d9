"""The guardian's side: phone sign-in, the child's page, decisions, receipts, the data download."""

import json
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from oversight.accounts.models import PhoneCode, RoleAssignment
from oversight.accounts.phone import PhoneSignInError, send_sign_in_code, verify_sign_in_code
from oversight.enrollment.models import ConsentEntry
from oversight.enrollment.tests.helpers import approved_program, grant
from oversight.lib.sms import MemorySmsSender
from oversight.testing import make_guardian, make_student


@pytest.fixture
def sms(settings):
    settings.SMS_SENDER = "memory"
    MemorySmsSender.sent.clear()
    return MemorySmsSender.sent


def _code(sms) -> str:
    return re.search(r"\b(\d{6})\b", sms[-1][1]).group(1)


def test_a_known_phone_gets_a_code_and_signs_in(world, sms, django_capture_on_commit_callbacks):
    parent = make_guardian(student=world.student_a2, phone="0987654321", full_name="Đỗ Văn An")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_sign_in_code(phone="+84 987 654 321") == "0987654321"
    assert sms[-1][0] == "0987654321"
    user = verify_sign_in_code(phone="0987654321", code=_code(sms))
    parent.refresh_from_db()
    assert parent.user == user and not user.has_usable_password()
    assert RoleAssignment.objects.filter(user=user, role="guardian", institution=world.school_a)
    # The code is spent.
    with pytest.raises(PhoneSignInError):
        verify_sign_in_code(phone="0987654321", code=_code(sms))


def test_an_unknown_phone_gets_the_same_answer_and_no_message(world, sms):
    assert send_sign_in_code(phone="0900000001") == "0900000001"
    assert sms == []
    with pytest.raises(PhoneSignInError):
        verify_sign_in_code(phone="0900000001", code="123456")


def test_malformed_phone_numbers_are_refused(world, sms):
    for bad in ("123", "abc", "09123456789", ""):
        with pytest.raises(PhoneSignInError):
            send_sign_in_code(phone=bad)
    assert not PhoneCode.objects.exists()


@override_settings(PHONE_CODE_PER_PHONE=3)
def test_codes_are_rate_limited_per_phone(world, sms):
    for _ in range(3):
        send_sign_in_code(phone=world.guardian.phone)
    with pytest.raises(PhoneSignInError) as e:
        send_sign_in_code(phone=world.guardian.phone)
    assert e.value.code == "too_many_requests"
    assert PhoneCode.objects.count() == 3


@override_settings(PHONE_CODE_MAX_ATTEMPTS=3)
def test_wrong_guesses_burn_the_code(world, sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_sign_in_code(phone=world.guardian.phone)
    right = _code(sms)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(3):
        with pytest.raises(PhoneSignInError):
            verify_sign_in_code(phone=world.guardian.phone, code=wrong)
    with pytest.raises(PhoneSignInError) as e:
        verify_sign_in_code(phone=world.guardian.phone, code=right)
    assert e.value.code == "too_many_requests"


def test_sign_in_pages_then_the_child_page(world, client, sms, django_capture_on_commit_callbacks):
    program = approved_program(world)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("portal:family_login"), {"phone": world.guardian.phone})
    assert r.status_code == 302 and r.url == reverse("portal:family_code")
    r = client.post(reverse("portal:family_code"), {"code": "999999x"})
    assert r.status_code == 200 and "Mã không đúng" in r.content.decode()
    r = client.post(reverse("portal:family_code"), {"code": _code(sms)})
    assert r.status_code == 302 and r.url == reverse("portal:family")
    page = client.get(reverse("portal:family_child", args=[world.student_a1.pk])).content.decode()
    assert program.title in page and "Đăng ký" in page and "Không tham gia" in page
    # Nothing is pre-ticked.
    assert "checked" not in page


def test_registering_on_the_page_needs_the_childs_answer_then_shows_the_receipt(world, client):
    program = approved_program(world)
    client.force_login(world.guardian_user)
    url = reverse("portal:family_decide", args=[world.student_a1.pk, program.pk])
    r = client.post(url, {"decision": "granted"})
    assert r.status_code == 302 and not ConsentEntry.objects.exists()
    r = client.post(url, {"decision": "granted", "child_confirmed": "yes"}, follow=True)
    entry = ConsentEntry.objects.get()
    assert r.redirect_chain[-1][0] == reverse("portal:receipt", args=[entry.receipt_code])
    body = r.content.decode()
    assert 'data-valid="true"' in body and world.student_a1.full_name not in body
    r = client.post(url, {"decision": "withdrawn"})
    assert ConsentEntry.objects.latest("seq").decision == "withdrawn"


def test_a_guardian_cannot_reach_another_child(world, client):
    program = approved_program(world)
    client.force_login(world.guardian_user)
    other = world.student_a2
    assert client.get(reverse("portal:family_child", args=[other.pk])).status_code == 404
    r = client.post(
        reverse("portal:family_decide", args=[other.pk, program.pk]), {"decision": "declined"}
    )
    assert r.status_code == 404
    assert client.get(reverse("portal:family_data", args=[other.pk])).status_code == 404
    assert not ConsentEntry.objects.exists()


def test_anonymous_family_pages_redirect_to_phone_sign_in(world, client):
    r = client.get(reverse("portal:family_child", args=[world.student_a1.pk]))
    assert r.status_code == 302 and r.url.startswith(reverse("portal:family_login"))


def test_the_data_download_holds_everything_and_is_logged(world, client):
    program = approved_program(world)
    grant(world, program)
    client.force_login(world.guardian_user)
    r = client.get(reverse("portal:family_data", args=[world.student_a1.pk]))
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    data = json.loads(r.content)
    assert data["student"]["full_name"] == world.student_a1.full_name
    assert data["consents"][0]["decision"] == "granted"
    assert data["enrollments"][0]["status"] == "active"
    assert data["guardians"][0]["phone"] == world.guardian.phone
    from oversight.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="student.data_exported").exists()


def test_decisions_page_lists_every_entry_with_its_receipt(world, client):
    program = approved_program(world)
    e = grant(world, program)
    client.force_login(world.guardian_user)
    page = client.get(reverse("portal:family_decisions", args=[world.student_a1.pk]))
    assert e.receipt_code in page.content.decode()


def test_an_unknown_receipt_page_is_a_404_that_says_so(world, client):
    r = client.get(reverse("portal:receipt", args=["NOPE"]))
    assert r.status_code == 404 and 'data-valid="false"' in r.content.decode()


def test_the_public_programme_page_explains_how_to_register_or_decline(world, client):
    program = approved_program(world)
    body = client.get(reverse("portal:program", args=[program.pk])).content.decode()
    assert "Cách đăng ký hoặc từ chối" in body and reverse("portal:family_login") in body


def test_staff_page_records_paper_forms_and_hides_declines_from_teachers(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    program = approved_program(world)
    client.force_login(world.principal)
    url = reverse("enrollment:program", args=[program.pk])
    assert client.get(url).status_code == 200
    r = client.post(
        reverse("enrollment:paper", args=[program.pk]),
        {"student": world.student_a1.pk, "decision": "granted", "channel": "paper"},
    )
    assert r.status_code == 400 and not ConsentEntry.objects.exists()
    scan = SimpleUploadedFile("don.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = client.post(
        reverse("enrollment:paper", args=[program.pk]),
        {
            "student": world.student_a1.pk,
            "decision": "granted",
            "channel": "paper",
            "child_confirmed": "yes",
            "scan": scan,
        },
    )
    assert r.status_code == 302 and ConsentEntry.objects.get().channel == "paper"
    client.force_login(world.teacher_user)
    page = client.get(url)
    assert page.status_code == 200 and "không tham gia hoặc đã rút" not in page.content.decode()
    r = client.post(
        reverse("enrollment:paper", args=[program.pk]),
        {"student": world.student_a1.pk, "decision": "withdrawn", "channel": "staff"},
    )
    assert r.status_code == 403
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.guardian_user)
    assert client.get(url).status_code == 403


def test_a_student_without_class_is_not_offered_anything(world):
    from oversight.enrollment.selectors import offered_programs

    approved_program(world)
    loose = make_student(institution=world.school_a, full_name="Chưa Xếp Lớp")
    assert list(offered_programs(loose)) == []
    assert len(offered_programs(world.student_a1)) == 1
