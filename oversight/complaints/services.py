"""Every change to a complaint: intake (public form, hotline log), routing, the handling steps
with their working-day deadlines, replies, the reporter's identity, reminders and escalation,
and hotspot alerts."""

from __future__ import annotations

import difflib
import hashlib
import hmac
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.accounts import access
from oversight.audit.context import current_origin
from oversight.audit.services import record_event
from oversight.complaints.models import (
    SEVERE_CATEGORIES,
    Attachment,
    Category,
    Complaint,
    ComplaintEvent,
    ExplanationRequest,
    Hotspot,
    Outcome,
    Reply,
    Source,
    Status,
)
from oversight.complaints.workdays import add_working_days
from oversight.lib.sms import normalise_phone
from oversight.lib.text import fold, nfc
from oversight.notifications.notifier import notify
from oversight.registry.models import Agency, Institution
from oversight.registry.services import city_of


class ComplaintError(Exception):
    """A rule refuses this step; the message is safe to show. `status` is the HTTP status an
    API answers with; `errors` names the fields at fault, if any."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        status: int = 400,
        errors: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status
        self.errors = errors or {}


# --- codes and hashes --------------------------------------------------------------------------

# No 0/O, 1/I/L: a code read over the phone or copied by hand cannot be mistaken.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
SECRET_LENGTH = 12


def _random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(raw: str) -> str:
    """A tracking code as typed (any case, dashes, spaces) in its stored form."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def secret_matches(complaint: Complaint, secret: str) -> bool:
    return hmac.compare_digest(complaint.secret_hash, _digest(f"secret:{normalise_code(secret)}"))


def _origin_hash() -> str:
    o = current_origin()
    return _digest(f"origin:{o.ip_address}|{o.user_agent}") if o.ip_address else ""


# --- attachments -------------------------------------------------------------------------------

ATTACHMENT_TYPES = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}
# Active content a PDF viewer could run.
_PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile")


@dataclass
class CleanFile:
    name: str
    content_type: str
    data: bytes = field(repr=False)


