"""Demo data for complaints: a dozen fictional complaints about the demo schools the three demo
commune officers oversee, in various categories and states (received, accepted with a public
reply, concluded), one logged from the hotline by a commune officer, and a cluster at the demo
primary school in the last weeks, so the hotspot scan raises an alert there. Made through the
services; every description starts with MARK, which makes the function idempotent."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from oversight.accounts.models import User
from oversight.complaints.models import Category, Complaint, ComplaintEvent, Outcome, Source
from oversight.complaints.services import (
    ScanResult,
    accept_complaint,
    conclude_complaint,
    log_complaint,
    reply_to_complaint,
    scan_hotspots,
    start_verifying,
    submit_complaint,
)
from oversight.registry.demo import SEED, demo_schools, fictional_phone, person_name

MARK = "(Dữ liệu mẫu phản ánh)"
# The demo commune officer of each commune-managed demo school (see registry.demo).
OFFICERS = {"primary": "canbo.xa1", "lower_secondary": "canbo.xa2", "preschool": "canbo.xa3"}


@dataclass(frozen=True)
class Spec:
    level: str
    category: str
    text: str
    state: str = "received"  # received | accepted | concluded
    days_ago: int = 0  # backdated arrival (the cluster), 0: today
    hotline: bool = False
    named: bool = False
    reply: str = ""
    conclusion: str = ""


SPECS = [
    # The cluster at the demo primary school, different reporters over the last weeks.
    Spec(
        "primary",
        Category.COERCED_TO_JOIN,
        "Cô chủ nhiệm lớp 4 nhắn nhóm lớp rằng học sinh nào không đăng ký học thêm buổi chiều "
        "sẽ phải ngồi chờ ở hành lang.",
        days_ago=18,
    ),
    Spec(
        "primary",
        Category.FEES,
        "Nhà trường thu trước tiền câu lạc bộ tiếng Anh ba tháng qua ban đại diện cha mẹ học "
        "sinh, không có biên lai.",
        days_ago=12,
    ),
    Spec(
        "primary",
        Category.NO_ALTERNATIVE,
        "Trong giờ học kỹ năng sống do đối tác dạy, các cháu không đăng ký không được bố trí "
        "hoạt động nào khác.",
        days_ago=7,
        state="accepted",
        reply="Ủy ban đã tiếp nhận phản ánh và sẽ làm việc với nhà trường trong tuần này.",
    ),
    Spec(
        "primary",
        Category.LINKAGE_IN_OFFICIAL_HOURS,
        "Tiết tin học liên kết được xếp vào sáng thứ Ba, trùng giờ học chính khóa của lớp 3.",
        days_ago=4,
        hotline=True,
    ),
    Spec(
        "primary",
        Category.TEACHER_PRESSURE,
        "Giáo viên nói trước lớp rằng ai không học thêm thì bài kiểm tra sẽ khó hơn.",
        days_ago=2,
        named=True,
    ),
    # Elsewhere, older and further along.
    Spec(
        "lower_secondary",
        Category.TEACHING_AHEAD,
        "Lớp học thêm môn Toán lớp 8 dạy trước bài của tháng sau, rồi đề kiểm tra lấy đúng "
        "các bài đó.",
        state="concluded",
        conclusion="Đã xác minh: có dạy trước một bài. Nhà trường đã nhắc nhở giáo viên và điều "
        "chỉnh đề kiểm tra.",
    ),
    Spec(
        "lower_secondary",
        Category.FEES,
        "Phiếu thu học thêm ghi gộp tiền nước uống và tiền photo tài liệu vào học phí.",
        state="accepted",
        reply="Đã tiếp nhận. Cán bộ sẽ xem phiếu thu và trả lời trong thời hạn quy định.",
    ),
    Spec(
        "lower_secondary",
        Category.OTHER,
        "Lịch học thêm thay đổi liên tục, phụ huynh không được báo trước để đưa đón con.",
    ),
    Spec(
        "preschool",
        Category.FEES,
        "Lớp năng khiếu vẽ ở trường mầm non thu tiền cả học kỳ ngay từ buổi đầu tiên.",
        state="concluded",
        conclusion="Không đúng: khoản thu theo tháng, phụ huynh đã đồng ý bằng văn bản.",
    ),
    Spec(
        "preschool",
        Category.OTHER,
        "Lớp năng khiếu học trong phòng chật, không có quạt, các cháu ra về mệt.",
    ),
]


def _reporter(n: int) -> tuple[str, str]:
    rng = random.Random(f"{SEED}:complaint:{n}")
    return person_name(rng, "female"), fictional_phone(900_000 + n)


def _make(spec: Spec, n: int, school, officer: User) -> Complaint:
    description = f"{MARK} {spec.text}"
    if spec.hotline:
        submission = log_complaint(
            by=officer,
            institution=school,
            source=Source.HOTLINE,
            category=spec.category,
            description=description,
        )
    else:
        name, phone = _reporter(n) if spec.named else ("", "")
        submission = submit_complaint(
            institution=school,
            category=spec.category,
            description=description,
            anonymous=not spec.named,
            name=name,
            phone=phone,
        )
    c = submission.complaint
    if spec.days_ago:
        # The demo's past: the case arrived days ago (only its receipt is logged so far, or the
        # steps below follow today).
        when = timezone.now() - timedelta(days=spec.days_ago, hours=n)
        Complaint.objects.filter(pk=c.pk).update(created_at=when)
        ComplaintEvent.objects.filter(complaint=c, kind=ComplaintEvent.Kind.RECEIVED).update(
            at=when
        )
    if spec.state in ("accepted", "concluded"):
        c = accept_complaint(complaint=c, by=officer)
    if spec.reply:
        reply_to_complaint(complaint=c, by=officer, body=spec.reply, public=True)
    if spec.state == "concluded":
        c = start_verifying(complaint=c, by=officer)
        outcome = Outcome.NOT_SUBSTANTIATED if "Không đúng" in spec.conclusion else Outcome.PARTLY
        c = conclude_complaint(complaint=c, by=officer, outcome=outcome, conclusion=spec.conclusion)
    return c


@transaction.atomic
def ensure_demo_complaints() -> ScanResult:
    """Create the missing demo complaints (each once) and scan for hotspots."""
    schools = demo_schools()
    officers = {u.username: u for u in User.objects.filter(username__in=OFFICERS.values())}
    for n, spec in enumerate(SPECS):
        school = schools.get(spec.level)
        officer = officers.get(OFFICERS[spec.level])
        if school is None or officer is None:
            continue
        if Complaint.objects.filter(description=f"{MARK} {spec.text}").exists():
            continue
        _make(spec, n, school, officer)
    return scan_hotspots()
