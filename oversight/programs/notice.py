"""The printable A4 notice of a published programme, for the school's notice board (TT29 lets
disclosure be a posting at the premises), with a QR code to its public page."""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils import translation

from oversight.programs.models import Program


def notice_pdf(*, program: Program, public_url: str) -> bytes:
    """The notice as PDF bytes, always in Vietnamese (it is posted in a Vietnamese school)."""
    from weasyprint import HTML

    qr = segno.make(public_url, error="m").svg_inline(scale=3, dark="#000")
    with translation.override("vi"):
        html = render_to_string(
            "programs/notice.html",
            {
                "program": program,
                "public_url": public_url,
                "qr": qr,
                "sessions": program.sessions.all(),
                "staff": program.staff.all(),
                "version": program.versions.order_by("-number").first(),
            },
        )
    return HTML(string=html, base_url=public_url).write_pdf()