def _strip_image(data: bytes, content_type: str) -> bytes:
    """Decode and encode the image again without its metadata (EXIF with GPS position,
    camera, XMP, comments), turned upright first as its EXIF said."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as img:
        img.load()
        upright = ImageOps.exif_transpose(img)
        out = io.BytesIO()
        if content_type == "image/jpeg":
            upright.convert("RGB").save(out, format="JPEG", quality=90)
        else:
            upright.save(out, format="PNG")
    return out.getvalue()


def check_attachments(uploads: list[Any]) -> list[CleanFile]:
    """Images (JPEG, PNG) and PDF only, recognised by their content, not their name; each
    under the size limit; images re-encoded without metadata. Raises ComplaintError."""
    if len(uploads) > settings.COMPLAINT_MAX_ATTACHMENTS:
        raise ComplaintError(
            _("Gửi tối đa %(n)s tệp.") % {"n": settings.COMPLAINT_MAX_ATTACHMENTS},
            errors={"attachments": "too_many"},
        )
    limit = settings.COMPLAINT_ATTACHMENT_MAX_BYTES
    clean = []
    for upload in uploads:
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise _too_big(limit)
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise _too_big(limit)
        content_type = next(
            (t for t, magic in ATTACHMENT_TYPES.items() if data.startswith(magic)), None
        )
        if content_type is None:
            raise ComplaintError(
                _("Chỉ nhận ảnh (JPEG, PNG) hoặc tệp PDF."), errors={"attachments": "type"}
            )
        if content_type == "application/pdf":
            if any(marker in data for marker in _PDF_ACTIVE):
                raise ComplaintError(
                    _("Tệp PDF có nội dung tự chạy, không nhận."), errors={"attachments": "type"}
                )
        else:
            try:
                data = _strip_image(data, content_type)
            except Exception:  # any decoder failure: not an image we can read safely
                raise ComplaintError(
                    _("Ảnh bị hỏng hoặc không đọc được."), errors={"attachments": "type"}
                ) from None
        ext = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[content_type]
        clean.append(
            CleanFile(name=f"{secrets.token_hex(12)}.{ext}", content_type=content_type, data=data)
        )
    return clean


def _too_big(limit: int) -> ComplaintError:
    return ComplaintError(
        _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": round(limit / 1024 / 1024, 1)},
        errors={"attachments": "size"},
    )


def _save_attachments(complaint: Complaint, files: list[CleanFile]) -> None:
    for f in files:
        a = Attachment(
            complaint=complaint,
            content_type=f.content_type,
            size=len(f.data),
            sha256=hashlib.sha256(f.data).hexdigest(),
        )
        a.file.save(f.name, ContentFile(f.data), save=False)
        a.save()


# --- moderation and duplicates -----------------------------------------------------------------

# A small list of Vietnamese insults and obscenities (and their usual abbreviations), matched on
# whole words with their marks: folding would confuse "lồn" with "lớn". A match holds the
# complaint for an officer to read; it is never silently dropped.
OFFENSIVE_WORDS = (
    "địt",
    "đụ",
    "lồn",
    "cặc",
    "buồi",
    "đĩ",
    "đm",
    "đcm",
    "dcm",
    "vcl",
    "vkl",
    "clgt",
    "đéo",
    "óc chó",
    "chó chết",
    "mất dạy",
    "khốn nạn",
    "đồ ngu",
    "súc vật",
)
_OFFENSIVE = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(w) for w in OFFENSIVE_WORDS) + r")(?!\w)", re.IGNORECASE
)


def offensive_terms(text: str) -> list[str]:
    return sorted({m.group(1).lower() for m in _OFFENSIVE.finditer(nfc(text).lower())})


DUPLICATE_DAYS = 90
DUPLICATE_SIMILARITY = 0.8


def find_resubmission_of(
    *, reporter_hash: str, institution: Institution, description: str
) -> Complaint | None:
    """The reporter's own earlier open case about the same school with nearly the same text.
    Different reporters never match: many people reporting one thing is a signal."""
    if not reporter_hash:
        return None
    since = timezone.now() - timedelta(days=DUPLICATE_DAYS)
    text = fold(description)
    candidates = Complaint.objects.filter(
        reporter_hash=reporter_hash,
        institution=institution,
        duplicate_of__isnull=True,
        created_at__gte=since,
    ).exclude(status__in=[Status.REJECTED, Status.CLOSED])
    for c in candidates.order_by("created_at")[:20]:
        if difflib.SequenceMatcher(None, fold(c.description), text).ratio() >= DUPLICATE_SIMILARITY:
            return c
    return None


# --- routing and deadlines ---------------------------------------------------------------------


def department_of(institution: Institution) -> Agency:
    return Agency.objects.get(unit=city_of(institution.unit), kind=Agency.Kind.DEPARTMENT)


def names_the_principal(institution: Institution, description: str) -> bool:
    """The text speaks of the principal, by title or by name."""
    text = fold(description)
    name = fold(institution.principal_name)
    return "hieu truong" in text or "ban giam hieu" in text or bool(name and name in text)


def route(
    *, institution: Institution, category: str, names_principal: bool
) -> tuple[Agency, bool, str]:
    """The agency that handles a complaint about `institution`: its managing authority (the
    commune for its preschools, primary and lower-secondary schools, the department for the
    rest), or the department when the case is severe or names the principal. Never the school.
    Returns (agency, escalated, reason)."""
    agency = institution.managing_agency
    reason = ""
    if category in SEVERE_CATEGORIES:
        reason = _("Nội dung nghiêm trọng (trù dập).")
    elif names_principal:
        reason = _("Phản ánh liên quan đến hiệu trưởng.")
    if reason and agency.kind != Agency.Kind.DEPARTMENT:
        return department_of(institution), True, reason
    return agency, False, ""


def days_for(status: str) -> int | None:
    days: dict[str, int] = {
        Status.RECEIVED: settings.COMPLAINT_DAYS_TO_ACCEPT,
        Status.ACCEPTED: settings.COMPLAINT_DAYS_TO_START_VERIFYING,
        Status.VERIFYING: settings.COMPLAINT_DAYS_TO_CONCLUDE,
        Status.CONCLUDED: settings.COMPLAINT_DAYS_TO_CLOSE,
    }
    return days.get(status)


def due_date(status: str, start: date) -> date | None:
    """The deadline of a state entered on `start`, in working days."""
    days = days_for(status)
    return add_working_days(start, days) if days is not None else None


def _event(
    complaint: Complaint, kind: str, actor: Any, note: str = "", *, public: bool = False
) -> None:
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
        public=public,
    )


def _tell_agency(complaint: Complaint, template: str) -> None:
    agency = complaint.handling_agency
    notify(
        channel="email",
        to=agency.email,
        template=template,
        context={
            "complaint": complaint,
            "url": f"{settings.SITE_URL}/complaints/manage/{complaint.pk}/",
        },
        about=f"complaint:{complaint.pk}",
    )


# --- intake ------------------------------------------------------------------------------------


@dataclass
class Submission:
    complaint: Complaint
    secret: str


def _check_input(
    *,
    institution: Institution,
    category: str,
    description: str,
    anonymous: bool,
    name: str,
    phone: str,
    program_id: int | None,
) -> tuple[str, str, str, Any]:
    errors: dict[str, str] = {}
    text = nfc(description)
    name = nfc(name) if not anonymous else ""
    number = normalise_phone(phone or "") if not anonymous else ""
    if category not in Category.values:
        errors["category"] = _("Chọn một nội dung phản ánh.")
    if len(text) < 20:
        errors["description"] = _("Mô tả cần ít nhất 20 ký tự.")
    elif len(text) > 5000:
        errors["description"] = _("Mô tả tối đa 5.000 ký tự.")
    if not institution.is_active:
        errors["institution_id"] = _("Cơ sở giáo dục không còn hoạt động.")
    if not anonymous:
        if not name:
            errors["name"] = _("Cần họ và tên, hoặc chọn gửi ẩn danh.")
        if not number:
            errors["phone"] = _("Số điện thoại không hợp lệ: nhập 10 chữ số, ví dụ 0912345678.")
    program = None
    if program_id is not None:
        from oversight.programs.models import Program

        program = Program.objects.filter(pk=program_id, institution=institution).first()
        if program is None:
            errors["program_id"] = _("Chương trình không thuộc cơ sở giáo dục đã chọn.")
    if errors:
        raise ComplaintError(next(iter(errors.values())), errors=errors)
    return text, name, number, program


def _new_complaint(**fields: Any) -> tuple[Complaint, str]:
    secret = _random_code(SECRET_LENGTH)
    for _attempt in range(5):
        code = _random_code(CODE_LENGTH)
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    tracking_code=code, secret_hash=_digest(f"secret:{secret}"), **fields
                )
            return complaint, secret
        except IntegrityError:
            if Complaint.objects.filter(tracking_code=code).exists():
                continue
            raise
    raise RuntimeError("could not draw a free tracking code")


@transaction.atomic
def submit_complaint(
    *,
    institution: Institution,
    category: str,
    description: str,
    anonymous: bool,
    name: str = "",
    phone: str = "",
    program_id: int | None = None,
    attachments: list[Any] | None = None,
    names_principal: bool = False,
    honeypot: str = "",
    source: str = Source.WEB,
    by: Any = None,
) -> Submission:
    """File a complaint: routed to the school's managing authority (or the department when
    severe or about the principal), with a tracking code and a secret shown once. The public
    form is rate-limited per network, refuses a filled honeypot, holds offensive text for
    moderation, and links a resubmission to the reporter's earlier case."""
    if honeypot:
        raise ComplaintError(_("Không gửi được phản ánh."), code="rejected")
    origin = _origin_hash()
    if source == Source.WEB and origin:
        since = timezone.now() - timedelta(minutes=settings.COMPLAINT_WINDOW_MINUTES)
        recent = Complaint.objects.filter(origin_hash=origin, created_at__gte=since).count()
        if recent >= settings.COMPLAINT_PER_ORIGIN:
            raise ComplaintError(
                _("Mạng của bạn đã gửi nhiều phản ánh. Vui lòng thử lại sau %(m)s phút.")
                % {"m": settings.COMPLAINT_WINDOW_MINUTES},
                code="too_many_requests",
                status=429,
            )
    text, name, number, program = _check_input(
        institution=institution,
        category=category,
        description=description,
        anonymous=anonymous,
        name=name,
        phone=phone,
        program_id=program_id,
    )
    files = check_attachments(list(attachments or []))
    principal = names_principal or names_the_principal(institution, text)
    agency, escalated, reason = route(
        institution=institution, category=category, names_principal=principal
    )
    reporter_hash = _digest(f"phone:{number}") if number else origin
    earlier = find_resubmission_of(
        reporter_hash=reporter_hash, institution=institution, description=text
    )
    held = offensive_terms(text)
    complaint, secret = _new_complaint(
        institution=institution,
        program=program,
        category=category,
        description=text,
        source=source,
        anonymous=anonymous,
        reporter_name=name,
        reporter_phone=number,
        origin_hash=origin if source == Source.WEB else "",
        reporter_hash=reporter_hash,
        names_principal=principal,
        handling_agency=agency,
        escalated=escalated,
        escalation_reason=reason,
        held_for_moderation=bool(held),
        duplicate_of=earlier,
        received_by=by if getattr(by, "is_authenticated", False) else None,
        due_on=due_date(Status.RECEIVED, timezone.localdate()),
    )
    _save_attachments(complaint, files)
    _event(complaint, ComplaintEvent.Kind.RECEIVED, by, public=True)
    if escalated:
        _event(complaint, ComplaintEvent.Kind.ESCALATED, None, reason)
    if held:
        _event(complaint, ComplaintEvent.Kind.HELD, None, ", ".join(held))
    if earlier is not None:
        _event(earlier, ComplaintEvent.Kind.RESUBMITTED, None, complaint.tracking_code)
    record_event(
        actor=by,
        action="complaint.received",
        target=complaint,
        data={
            "source": source,
            "category": category,
            "agency": agency.pk,
            "escalated": escalated,
            "held": bool(held),
            "resubmission_of": earlier.pk if earlier else None,
            "attachments": len(files),
        },
    )
    if earlier is None:
        _tell_agency(complaint, "complaint_received")
    return Submission(complaint=complaint, secret=secret)


