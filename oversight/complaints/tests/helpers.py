"""Helpers for the complaints tests: fictional complaints and small valid files."""

from __future__ import annotations

import io
from contextlib import contextmanager
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.audit.context import Origin, reset_origin, set_origin
from oversight.complaints.services import Submission, submit_complaint

TEXT = "Cô chủ nhiệm lớp 5A1 yêu cầu cả lớp đi học thêm ở nhà cô, ai không đi bị nhắc nhở."


def file_complaint(world: Any, **overrides: Any) -> Submission:
    fields: dict[str, Any] = dict(
        institution=world.school_a,
        category="coerced_to_join",
        description=TEXT,
        anonymous=True,
    )
    fields.update(overrides)
    return submit_complaint(**fields)


@contextmanager
def from_network(ip: str = "203.0.113.7", agent: str = "Mozilla/5.0 (Android)"):
    token = set_origin(Origin(ip_address=ip, user_agent=agent))
    try:
        yield
    finally:
        reset_origin(token)


def jpeg_with_gps(name: str = "anh.jpg") -> SimpleUploadedFile:
    """A small JPEG carrying EXIF with a GPS position."""
    from PIL import Image

    img = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    gps = {1: "N", 2: (20.0, 51.0, 0.0), 3: "E", 4: (106.0, 41.0, 0.0)}
    exif[0x8825] = gps
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def small_pdf(name: str = "bien-lai.pdf") -> SimpleUploadedFile:
    data = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return SimpleUploadedFile(name, data, content_type="application/pdf")
