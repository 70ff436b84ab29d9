"""The checklist an inspection works through, by the kind of target.

`checklist_for` is the one place the template checklist comes from. For now it reads the small
table below (RULES.md ids; titles and citations as RULES.md gives them); once the compliance
rule packs are merged it reads them instead, and `prefill_findings` brings in their open
findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

# Target kinds: an institution (a school), an outside facility, or a programme by its kind.
INSTITUTION = "institution"
FACILITY = "facility"
IN_SCHOOL = "in_school_tutoring"
OUTSIDE = "outside_tutoring"
LINKAGE = "linkage"

TT29 = "Thông tư 29/2024/TT-BGDĐT"
TT04 = "Thông tư 04/2014/TT-BGDĐT"
HP_LINKAGE = "Công văn 2253/UBND-VX của UBND thành phố Hải Phòng"
HP_FEES = "Công văn 2773/SGDĐT-KHTC của Sở GDĐT Hải Phòng"
TT29_FROM = date(2025, 2, 14)
HP_LINKAGE_FROM = date(2024, 10, 11)


@dataclass(frozen=True)
class ChecklistRule:
    rule: str
    title: str
    citation: str


@dataclass(frozen=True)
class _Row:
    rule: str
    title: str
    citation: str
    kinds: frozenset[str]
    valid_from: date
    # Levels the rule concerns (empty: every level).
    levels: frozenset[str] = frozenset()


def _k(*kinds: str) -> frozenset[str]:
    return frozenset(kinds)


SCHOOL_SIDE = _k(INSTITUTION, IN_SCHOOL)
OUTSIDE_SIDE = _k(FACILITY, OUTSIDE)

# The rules that only an inspection can decide come first: no engine can see them in data.
RULES: tuple[_Row, ...] = (
    _Row(
        "tt29.a3.no-cut",
        "Không cắt giảm nội dung trong chương trình giáo dục nhà trường để đưa vào dạy thêm",
        f"Khoản 2 Điều 3 {TT29}",
        _k(INSTITUTION, IN_SCHOOL, FACILITY, OUTSIDE),
        TT29_FROM,
    ),
    _Row(
        "link.records",
        "Đơn vị liên kết lưu danh sách giáo viên, người học",
        f"{TT04}; {HP_LINKAGE}",
        _k(INSTITUTION, LINKAGE),
        HP_LINKAGE_FROM,
    ),
    _Row(
        "tt29.a3.voluntary",
        "Học sinh học thêm trên cơ sở tự nguyện, có ý kiến đồng ý của cha mẹ; không ép buộc "
        "dưới mọi hình thức",
        f"Khoản 1 Điều 3 {TT29}",
        _k(INSTITUTION, IN_SCHOOL, FACILITY, OUTSIDE),
        TT29_FROM,
    ),
    _Row(
        "tt29.a4.primary",
        "Không dạy thêm đối với học sinh tiểu học, trừ bồi dưỡng nghệ thuật, thể dục thể "
        "thao, rèn luyện kỹ năng sống",
        f"Khoản 1 Điều 4 {TT29}",
        _k(INSTITUTION, IN_SCHOOL, FACILITY, OUTSIDE),
        TT29_FROM,
        _k("primary", "multi_level"),
    ),
    _Row(
        "tt29.a4.own-students",
        "Giáo viên không dạy thêm ngoài nhà trường có thu tiền đối với học sinh mà mình được "
        "nhà trường phân công giảng dạy",
        f"Khoản 2 Điều 4 {TT29}",
        _k(INSTITUTION, FACILITY, OUTSIDE),
        TT29_FROM,
    ),
    _Row(
        "tt29.a4.no-manage",
        "Giáo viên đang dạy tại nhà trường không tham gia quản lý, điều hành cơ sở dạy thêm",
        f"Khoản 3 Điều 4 {TT29}",
        _k(INSTITUTION, FACILITY, OUTSIDE),
        TT29_FROM,
    ),
    _Row(
        "tt29.a5.free",
        "Dạy thêm trong nhà trường không thu tiền của học sinh",
        f"Khoản 1 Điều 5 {TT29}",
        SCHOOL_SIDE,
        TT29_FROM,
    ),
    _Row(
        "tt29.a5.groups",
        "Dạy thêm trong nhà trường chỉ cho ba nhóm học sinh theo quy định",
        f"Khoản 1 Điều 5 {TT29}",
        SCHOOL_SIDE,
        TT29_FROM,
    ),
    _Row(
        "tt29.a5.application",
        "Mỗi học sinh có đơn đăng ký học thêm cho từng môn (mẫu 01)",
        f"Khoản 2 Điều 5 {TT29}",
        SCHOOL_SIDE,
        TT29_FROM,
    ),
    _Row(
        "tt29.a5.by-subject",
        "Lớp dạy thêm tổ chức theo từng môn trong một khối lớp, không theo lớp chính khóa",
        f"Điểm a Khoản 4 Điều 5 {TT29}",
        SCHOOL_SIDE,
        TT29_FROM,
    ),
    _Row(
        "tt29.a5.size",
        "Mỗi lớp dạy thêm trong nhà trường không quá 45 học sinh",
        f"Điểm a Khoản 4 Điều 5 {TT29}",
        SCHOOL_SIDE,
        TT29_FROM,
    ),
    _Row(
        "tt29.a5.no-interleave",
        "Không xếp tiết dạy thêm xen kẽ với thời khóa biểu chính khóa",
        f"Điểm b Khoản 4 Điều 5 {TT29}",
        SCHOOL_SIDE,
        TT29_FROM,
    ),
    _Row(
        "tt29.a5.two-periods",
        "Không quá 2 tiết mỗi tuần cho mỗi môn học",
        f"Điểm c Khoản 4 Điều 5 {TT29}",
        SCHOOL_SIDE,
        TT29_FROM,
    ),
    _Row(
        "tt29.a5.published",
        "Kế hoạch dạy thêm được công khai trên trang thông tin điện tử hoặc niêm yết tại trường",
        f"Khoản 5 Điều 5 {TT29}",
        SCHOOL_SIDE,
        TT29_FROM,
    ),
    _Row(
        "tt29.a6.registered",
        "Cơ sở dạy thêm có thu tiền đăng ký kinh doanh",
        f"Điểm a Khoản 1 Điều 6 {TT29}",
        OUTSIDE_SIDE,
        TT29_FROM,
    ),
    _Row(
        "tt29.a6.disclosed",
        "Cơ sở công khai môn học, thời lượng, địa điểm, hình thức, thời gian, danh sách người "
        "dạy, mức thu (mẫu 02) trước khi tuyển sinh",
        f"Điểm b Khoản 1 Điều 6 {TT29}",
        OUTSIDE_SIDE,
        TT29_FROM,
    ),
    _Row(
        "tt29.a6.teacher-report",
        "Giáo viên dạy thêm ngoài nhà trường báo cáo Hiệu trưởng (mẫu 03)",
        f"Khoản 3 Điều 6 {TT29}",
        _k(INSTITUTION, FACILITY, OUTSIDE),
        TT29_FROM,
    ),
    _Row(
        "link.voluntary",
        "Học sinh tham gia theo đăng ký và đồng ý của gia đình; không mặc định, không theo lớp",
        HP_LINKAGE,
        _k(INSTITUTION, LINKAGE),
        HP_LINKAGE_FROM,
    ),
    _Row(
        "link.outside-hours",
        "Hoạt động liên kết ngoài thời khóa biểu chính khóa",
        HP_LINKAGE,
        _k(INSTITUTION, LINKAGE),
        HP_LINKAGE_FROM,
    ),
    _Row(
        "link.alternative",
        "Học sinh không tham gia được bố trí hoạt động, có người trông",
        HP_LINKAGE,
        _k(INSTITUTION, LINKAGE),
        HP_LINKAGE_FROM,
    ),
    _Row(
        "link.disclosed",
        "Công khai nội dung, đối tác, nhân sự, thời khóa biểu, mức thu và căn cứ trước khi đăng ký",
        HP_LINKAGE,
        _k(INSTITUTION, LINKAGE),
        HP_LINKAGE_FROM,
    ),
    _Row(
        "link.partner-licensed",
        "Đơn vị liên kết có giấy phép hoặc đăng ký hoạt động phù hợp",
        f"{TT04}; {HP_LINKAGE}",
        _k(INSTITUTION, LINKAGE),
        HP_LINKAGE_FROM,
    ),
    _Row(
        "link.stop-notice",
        "Dừng chương trình: báo trước 10 ngày và hoàn trả phần chưa học",
        TT04,
        _k(INSTITUTION, LINKAGE),
        HP_LINKAGE_FROM,
    ),
    _Row(
        "fees.published-line",
        "Mỗi khoản thu có công khai: nội dung, mức thu, người nộp, thời gian, cách thu, căn cứ",
        HP_FEES,
        _k(INSTITUTION, LINKAGE),
        HP_LINKAGE_FROM,
    ),
    _Row(
        "fees.no-bundle",
        "Không gộp nhiều khoản thu vào một lần thu",
        HP_FEES,
        _k(INSTITUTION, LINKAGE),
        HP_LINKAGE_FROM,
    ),
    _Row(
        "fees.no-advance",
        "Không thu trước nhiều kỳ",
        HP_FEES,
        _k(INSTITUTION, LINKAGE),
        HP_LINKAGE_FROM,
    ),
    _Row(
        "fees.no-parents-board",
        "Không thu qua Ban đại diện cha mẹ học sinh",
        HP_FEES,
        _k(INSTITUTION, LINKAGE),
        HP_LINKAGE_FROM,
    ),
    _Row(
        "fees.consent-first",
        "Không thu tiền khi chưa có đồng ý còn hiệu lực của gia đình",
        HP_FEES,
        _k(INSTITUTION, LINKAGE),
        HP_LINKAGE_FROM,
    ),
)

KINDS = frozenset({INSTITUTION, FACILITY, IN_SCHOOL, OUTSIDE, LINKAGE})


def checklist_for(target_kind: str, level: str, on_date: date) -> list[ChecklistRule]:
    """The rules to check at a target of this kind (and school level) on `on_date`."""
    if target_kind not in KINDS:
        raise ValueError(f"unknown target kind {target_kind!r}")
    return [
        ChecklistRule(rule=r.rule, title=r.title, citation=r.citation)
        for r in RULES
        if target_kind in r.kinds
        and r.valid_from <= on_date
        and (not r.levels or not level or level in r.levels)
    ]


def prefill_findings(target: Any) -> list:
    """Open findings of the compliance engine on this target (none until it is merged)."""
    return []