def log_complaint(
    *,
    by: Any,
    institution: Institution,
    source: str,
    category: str,
    description: str,
    anonymous: bool = True,
    name: str = "",
    phone: str = "",
    program_id: int | None = None,
    names_principal: bool = False,
) -> Submission:
    """Staff record a complaint heard on the hotline, read in the press or found in an
    inspection, with its source; it is routed like any other."""
    if not access.can_log_complaint(by, institution):
        raise PermissionDenied
    if source not in (Source.HOTLINE, Source.PRESS, Source.INSPECTION, Source.OTHER):
        raise ComplaintError(_("Chọn nguồn phản ánh."), errors={"source": "invalid"})
    return submit_complaint(
        institution=institution,
        category=category,
        description=description,
        anonymous=anonymous,
        name=name,
        phone=phone,
        program_id=program_id,
        names_principal=names_principal,
        source=source,
        by=by,
    )


@transaction.atomic
def add_information(
    *, complaint: Complaint, secret: str, body: str, attachments: list[Any] | None = None
) -> Reply:
    """The reporter, holding the secret, adds information to an open case."""
    if not secret_matches(complaint, secret):
        raise ComplaintError(_("Mã theo dõi hoặc mã bí mật không đúng."), status=404)
    case = complaint.duplicate_of or complaint
    case = Complaint.objects.select_for_update().get(pk=case.pk)
    if case.status not in (Status.RECEIVED, Status.ACCEPTED, Status.VERIFYING):
        raise ComplaintError(
            _("Phản ánh đã có kết luận, không bổ sung được nữa."), code="conflict", status=409
        )
    text = nfc(body)
    if not 5 <= len(text) <= 5000:
        raise ComplaintError(_("Nội dung bổ sung từ 5 đến 5.000 ký tự."), errors={"body": "len"})
    files = check_attachments(list(attachments or []))
    reply = Reply.objects.create(complaint=case, kind=Reply.Kind.REPORTER, body=text)
    _save_attachments(case, files)
    _event(case, ComplaintEvent.Kind.INFO_ADDED, None, public=True)
    record_event(
        actor=None,
        action="complaint.info_added",
        target=case,
        data={"attachments": len(files), "offensive": bool(offensive_terms(text))},
    )
    return reply


