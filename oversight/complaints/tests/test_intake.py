"""Filing a complaint: routing, anonymity, uploads, abuse protection, resubmissions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.audit.models import AuditEvent
from oversight.complaints.models import Attachment, Complaint, ComplaintEvent
from oversight.complaints.services import ComplaintError, log_complaint
from oversight.complaints.tests.helpers import (
    TEXT,
    file_complaint,
    from_network,
    jpeg_with_gps,
    small_pdf,
)
from oversight.registry.models import Institution
from oversight.testing import make_institution

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "level",
    [
        Institution.Level.PRESCHOOL,
        Institution.Level.PRIMARY,
        Institution.Level.LOWER_SECONDARY,
    ],
)
def test_a_complaint_about_a_commune_school_goes_to_its_commune(world, level):
    school = make_institution(unit=world.commune_b, level=level)
    c = file_complaint(world, institution=school).complaint
    assert c.handling_agency == world.committee_b
    assert not c.escalated


@pytest.mark.parametrize(
    "level",
    [
        Institution.Level.UPPER_SECONDARY,
        Institution.Level.CONTINUING_EDUCATION,
        Institution.Level.MULTI_LEVEL,
    ],
)
def test_a_complaint_about_a_department_school_goes_to_the_department(world, level):
    school = make_institution(unit=world.commune_a, level=level)
    c = file_complaint(world, institution=school).complaint
    assert c.handling_agency == world.department
    assert not c.escalated


def test_retaliation_goes_to_the_department_even_for_a_commune_school(world):
    c = file_complaint(world, category="retaliation").complaint
    assert c.handling_agency == world.department
    assert c.escalated and c.escalation_reason


def test_a_complaint_naming_the_principal_goes_to_the_department(world):
    text = "Thầy hiệu trưởng ép phụ huynh đóng tiền liên kết tiếng Anh ngay từ đầu năm học."
    c = file_complaint(world, description=text).complaint
    assert c.names_principal and c.handling_agency == world.department


def test_a_complaint_naming_the_principal_by_name_goes_to_the_department(world):
    world.school_a.principal_name = "Nguyễn Văn Thành"
    world.school_a.save(update_fields=["principal_name"])
    text = "Ông Nguyen Van Thanh bắt học sinh đăng ký liên kết, không có lựa chọn khác."
    c = file_complaint(world, description=text).complaint
    assert c.handling_agency == world.department


def test_the_secret_is_stored_only_as_a_hash(world):
    s = file_complaint(world)
    assert len(s.secret) == 12 and len(s.complaint.tracking_code) == 8
    assert s.secret not in s.complaint.secret_hash
    assert not set(s.complaint.tracking_code) & set("01OIL")


def test_an_anonymous_complaint_keeps_no_identity_even_if_sent(world):
    c = file_complaint(world, anonymous=True, name="Trần Văn Bình", phone="0912345678").complaint
    assert c.reporter_name == "" and c.reporter_phone == ""


def test_a_named_complaint_needs_a_valid_phone_and_writes_nothing_otherwise(world):
    with pytest.raises(ComplaintError) as e:
        file_complaint(world, anonymous=False, name="Trần Văn Bình", phone="12345")
    assert "phone" in e.value.errors
    assert not Complaint.objects.exists()


def test_description_is_stored_in_nfc(world):
    decomposed = "Co\u0302 gia\u0301o chu\u0309 nhie\u0323m e\u0301p ho\u0323c the\u00eam"
    c = file_complaint(world, description=decomposed).complaint
    import unicodedata

    assert c.description == unicodedata.normalize("NFC", decomposed)


def test_a_short_description_is_refused(world):
    with pytest.raises(ComplaintError):
        file_complaint(world, description="ngắn quá")
    assert not Complaint.objects.exists()


def test_a_programme_of_another_school_is_refused(world):
    from oversight.testing import make_program

    other = make_program(institution=world.school_b, grades=[9])
    with pytest.raises(ComplaintError) as e:
        file_complaint(world, program_id=other.pk)
    assert "program_id" in e.value.errors
    assert not Complaint.objects.exists()


def test_photo_location_is_stripped(world):
    from PIL import Image

    upload = jpeg_with_gps()
    assert b"Exif" in upload.read()
    upload.seek(0)
    c = file_complaint(world, attachments=[upload, small_pdf()]).complaint
    image, pdf = (
        c.attachments.order_by("content_type")[1],
        c.attachments.order_by("content_type")[0],
    )
    data = image.file.read()
    assert b"Exif" not in data and b"CameraMaker" not in data
    with Image.open(image.file) as img:
        assert not img.getexif()
    assert pdf.content_type == "application/pdf"


def test_a_renamed_executable_is_refused_and_nothing_is_written(world):
    exe = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    with pytest.raises(ComplaintError) as e:
        file_complaint(world, attachments=[exe])
    assert e.value.errors == {"attachments": "type"}
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_a_wrong_type_is_refused(world):
    doc = SimpleUploadedFile("don.docx", b"PK\x03\x04rest-of-zip", content_type="application/pdf")
    with pytest.raises(ComplaintError):
        file_complaint(world, attachments=[doc])
    assert not Complaint.objects.exists()


def test_a_pdf_with_javascript_is_refused(world):
    bad = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n<< /OpenAction << /S /JavaScript /JS (x) >> >>")
    with pytest.raises(ComplaintError):
        file_complaint(world, attachments=[bad])
    assert not Complaint.objects.exists()


def test_an_oversized_file_is_refused(world, settings):
    settings.COMPLAINT_ATTACHMENT_MAX_BYTES = 1000
    big = SimpleUploadedFile("b.pdf", b"%PDF-1.4\n" + b"0" * 2000)
    with pytest.raises(ComplaintError) as e:
        file_complaint(world, attachments=[big])
    assert e.value.errors == {"attachments": "size"}
    assert not Complaint.objects.exists()


def test_a_filled_honeypot_writes_nothing(world):
    with pytest.raises(ComplaintError):
        file_complaint(world, honeypot="http://spam.example")
    assert not Complaint.objects.exists()


def test_the_rate_limit_is_per_network_and_generous(world, settings):
    settings.COMPLAINT_PER_ORIGIN = 3
    with from_network("203.0.113.7"):
        for i in range(3):
            file_complaint(world, description=f"{TEXT} Lần {i}: khác hẳn nội dung {i * 'x'}")
        with pytest.raises(ComplaintError) as e:
            file_complaint(world, description="Một nội dung hoàn toàn khác về thu tiền trước")
        assert e.value.status == 429
    with from_network("198.51.100.9"):
        file_complaint(world)  # another network is not limited
    assert Complaint.objects.count() == 4


def test_hotline_complaints_are_not_rate_limited_by_the_officers_network(world, settings):
    settings.COMPLAINT_PER_ORIGIN = 1
    with from_network():
        for _i in range(3):
            log_complaint(
                by=world.commune_officer,
                institution=world.school_a,
                source="hotline",
                category="fees",
                description=TEXT,
            )
    assert Complaint.objects.filter(source="hotline").count() == 3


def test_offensive_text_is_held_for_moderation_not_dropped(world):
    c = file_complaint(world, description=f"{TEXT} Đồ khốn nạn!").complaint
    assert c.held_for_moderation
    assert c.events.filter(kind=ComplaintEvent.Kind.HELD, note__contains="khốn nạn").exists()


def test_a_word_containing_a_listed_word_is_not_offensive(world):
    c = file_complaint(world, description=f"{TEXT} Lớp lớn, đủ điều kiện.").complaint
    assert not c.held_for_moderation


def test_a_resubmission_by_the_same_reporter_is_linked_to_the_first_case(world):
    with from_network():
        first = file_complaint(world).complaint
        again = file_complaint(world, description=TEXT + " Mong được giải quyết.").complaint
    assert again.duplicate_of == first
    assert first.events.filter(kind=ComplaintEvent.Kind.RESUBMITTED).exists()


def test_different_people_reporting_the_same_thing_stay_separate_cases(world):
    with from_network("203.0.113.7", "Phone A"):
        first = file_complaint(world).complaint
    with from_network("203.0.113.7", "Phone B"):
        second = file_complaint(world).complaint
    assert second.duplicate_of is None and first.duplicate_of is None


def test_a_named_resubmission_from_another_network_is_still_linked(world):
    with from_network("203.0.113.7"):
        first = file_complaint(world, anonymous=False, name="Lê Thị Mai", phone="0912345678")
    with from_network("198.51.100.9"):
        again = file_complaint(world, anonymous=False, name="Lê Thị Mai", phone="0912 345 678")
    assert again.complaint.duplicate_of == first.complaint


def test_only_authorities_log_hotline_complaints(world):
    with pytest.raises(Exception) as e:
        log_complaint(
            by=world.principal,
            institution=world.school_a,
            source="hotline",
            category="fees",
            description=TEXT,
        )
    assert e.type.__name__ == "PermissionDenied"
    c = log_complaint(
        by=world.commune_officer,
        institution=world.school_a,
        source="press",
        category="fees",
        description=TEXT,
    ).complaint
    assert c.source == "press" and c.received_by == world.commune_officer


def test_intake_is_audited_without_the_reporters_identity(world):
    c = file_complaint(world, anonymous=False, name="Lê Thị Mai", phone="0912345678").complaint
    event = AuditEvent.objects.get(action="complaint.received", target_id=str(c.pk))
    assert "0912345678" not in str(event.data) and "Mai" not in str(event.data)