# --- handling ----------------------------------------------------------------------------------


def _lock_for(complaint: Complaint, by: Any) -> Complaint:
    locked = (
        Complaint.objects.select_for_update()
        .select_related("handling_agency__unit", "institution__unit")
        .get(pk=complaint.pk)
    )
    if not access.can_handle_complaint(by, locked):
        raise PermissionDenied
    return locked


def _wrong_state() -> ComplaintError:
    return ComplaintError(
        _("Phản ánh không ở trạng thái cho phép thao tác này."), code="conflict", status=409
    )


def _move(complaint: Complaint, status: str, *, extra: tuple[str, ...] = ()) -> None:
    complaint.status = status
    complaint.due_on = due_date(status, timezone.localdate())
    complaint.save(update_fields=["status", "due_on", "updated_at", *extra])


@transaction.atomic
def release_from_moderation(*, complaint: Complaint, by: Any) -> Complaint:
    """An officer who read a held complaint lets it into the normal handling."""
    c = _lock_for(complaint, by)
    if not c.held_for_moderation:
        raise _wrong_state()
    c.held_for_moderation = False
    c.save(update_fields=["held_for_moderation", "updated_at"])
    _event(c, ComplaintEvent.Kind.RELEASED, by)
    record_event(actor=by, action="complaint.released", target=c)
    return c


@transaction.atomic
def accept_complaint(*, complaint: Complaint, by: Any) -> Complaint:
    """The handling agency takes the case on; the accepting officer becomes its handler."""
    c = _lock_for(complaint, by)
    if c.status != Status.RECEIVED or c.held_for_moderation or c.duplicate_of_id:
        raise _wrong_state()
    c.handler = by
    _move(c, Status.ACCEPTED, extra=("handler",))
    _event(c, ComplaintEvent.Kind.ACCEPTED, by, public=True)
    record_event(actor=by, action="complaint.accepted", target=c)
    return c


@transaction.atomic
def reject_complaint(*, complaint: Complaint, by: Any, reason: str) -> Complaint:
    """A case outside the rules (not about tutoring or linkage, say) is refused with a reason
    the reporter reads."""
    c = _lock_for(complaint, by)
    if c.status != Status.RECEIVED or c.duplicate_of_id:
        raise _wrong_state()
    reason = nfc(reason)
    if len(reason) < 10:
        raise ComplaintError(
            _("Cần nêu lý do không thụ lý (ít nhất 10 ký tự)."), errors={"reason": "required"}
        )
    c.rejection_reason = reason
    c.handler = by
    _move(c, Status.REJECTED, extra=("rejection_reason", "handler"))
    _event(c, ComplaintEvent.Kind.REJECTED, by, reason, public=True)
    record_event(actor=by, action="complaint.rejected", target=c, data={"reason": reason})
    return c


@transaction.atomic
def take_complaint(*, complaint: Complaint, by: Any) -> Complaint:
    """An officer of the handling agency takes over an accepted case (after an escalation)."""
    c = _lock_for(complaint, by)
    if c.status not in (Status.ACCEPTED, Status.VERIFYING, Status.CONCLUDED):
        raise _wrong_state()
    c.handler = by
    c.save(update_fields=["handler", "updated_at"])
    record_event(actor=by, action="complaint.taken", target=c)
    return c


def _require_handler(c: Complaint, by: Any) -> None:
    if c.handler_id != by.pk and not getattr(by, "is_superuser", False):
        raise ComplaintError(
            _("Chỉ cán bộ đang xử lý phản ánh này mới thực hiện được."),
            code="forbidden",
            status=403,
        )


@transaction.atomic
def start_verifying(*, complaint: Complaint, by: Any) -> Complaint:
    """The handler starts verifying the facts."""
    c = _lock_for(complaint, by)
    if c.status != Status.ACCEPTED:
        raise _wrong_state()
    _require_handler(c, by)
    _move(c, Status.VERIFYING)
    _event(c, ComplaintEvent.Kind.VERIFYING, by, public=True)
    record_event(actor=by, action="complaint.verifying", target=c)
    return c


@transaction.atomic
def conclude_complaint(
    *, complaint: Complaint, by: Any, outcome: str, conclusion: str
) -> Complaint:
    """The handler concludes: substantiated, partly or not substantiated, with the findings in
    plain Vietnamese for the reporter."""
    c = _lock_for(complaint, by)
    if c.status not in (Status.ACCEPTED, Status.VERIFYING):
        raise _wrong_state()
    _require_handler(c, by)
    text = nfc(conclusion)
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Chọn kết luận.")
    if len(text) < 10:
        errors["conclusion"] = _("Cần nội dung kết luận (ít nhất 10 ký tự).")
    if errors:
        raise ComplaintError(next(iter(errors.values())), errors=errors)
    c.outcome, c.conclusion = outcome, text
    _move(c, Status.CONCLUDED, extra=("outcome", "conclusion"))
    _event(c, ComplaintEvent.Kind.CONCLUDED, by, text, public=True)
    record_event(actor=by, action="complaint.concluded", target=c, data={"outcome": outcome})
    return c


@transaction.atomic
def close_complaint(*, complaint: Complaint, by: Any) -> Complaint:
    """A concluded case is closed once its follow-up is done."""
    c = _lock_for(complaint, by)
    if c.status != Status.CONCLUDED:
        raise _wrong_state()
    _move(c, Status.CLOSED)
    _event(c, ComplaintEvent.Kind.CLOSED, by, public=True)
    record_event(actor=by, action="complaint.closed", target=c)
    return c


@transaction.atomic
def reply_to_complaint(*, complaint: Complaint, by: Any, body: str, public: bool) -> Reply:
    """A public reply the reporter reads on the tracking page, or an internal note."""
    c = _lock_for(complaint, by)
    text = nfc(body)
    if not 5 <= len(text) <= 5000:
        raise ComplaintError(_("Nội dung từ 5 đến 5.000 ký tự."), errors={"body": "len"})
    if public and c.status == Status.RECEIVED and c.held_for_moderation:
        raise _wrong_state()
    reply = Reply.objects.create(
        complaint=c, kind=Reply.Kind.PUBLIC if public else Reply.Kind.INTERNAL, body=text, author=by
    )
    _event(c, ComplaintEvent.Kind.REPLIED if public else ComplaintEvent.Kind.NOTE, by)
    record_event(actor=by, action="complaint.replied" if public else "complaint.noted", target=c)
    return reply


def _link(
    complaint: Complaint,
    by: Any,
    *,
    field: str,
    candidates: Any,
    obj_id: int | None,
    kind: str,
    refused: str,
) -> Complaint:
    """Point the case at one of `candidates` (what the officer may link), or at nothing."""
    c = _lock_for(complaint, by)
    obj = None
    if obj_id is not None:
        obj = candidates.filter(pk=obj_id).first()
        if obj is None:
            raise ComplaintError(refused, errors={f"{field}_id": "invalid"})
    setattr(c, field, obj)
    c.save(update_fields=[field, "updated_at"])
    _event(c, kind, by, str(obj or ""))
    record_event(actor=by, action="complaint.linked", target=c, data={field: obj_id})
    return c


@transaction.atomic
def link_program(*, complaint: Complaint, by: Any, program_id: int | None) -> Complaint:
    """Link the case to one of the school's programmes (or unlink it)."""
    from oversight.programs.models import Program

    return _link(
        complaint,
        by,
        field="program",
        candidates=Program.objects.filter(institution_id=complaint.institution_id),
        obj_id=program_id,
        kind=ComplaintEvent.Kind.LINKED,
        refused=_("Chương trình không thuộc cơ sở giáo dục bị phản ánh."),
    )


@transaction.atomic
def link_finding(*, complaint: Complaint, by: Any, finding_id: int | None) -> Complaint:
    """Link the case to a compliance finding the officer can see (or unlink it)."""
    return _link(
        complaint,
        by,
        field="finding",
        candidates=access.findings_visible_to(by),
        obj_id=finding_id,
        kind=ComplaintEvent.Kind.LINKED_FINDING,
        refused=_("Không tìm thấy phát hiện này trong phạm vi của anh/chị."),
    )


@transaction.atomic
def link_inspection(*, complaint: Complaint, by: Any, inspection_id: int | None) -> Complaint:
    """Link the case to an inspection the officer can see (or unlink it)."""
    return _link(
        complaint,
        by,
        field="inspection",
        candidates=access.inspections_visible_to(by),
        obj_id=inspection_id,
        kind=ComplaintEvent.Kind.LINKED_INSPECTION,
        refused=_("Không tìm thấy đợt kiểm tra này trong phạm vi của anh/chị."),
    )


@transaction.atomic
def escalate_complaint(*, complaint: Complaint, by: Any, reason: str) -> Complaint:
    """The handling commune (or the department itself) moves a case to the department."""
    c = _lock_for(complaint, by)
    reason = nfc(reason)
    if len(reason) < 10:
        raise ComplaintError(
            _("Cần nêu lý do chuyển (ít nhất 10 ký tự)."), errors={"reason": "required"}
        )
    if c.handling_agency.kind == Agency.Kind.DEPARTMENT or c.status not in (
        Status.RECEIVED,
        Status.ACCEPTED,
        Status.VERIFYING,
    ):
        raise _wrong_state()
    _escalate(c, by, reason)
    return c


def _escalate(c: Complaint, by: Any, reason: str) -> None:
    c.handling_agency = department_of(c.institution)
    c.escalated, c.escalation_reason, c.handler = True, reason[:300], None
    c.due_on = due_date(c.status, timezone.localdate())
    c.save(
        update_fields=[
            "handling_agency",
            "escalated",
            "escalation_reason",
            "handler",
            "due_on",
            "updated_at",
        ]
    )
    _event(c, ComplaintEvent.Kind.ESCALATED, by, reason, public=True)
    record_event(actor=by, action="complaint.escalated", target=c, data={"reason": reason})
    _tell_agency(c, "complaint_escalated")


@transaction.atomic
def reveal_identity(*, complaint: Complaint, by: Any, reason: str) -> dict[str, str]:
    """The reporter's name and phone, for the officer handling the case only, each view
    logged with its reason."""
    c = Complaint.objects.select_related("handling_agency__unit").get(pk=complaint.pk)
    if not access.can_reveal_reporter(by, c):
        raise PermissionDenied
    reason = nfc(reason)
    if len(reason) < 10:
        raise ComplaintError(
            _("Cần nêu lý do xem danh tính (ít nhất 10 ký tự)."), errors={"reason": "required"}
        )
    if c.anonymous:
        raise ComplaintError(_("Người phản ánh đã chọn ẩn danh."), code="conflict", status=409)
    _event(c, ComplaintEvent.Kind.IDENTITY_VIEWED, by, reason)
    record_event(actor=by, action="complaint.identity_viewed", target=c, data={"reason": reason})
    return {"name": c.reporter_name, "phone": c.reporter_phone}


@transaction.atomic
def request_explanation(*, complaint: Complaint, by: Any, question: str) -> ExplanationRequest:
    """Ask the school to explain one point; it sees the question, not the complaint."""
    c = _lock_for(complaint, by)
    text = nfc(question)
    if len(text) < 10:
        raise ComplaintError(_("Cần nội dung yêu cầu giải trình."), errors={"question": "len"})
    if c.status not in (Status.ACCEPTED, Status.VERIFYING):
        raise _wrong_state()
    req = ExplanationRequest.objects.create(complaint=c, question=text, asked_by=by)
    _event(c, ComplaintEvent.Kind.EXPLANATION_REQUESTED, by, text)
    record_event(actor=by, action="complaint.explanation_requested", target=c)
    # The message names the school only: the question is read on the school's page.
    notify(
        channel="email",
        to=c.institution.email,
        template="complaint_explanation",
        context={"request": req, "url": f"{settings.SITE_URL}/complaints/explanations/"},
        about=f"complaint:{c.pk}",
    )
    return req


@transaction.atomic
def answer_explanation(*, request: ExplanationRequest, by: Any, answer: str) -> ExplanationRequest:
    """The school's management answers the question it was asked."""
    req = ExplanationRequest.objects.select_for_update().get(pk=request.pk)
    if not access.explanation_requests_for_user(by).filter(pk=req.pk).exists():
        raise PermissionDenied
    if req.answered_at is not None:
        raise _wrong_state()
    text = nfc(answer)
    if len(text) < 10:
        raise ComplaintError(_("Cần nội dung giải trình."), errors={"answer": "len"})
    req.answer, req.answered_by, req.answered_at = text, by, timezone.now()
    req.save(update_fields=["answer", "answered_by", "answered_at"])
    _event(req.complaint, ComplaintEvent.Kind.EXPLAINED, by)
    record_event(actor=by, action="complaint.explained", target=req.complaint)
    return req


# --- deadlines (run by manage.py remind_complaints) --------------------------------------------


def remind_due_complaints(*, today: date | None = None) -> int:
    """Tell the handling agency about open cases due within COMPLAINT_REMIND_DAYS_BEFORE
    working days; each deadline is reminded once, claimed by a conditional UPDATE."""
    today = today or timezone.localdate()
    horizon = add_working_days(today, settings.COMPLAINT_REMIND_DAYS_BEFORE)
    sent = 0
    due = Complaint.objects.open().filter(
        due_on__gte=today, due_on__lte=horizon, duplicate_of__isnull=True
    )
    for c in due.select_related("handling_agency").iterator():
        with transaction.atomic():
            claimed = (
                Complaint.objects.filter(pk=c.pk, due_on=c.due_on, status=c.status)
                .exclude(reminded_for_due_on=c.due_on)
                .update(reminded_for_due_on=c.due_on)
            )
            if not claimed:
                continue
            _event(c, ComplaintEvent.Kind.REMINDED, None, c.due_on.isoformat())
            record_event(
                actor=None, action="complaint.reminded", target=c, data={"due_on": str(c.due_on)}
            )
            _tell_agency(c, "complaint_due")
        sent += 1
    return sent


def escalate_overdue_complaints(*, today: date | None = None) -> int:
    """Open cases past their deadline at a commune go to the department (claimed by a
    conditional UPDATE, so two runners never escalate one case twice)."""
    today = today or timezone.localdate()
    moved = 0
    overdue = Complaint.objects.open().filter(
        due_on__lt=today,
        duplicate_of__isnull=True,
        handling_agency__kind=Agency.Kind.COMMUNE_COMMITTEE,
    )
    for c in overdue.select_related("institution__unit", "handling_agency").iterator():
        with transaction.atomic():
            department = department_of(c.institution)
            reason = _("Quá hạn xử lý (%(due)s).") % {"due": c.due_on.strftime("%d/%m/%Y")}
            claimed = Complaint.objects.filter(
                pk=c.pk, handling_agency=c.handling_agency_id, due_on=c.due_on
            ).update(
                handling_agency=department,
                escalated=True,
                escalation_reason=reason,
                handler=None,
                due_on=due_date(c.status, today),
                updated_at=timezone.now(),
            )
            if not claimed:
                continue
            c.refresh_from_db()
            _event(c, ComplaintEvent.Kind.ESCALATED, None, reason, public=True)
            record_event(
                actor=None, action="complaint.escalated", target=c, data={"reason": reason}
            )
            _tell_agency(c, "complaint_escalated")
        moved += 1
    return moved


# --- hotspots (run by manage.py detect_hotspots) -----------------------------------------------


@dataclass
class ScanResult:
    raised: int = 0
    updated: int = 0
    resolved: int = 0


@transaction.atomic
def scan_hotspots(*, today: date | None = None) -> ScanResult:
    """Raise, update or resolve hotspot alerts from `selectors.hotspot_candidates`: one open
    alert per school or commune; the commune and the department are told of new ones."""
    from oversight.complaints.selectors import hotspot_candidates

    result = ScanResult()
    found: dict[tuple[str, int | None], Any] = {
        (c.scope, c.place_id): c for c in hotspot_candidates(today=today)
    }
    open_alerts: dict[tuple[str, int | None], Hotspot] = {
        (h.scope, h.institution_id if h.scope == Hotspot.Scope.INSTITUTION else h.unit_id): h
        for h in Hotspot.objects.select_for_update().exclude(state=Hotspot.State.RESOLVED)
    }
    now = timezone.now()
    for key, cand in found.items():
        h = open_alerts.get(key)
        fields = dict(
            state=cand.state,
            weight=cand.weight,
            baseline=cand.baseline,
            city_average=cand.city_average,
            reasons=cand.reasons,
            evidence=cand.evidence,
        )
        if h is None:
            h = Hotspot.objects.create(
                scope=cand.scope,
                institution_id=cand.place_id if cand.scope == Hotspot.Scope.INSTITUTION else None,
                unit_id=cand.unit_id,
                **fields,
            )
            result.raised += 1
            record_event(actor=None, action="hotspot.raised", target=h, data={"state": h.state})
            _tell_about_hotspot(h)
        else:
            changed = h.state != cand.state
            for k, v in fields.items():
                setattr(h, k, v)
            h.save(update_fields=[*fields, "updated_at"])
            result.updated += 1
            if changed:
                record_event(
                    actor=None, action="hotspot.changed", target=h, data={"state": h.state}
                )
                if h.state == Hotspot.State.ACTIVE:
                    _tell_about_hotspot(h)
    for key, h in open_alerts.items():
        if key not in found:
            h.state, h.resolved_at = Hotspot.State.RESOLVED, now
            h.reasons = [*h.reasons, _("Số phản ánh đã trở lại dưới ngưỡng.")]
            h.save(update_fields=["state", "resolved_at", "reasons", "updated_at"])
            result.resolved += 1
            record_event(actor=None, action="hotspot.resolved", target=h, data={"auto": True})
    return result


def _tell_about_hotspot(h: Hotspot) -> None:
    agencies = Agency.objects.filter(
        unit__in=[h.unit_id, city_of(h.unit).pk],
        kind__in=[Agency.Kind.COMMUNE_COMMITTEE, Agency.Kind.DEPARTMENT],
    )
    for agency in agencies:
        notify(
            channel="email",
            to=agency.email,
            template="hotspot_raised",
            context={"hotspot": h, "url": f"{settings.SITE_URL}/complaints/hotspots/"},
            about=f"hotspot:{h.pk}",
        )


@transaction.atomic
def resolve_hotspot(*, hotspot: Hotspot, by: Any, note: str) -> Hotspot:
    """The commune or the department marks an alert handled, saying how."""
    h = Hotspot.objects.select_for_update().select_related("unit").get(pk=hotspot.pk)
    if not access.can_resolve_hotspot(by, h):
        raise PermissionDenied
    if h.state == Hotspot.State.RESOLVED:
        raise _wrong_state()
    note = nfc(note)
    if len(note) < 10:
        raise ComplaintError(_("Cần ghi cách đã xử lý (ít nhất 10 ký tự)."), errors={"note": "len"})
    h.state, h.resolved_at, h.reasons = Hotspot.State.RESOLVED, timezone.now(), [*h.reasons, note]
    h.save(update_fields=["state", "resolved_at", "reasons", "updated_at"])
    record_event(actor=by, action="hotspot.resolved", target=h, data={"note": note})
    return h
