"""Imports of the registry from XLSX and CSV: read, validate every row, then write all or nothing.

A file is read into rows of text, each row is checked and turned into a clean record, and
only when no row has an error are the records written, in one transaction. The report names
the row (as numbered in the sheet), the column (by its header) and a Vietnamese message.
Re-importing updates by natural keys: institution code; class name within institution and
school year; teacher code and student code within the institution; guardian phone.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from oversight.audit.services import record_event
from oversight.lib.text import fold, nfc
from oversight.registry.models import (
    ClassMembership,
    Guardian,
    Guardianship,
    HomeroomClass,
    ImportJob,
    Institution,
    SchoolYear,
    Student,
    Teacher,
    TeachingAssignment,
    Unit,
)
from oversight.registry.services import (
    COMMUNE_KINDS,
    RegistryError,
    create_institution,
    ensure_subjects,
    update_institution,
)

KINDS = ("institutions", "classes", "teachers", "students")
KIND_LABELS = {
    "institutions": "Cơ sở giáo dục",
    "classes": "Lớp học",
    "teachers": "Giáo viên và phân công giảng dạy",
    "students": "Học sinh và cha mẹ/người giám hộ",
}
SCHOOL_KINDS = ("classes", "teachers", "students")
MAX_ERRORS_LISTED = 1000
BATCH = 500


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    max_length: int = 0
    example: str = ""
    help: str = ""


COLUMNS: dict[str, list[Column]] = {
    "institutions": [
        Column("code", "Mã trường", True, 30, "TH-DANGHAI", "Mã duy nhất của trường"),
        Column("name", "Tên trường", True, 200, "Trường Tiểu học Đằng Hải"),
        Column(
            "level",
            "Cấp học",
            True,
            0,
            "Tiểu học",
            "Mầm non, Tiểu học, THCS, THPT, Nhiều cấp học, GDTX",
        ),
        Column("ownership", "Loại hình", False, 0, "Công lập", "Công lập hoặc Ngoài công lập"),
        Column(
            "unit", "Xã/Phường/Đặc khu", True, 0, "Phường Hải An", "Tên hoặc mã đơn vị hiện hành"
        ),
        Column("address", "Địa chỉ", False, 300, "Số 1 đường Đằng Hải"),
        Column("phone", "Điện thoại", False, 30, "02253123456"),
        Column("email", "Email", False, 254, "thdanghai@haiphong.edu.vn"),
        Column("principal_name", "Hiệu trưởng", False, 120, "Nguyễn Thị Hoa"),
        Column("two_sessions_per_day", "Dạy 2 buổi/ngày", False, 0, "Có", "Có hoặc Không"),
    ],
    "classes": [
        Column("name", "Tên lớp", True, 40, "6A1"),
        Column("grade", "Khối", True, 0, "6", "0 (mầm non) đến 12"),
    ],
    "teachers": [
        Column("code", "Mã giáo viên", True, 40, "GV001"),
        Column("full_name", "Họ và tên", True, 120, "Nguyễn Thị Hoa"),
        Column("phone", "Điện thoại", False, 20, "0912345678"),
        Column("email", "Email", False, 254, ""),
        Column("subjects", "Môn dạy", False, 0, "Toán, Tin học", "Các môn, cách nhau bởi dấu phẩy"),
        Column(
            "assignments",
            "Phân công",
            False,
            0,
            "6A1: Toán; 6A2: Toán, Tin học",
            "Lớp: môn; lớp: môn, môn",
        ),
        Column("homeroom", "Chủ nhiệm lớp", False, 40, "6A1"),
    ],
    "students": [
        Column("code", "Mã học sinh", True, 40, "HS0001"),
        Column("full_name", "Họ và tên", True, 120, "Trần Minh Anh"),
        Column("date_of_birth", "Ngày sinh", True, 0, "14/03/2013", "dd/mm/yyyy"),
        Column("gender", "Giới tính", True, 0, "Nữ", "Nam hoặc Nữ"),
        Column("class_name", "Lớp", True, 40, "6A1"),
        Column("guardian_name", "Họ tên cha mẹ/người giám hộ", False, 120, "Trần Văn Bình"),
        Column("guardian_phone", "Điện thoại cha mẹ", False, 20, "0912345678"),
        Column(
            "guardian_relation",
            "Quan hệ",
            False,
            0,
            "Cha",
            "Cha, Mẹ, Ông, Bà, Anh, Chị, Người giám hộ",
        ),
        Column("guardian2_name", "Họ tên người giám hộ 2", False, 120, ""),
        Column("guardian2_phone", "Điện thoại người giám hộ 2", False, 20, ""),
        Column("guardian2_relation", "Quan hệ 2", False, 0, ""),
    ],
}

LEVELS = {
    "mam non": "preschool",
    "mn": "preschool",
    "nha tre": "preschool",
    "tieu hoc": "primary",
    "th": "primary",
    "trung hoc co so": "lower_secondary",
    "thcs": "lower_secondary",
    "trung hoc pho thong": "upper_secondary",
    "thpt": "upper_secondary",
    "nhieu cap hoc": "multi_level",
    "lien cap": "multi_level",
    "pho thong nhieu cap": "multi_level",
    "giao duc thuong xuyen": "continuing_education",
    "gdtx": "continuing_education",
    "gdnn-gdtx": "continuing_education",
    "trung tam gdnn-gdtx": "continuing_education",
}
LEVELS.update({v: v for v in Institution.Level.values})
OWNERSHIPS = {
    "cong lap": "public",
    "public": "public",
    "ngoai cong lap": "private",
    "tu thuc": "private",
    "dan lap": "private",
    "private": "private",
}
GENDERS = {"nam": "male", "male": "male", "nu": "female", "female": "female"}
YES = {"co", "x", "yes", "true", "1", "c"}
NO = {"khong", "no", "false", "0", "k", ""}
# Relations are matched with their diacritics first: folded, "bà" (grandmother) and "ba"
# (father, in the south) are the same word.
RELATIONS_EXACT = {
    "cha": "father",
    "bố": "father",
    "ba": "father",
    "mẹ": "mother",
    "má": "mother",
    "ông": "grandparent",
    "bà": "grandparent",
    "ông/bà": "grandparent",
    "anh": "sibling",
    "chị": "sibling",
    "anh/chị": "sibling",
    "người giám hộ": "guardian",
    "giám hộ": "guardian",
}
RELATIONS_FOLDED = {
    "bo": "father",
    "me": "mother",
    "ong": "grandparent",
    "chi": "sibling",
    "nguoi giam ho": "guardian",
    "giam ho": "guardian",
}
RELATIONS_FOLDED.update({v: v for v in Guardianship.Relation.values})
PHONE_RE = re.compile(r"^0\d{9}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ImportFileError(Exception):
    """The file itself cannot be read as the expected table; nothing was written."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    file_error: str = ""
    applied: bool = False
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_error and self.error_count == 0

    def add(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_LISTED:
            self.errors.append(RowError(row, column, message))

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "errors": [e.as_dict() for e in self.errors],
            "error_count": self.error_count,
            "file_error": self.file_error,
            "applied": self.applied,
            "ignored_columns": self.ignored_columns,
        }

    def lines(self) -> list[str]:
        """The report as plain Vietnamese lines (for the command line)."""
        if self.file_error:
            return [f"Lỗi tệp: {self.file_error}"]
        out = [f"{self.rows} dòng dữ liệu."]
        for e in self.errors:
            out.append(f"Dòng {e.row}, cột «{e.column}»: {e.message}")
        if self.error_count > len(self.errors):
            out.append(f"... và {self.error_count - len(self.errors)} lỗi khác.")
        if self.ok:
            out.append(
                f"Đã ghi: {self.created} mới, {self.updated} cập nhật."
                if self.applied
                else "Không có lỗi (chưa ghi dữ liệu)."
            )
        else:
            out.append(f"{self.error_count} lỗi: chưa ghi gì vào cơ sở dữ liệu.")
        return out


# --- reading files --------------------------------------------------------------------------


def _cell_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value))


def read_table(name: str, data: bytes) -> list[tuple[int, list[Any]]]:
    """The non-empty rows of the first sheet (or the CSV), each with its 1-based row number."""
    if not data:
        raise ImportFileError("Tệp rỗng.")
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            f"Tệp quá lớn (tối đa {settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB)."
        )
    lower = name.lower()
    rows: Iterable[Sequence[Any]]
    if lower.endswith(".xlsx"):
        rows = _read_xlsx(data)
    elif lower.endswith(".csv"):
        rows = _read_csv(data)
    else:
        raise ImportFileError("Chỉ nhận tệp .xlsx hoặc .csv.")
    numbered = [(n, [_cell_text(v) for v in row]) for n, row in enumerate(rows, start=1)]
    return [(n, row) for n, row in numbered if any(v != "" for v in row)]


def _read_xlsx(data: bytes) -> Iterable[tuple]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ImportFileError("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.") from e
    except Exception as e:  # openpyxl raises its own errors for damaged workbooks
        raise ImportFileError(
            "Không đọc được bảng tính: tệp bị hỏng hoặc không đúng định dạng."
        ) from e
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def _read_csv(data: bytes) -> Iterable[list[str]]:
    if b"\x00" in data[:4096]:
        raise ImportFileError("Tệp không phải tệp CSV dạng văn bản.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ImportFileError("Tệp CSV phải được lưu với mã hóa UTF-8.") from e
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _map_headers(kind: str, header_row: list[Any], report: ImportReport) -> dict[str, int] | None:
    by_name = {}
    for c in COLUMNS[kind]:
        by_name[fold(c.header)] = c.key
        by_name[c.key] = c.key
    positions: dict[str, int] = {}
    for i, h in enumerate(header_row):
        key = by_name.get(fold(str(h)))
        if key and key not in positions:
            positions[key] = i
        elif str(h).strip():
            report.ignored_columns.append(str(h))
    missing = [c.header for c in COLUMNS[kind] if c.required and c.key not in positions]
    if missing:
        report.file_error = (
            "Thiếu cột bắt buộc: "
            + ", ".join(f"«{m}»" for m in missing)
            + (". Hãy dùng tệp mẫu, dòng đầu tiên là tên cột.")
        )
        return None
    return positions


# --- validating cells ------------------------------------------------------------------------


class _Row:
    """One row's cells by key, collecting its errors into the report."""

    def __init__(
        self,
        number: int,
        cells: list[Any],
        positions: dict[str, int],
        kind: str,
        report: ImportReport,
    ):
        self.number, self.report = number, report
        self.columns = {c.key: c for c in COLUMNS[kind]}
        self.values = {k: (cells[i] if i < len(cells) else "") for k, i in positions.items()}
        self.failed = False

    def error(self, key: str, message: str) -> None:
        self.failed = True
        self.report.add(self.number, self.columns[key].header, message)

    def text(self, key: str) -> str:
        value = self.values.get(key, "")
        value = value.strftime("%d/%m/%Y") if isinstance(value, date) else nfc(str(value))
        column = self.columns[key]
        if column.required and not value:
            self.error(key, "Không được để trống.")
        elif column.max_length and len(value) > column.max_length:
            self.error(key, f"Dài quá {column.max_length} ký tự.")
        return value

    def choice(self, key: str, mapping: dict[str, str], accepted: str) -> str:
        raw = self.text(key)
        if not raw:
            return ""
        value = mapping.get(fold(raw))
        if value is None:
            self.error(key, f"Giá trị «{raw}» không hợp lệ. Chấp nhận: {accepted}.")
            return ""
        return value

    def birth_date(self, key: str) -> date | None:
        value = self.values.get(key, "")
        if isinstance(value, date):
            parsed = value
        else:
            raw = self.text(key)
            if not raw:
                return None
            parsed = None
            for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
                try:
                    parsed = datetime.strptime(raw, fmt).date()
                    break
                except ValueError:
                    continue
            if parsed is None:
                self.error(
                    key, f"Ngày «{raw}» không hợp lệ; ghi theo dạng dd/mm/yyyy, ví dụ 14/03/2013."
                )
                return None
        if parsed is None:
            return None
        today = timezone.localdate()
        if parsed >= today:
            self.error(key, "Ngày sinh phải trước hôm nay.")
            return None
        if parsed.year < today.year - 70:
            self.error(key, f"Năm sinh {parsed.year} không hợp lý.")
            return None
        return parsed

    def phone(self, key: str) -> str:
        raw = self.text(key)
        if not raw:
            return ""
        digits = re.sub(r"[\s.\-()]", "", raw)
        if digits.startswith("+84"):
            digits = "0" + digits[3:]
        elif digits.startswith("84") and len(digits) == 11:
            digits = "0" + digits[2:]
        elif len(digits) == 9 and digits[0] in "35789":
            digits = "0" + digits  # a leading zero lost by a spreadsheet
        if not PHONE_RE.match(digits):
            self.error(key, f"Số điện thoại «{raw}» không hợp lệ: cần 10 chữ số, bắt đầu bằng 0.")
            return ""
        return digits

    def email(self, key: str) -> str:
        raw = self.text(key)
        if raw and not EMAIL_RE.match(raw):
            self.error(key, f"Email «{raw}» không hợp lệ.")
            return ""
        return raw

    def yes_no(self, key: str) -> bool:
        raw = fold(self.text(key))
        if raw in YES:
            return True
        if raw not in NO:
            self.error(key, "Ghi «Có» hoặc «Không».")
        return False

    def integer(self, key: str, valid: range) -> int | None:
        raw = self.text(key)
        if not raw:
            return None
        try:
            value = int(raw)
        except ValueError:
            self.error(key, f"«{raw}» không phải số nguyên.")
            return None
        if value not in valid:
            self.error(key, f"Phải từ {valid.start} đến {valid.stop - 1}.")
            return None
        return value


def _check_unique(row: _Row, key: str, value: str, seen: dict[str, int]) -> None:
    folded = value.upper()
    if value and folded in seen:
        row.error(key, f"Trùng với dòng {seen[folded]}.")
    elif value:
        seen[folded] = row.number


# --- the import ------------------------------------------------------------------------------


@dataclass
class Context:
    kind: str
    by: Any = None
    institution: Institution | None = None
    school_year: SchoolYear | None = None
    progress: Callable[[int, int], None] | None = None


def run_import(*, name: str, data: bytes, ctx: Context, dry_run: bool = False) -> ImportReport:
    """Read, validate every row, and (unless `dry_run` or any error) write all rows at once."""
    report = ImportReport(kind=ctx.kind)
    if ctx.kind not in KINDS:
        report.file_error = "Loại dữ liệu không hợp lệ."
        return report
    if ctx.kind in SCHOOL_KINDS and (ctx.institution is None or ctx.school_year is None):
        report.file_error = "Cần chọn trường và năm học."
        return report
    try:
        table = read_table(name, data)
    except ImportFileError as e:
        report.file_error = str(e)
        return report
    if not table:
        report.file_error = "Tệp không có dữ liệu."
        return report
    positions = _map_headers(ctx.kind, table[0][1], report)
    if positions is None:
        return report
    body = table[1:]
    report.rows = len(body)
    if not body:
        report.file_error = "Tệp chỉ có dòng tiêu đề, chưa có dữ liệu."
        return report
    validate, apply = _HANDLERS[ctx.kind]
    records = validate(body, positions, ctx, report)
    if not report.ok or dry_run:
        return report
    try:
        with transaction.atomic():
            apply(records, ctx, report)
            record_event(
                actor=ctx.by,
                action="registry.imported",
                target=ctx.institution,
                data={
                    "kind": ctx.kind,
                    "rows": report.rows,
                    "created": report.created,
                    "updated": report.updated,
                    "file": name[:200],
                    "school_year": ctx.school_year.name if ctx.school_year else None,
                },
            )
    except RegistryError as e:
        report.created = report.updated = 0
        report.file_error = f"Không ghi được: {e}"
        return report
    report.applied = True
    return report


def _tick(ctx: Context, done: int, total: int) -> None:
    if ctx.progress and (done % BATCH == 0 or done == total):
        ctx.progress(done, total)


# institutions


def _unit_lookup() -> dict[str, Unit | None]:
    lookup: dict[str, Unit | None] = {}
    for unit in Unit.objects.filter(kind__in=COMMUNE_KINDS, valid_to__isnull=True):
        for key in {fold(unit.name), fold(unit.full_name), unit.code.lower()}:
            # A bare name shared by two units (a ward and a commune) is ambiguous.
            lookup[key] = None if key in lookup and lookup[key] != unit else unit
    return lookup


def _validate_institutions(body, positions, ctx, report):
    units = _unit_lookup()
    seen: dict[str, int] = {}
    records = []
    for n, (number, cells) in enumerate(body, start=1):
        row = _Row(number, cells, positions, "institutions", report)
        code = row.text("code").upper()
        _check_unique(row, "code", code, seen)
        record = {
            "code": code,
            "name": row.text("name"),
            "level": row.choice(
                "level", LEVELS, "Mầm non, Tiểu học, THCS, THPT, Nhiều cấp học, GDTX"
            ),
            "ownership": row.choice("ownership", OWNERSHIPS, "Công lập, Ngoài công lập")
            or "public",
            "address": row.text("address"),
            "phone": row.text("phone"),
            "email": row.email("email"),
            "principal_name": row.text("principal_name"),
            "two_sessions_per_day": row.yes_no("two_sessions_per_day"),
        }
        unit_text = row.text("unit")
        if unit_text:
            key = fold(unit_text)
            if key in units and units[key] is None:
                row.error(
                    "unit",
                    f"«{unit_text}» trùng tên nhiều đơn vị; ghi rõ «Phường ...» hoặc «Xã ...».",
                )
            elif key not in units and unit_text.lower() not in units:
                row.error("unit", f"Không có xã/phường/đặc khu hiện hành tên «{unit_text}».")
            else:
                record["unit"] = units.get(key) or units[unit_text.lower()]
        if not row.failed:
            records.append(record)
        _tick(ctx, n, len(body))
    return records


def _apply_institutions(records, ctx, report):
    existing = {
        i.code: i for i in Institution.objects.filter(code__in=[r["code"] for r in records])
    }
    for r in records:
        inst = existing.get(r["code"])
        if inst is None:
            create_institution(by=ctx.by, **r)
            report.created += 1
        else:
            update_institution(institution=inst, by=ctx.by, **r)
            report.updated += 1


# classes


def _validate_classes(body, positions, ctx, report):
    seen: dict[str, int] = {}
    valid = ctx.institution.grade_range
    records = []
    for n, (number, cells) in enumerate(body, start=1):
        row = _Row(number, cells, positions, "classes", report)
        name = row.text("name").upper()
        _check_unique(row, "name", name, seen)
        grade = row.integer("grade", range(0, 13))
        if grade is not None and grade not in valid:
            row.error(
                "grade",
                f"Khối {grade} không thuộc cấp học của trường ({valid.start}–{valid.stop - 1}).",
            )
        if not row.failed:
            records.append({"name": name, "grade": grade})
        _tick(ctx, n, len(body))
    return records


def _apply_classes(records, ctx, report):
    existing = {c.name: c for c in ctx.institution.classes.filter(school_year=ctx.school_year)}
    new, changed = [], []
    for r in records:
        c = existing.get(r["name"])
        if c is None:
            c = HomeroomClass(
                institution=ctx.institution,
                school_year=ctx.school_year,
                name=r["name"],
                grade=r["grade"],
            )
            c.set_derived()
            new.append(c)
        elif c.grade != r["grade"]:
            c.grade = r["grade"]
            changed.append(c)
    HomeroomClass.objects.bulk_create(new, batch_size=BATCH)
    HomeroomClass.objects.bulk_update(changed, ["grade"], batch_size=BATCH)
    report.created, report.updated = len(new), len(changed)


# teachers


def _classes_by_name(ctx: Context) -> dict[str, HomeroomClass]:
    assert ctx.institution is not None  # run_import checks school kinds have one
    return {c.name: c for c in ctx.institution.classes.filter(school_year=ctx.school_year)}


def _validate_teachers(body, positions, ctx, report):
    subjects = {fold(name): s for name, s in ensure_subjects().items()}
    accepted = ", ".join(sorted(s.name for s in subjects.values()))
    classes = _classes_by_name(ctx)
    seen: dict[str, int] = {}
    records = []
    for n, (number, cells) in enumerate(body, start=1):
        row = _Row(number, cells, positions, "teachers", report)
        code = row.text("code").upper()
        _check_unique(row, "code", code, seen)
        record = {
            "code": code,
            "full_name": row.text("full_name"),
            "phone": row.phone("phone"),
            "email": row.email("email"),
            "subjects": [],
            "assignments": [],
            "homeroom": None,
            "row": number,
        }
        for name in filter(None, (nfc(s) for s in row.text("subjects").split(","))):
            if fold(name) not in subjects:
                row.error("subjects", f"Không có môn «{name}». Các môn: {accepted}.")
            else:
                record["subjects"].append(subjects[fold(name)])
        for part in filter(None, (p.strip() for p in row.text("assignments").split(";"))):
            class_name, _, subject_names = part.partition(":")
            c = classes.get(nfc(class_name).upper())
            if c is None:
                row.error(
                    "assignments",
                    f"Không có lớp «{class_name.strip()}» trong năm học "
                    f"{ctx.school_year}. Nhập danh sách lớp trước.",
                )
                continue
            names = [nfc(s) for s in subject_names.split(",") if s.strip()]
            if not names:
                row.error("assignments", f"Thiếu môn cho lớp «{c.name}»; ghi «{c.name}: Toán».")
            for name in names:
                if fold(name) not in subjects:
                    row.error("assignments", f"Không có môn «{name}». Các môn: {accepted}.")
                else:
                    record["assignments"].append((c, subjects[fold(name)]))
        homeroom = row.text("homeroom").upper()
        if homeroom:
            if homeroom not in classes:
                row.error("homeroom", f"Không có lớp «{homeroom}» trong năm học {ctx.school_year}.")
            else:
                record["homeroom"] = classes[homeroom]
        if not row.failed:
            records.append(record)
        _tick(ctx, n, len(body))
    homerooms: dict[int, str] = {}
    for r in records:
        if r["homeroom"] is not None:
            if r["homeroom"].pk in homerooms:
                report.add(
                    r["row"],
                    "Chủ nhiệm lớp",
                    f"Lớp {r['homeroom'].name} có hai giáo viên chủ "
                    f"nhiệm: {homerooms[r['homeroom'].pk]} và {r['code']}.",
                )
            homerooms[r["homeroom"].pk] = r["code"]
    return records


def _upsert_by_code(model, inst, records, fields: list[str], key: str) -> tuple[list, list]:
    """Create or update the institution's rows by code; each record gets its row at `key`."""
    existing = {o.code: o for o in model.objects.filter(institution=inst)}
    new, changed = [], []
    for r in records:
        obj = existing.get(r["code"])
        if obj is None:
            obj = model(institution=inst, code=r["code"])
            new.append(obj)
        else:
            changed.append(obj)
        for name in fields:
            setattr(obj, name, r[name])
        obj.set_derived()
        r[key] = obj
    model.objects.bulk_create(new, batch_size=BATCH)
    model.objects.bulk_update(changed, [*fields, "search_name", "sort_key"], batch_size=BATCH)
    return new, changed


def _apply_teachers(records, ctx, report):
    new, changed = _upsert_by_code(
        Teacher, ctx.institution, records, ["full_name", "phone", "email"], "teacher"
    )
    through = Teacher.subjects.through
    links, assignments = set(), []
    for r in records:
        t = r["teacher"]
        # In file order, without repeats: the first subject named for the homeroom class is
        # the one the homeroom assignment carries.
        pairs = list(dict.fromkeys((c.pk, s.pk) for c, s in r["assignments"]))
        subject_ids = list(dict.fromkeys([s.pk for s in r["subjects"]] + [s for _, s in pairs]))
        links |= {(t.pk, s) for s in subject_ids}
        if r["homeroom"] is not None:
            c = r["homeroom"]
            main = next((s for cid, s in pairs if cid == c.pk), None)
            if main is None:
                main = (
                    subject_ids[0] if subject_ids else ensure_subjects()["Hoạt động trải nghiệm"].pk
                )
            if (c.pk, main) in pairs:
                pairs.remove((c.pk, main))
            assignments.append(
                TeachingAssignment(
                    teacher=t, homeroom_class_id=c.pk, subject_id=main, is_homeroom=True
                )
            )
        assignments += [
            TeachingAssignment(teacher=t, homeroom_class_id=cid, subject_id=sid)
            for cid, sid in pairs
        ]
    teacher_ids = [r["teacher"].pk for r in records]
    # The file is the source of truth for these teachers' assignments in this school year.
    TeachingAssignment.objects.filter(
        teacher_id__in=teacher_ids, homeroom_class__school_year=ctx.school_year
    ).delete()
    TeachingAssignment.objects.bulk_create(assignments, batch_size=BATCH)
    through.objects.bulk_create(
        [through(teacher_id=t, subject_id=s) for t, s in links],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    report.created, report.updated = len(new), len(changed)


# students


def _validate_students(body, positions, ctx, report):
    classes = _classes_by_name(ctx)
    seen: dict[str, int] = {}
    phone_names: dict[str, tuple[str, int]] = {}
    records = []
    for n, (number, cells) in enumerate(body, start=1):
        row = _Row(number, cells, positions, "students", report)
        code = row.text("code").upper()
        _check_unique(row, "code", code, seen)
        record = {
            "code": code,
            "full_name": row.text("full_name"),
            "date_of_birth": row.birth_date("date_of_birth"),
            "gender": row.choice("gender", GENDERS, "Nam, Nữ"),
            "guardians": [],
        }
        class_name = row.text("class_name").upper()
        if class_name:
            if class_name not in classes:
                row.error(
                    "class_name",
                    f"Không có lớp «{class_name}» trong năm học {ctx.school_year}. "
                    "Nhập danh sách lớp trước.",
                )
            else:
                record["class"] = classes[class_name]
        for prefix in ("guardian", "guardian2"):
            name, phone = row.text(f"{prefix}_name"), row.phone(f"{prefix}_phone")
            relation_text = row.text(f"{prefix}_relation")
            if not (name or phone or relation_text):
                continue
            if not name:
                row.error(f"{prefix}_name", "Cần họ tên khi có số điện thoại hoặc quan hệ.")
            if not str(row.values.get(f"{prefix}_phone", "")).strip():
                row.error(f"{prefix}_phone", "Cần số điện thoại của cha mẹ/người giám hộ.")
            relation = RELATIONS_EXACT.get(relation_text.lower()) or RELATIONS_FOLDED.get(
                fold(relation_text)
            )
            if not relation:
                row.error(
                    f"{prefix}_relation",
                    f"Quan hệ «{relation_text}» không hợp lệ. Chấp nhận: "
                    "Cha, Bố, Mẹ, Ông, Bà, Anh, Chị, Người giám hộ.",
                )
            if phone and name:
                other = phone_names.get(phone)
                if other and fold(other[0]) != fold(name):
                    row.error(
                        f"{prefix}_phone", f"Số {phone} đã ghi cho «{other[0]}» ở dòng {other[1]}."
                    )
                phone_names.setdefault(phone, (name, number))
                record["guardians"].append((phone, name, relation))
        if not row.failed:
            records.append(record)
        _tick(ctx, n, len(body))
    return records


def _chunks(items: list, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _apply_students(records, ctx, report):
    inst, year = ctx.institution, ctx.school_year
    new, changed = _upsert_by_code(
        Student, inst, records, ["full_name", "date_of_birth", "gender"], "student"
    )
    # Class in this school year.
    memberships = {
        m.student_id: m
        for m in ClassMembership.objects.filter(school_year=year, student__institution=inst)
    }
    new_m, moved = [], []
    for r in records:
        m = memberships.get(r["student"].pk)
        if m is None:
            new_m.append(
                ClassMembership(student=r["student"], homeroom_class=r["class"], school_year=year)
            )
        elif m.homeroom_class_id != r["class"].pk:
            m.homeroom_class = r["class"]
            moved.append(m)
    ClassMembership.objects.bulk_create(new_m, batch_size=BATCH)
    ClassMembership.objects.bulk_update(moved, ["homeroom_class"], batch_size=BATCH)
    # Guardians by phone, and their links to the students.
    wanted = {phone: name for r in records for phone, name, _ in r["guardians"]}
    guardians: dict[str, Guardian] = {}
    for chunk in _chunks(list(wanted)):
        guardians.update({g.phone: g for g in Guardian.objects.filter(phone__in=chunk)})
    new_g = [
        Guardian(full_name=name, phone=phone)
        for phone, name in wanted.items()
        if phone not in guardians
    ]
    renamed = []
    for phone, g in guardians.items():
        if g.full_name != wanted[phone]:
            g.full_name = wanted[phone]
            renamed.append(g)
    Guardian.objects.bulk_create(new_g, batch_size=BATCH)
    Guardian.objects.bulk_update(renamed, ["full_name"], batch_size=BATCH)
    guardians.update({g.phone: g for g in new_g})
    student_ids = [r["student"].pk for r in records]
    links = {}
    for chunk in _chunks(student_ids):
        links.update(
            {
                (gs.guardian_id, gs.student_id): gs
                for gs in Guardianship.objects.filter(student_id__in=chunk)
            }
        )
    new_links, relinked = [], []
    for r in records:
        for phone, _, relation in r["guardians"]:
            key = (guardians[phone].pk, r["student"].pk)
            link = links.get(key)
            if link is None:
                links[key] = link = Guardianship(
                    guardian=guardians[phone], student=r["student"], relation=relation
                )
                new_links.append(link)
            elif link.relation != relation:
                link.relation = relation
                relinked.append(link)
    Guardianship.objects.bulk_create(new_links, batch_size=BATCH)
    Guardianship.objects.bulk_update(relinked, ["relation"], batch_size=BATCH)
    report.created, report.updated = len(new), len(changed)


_HANDLERS = {
    "institutions": (_validate_institutions, _apply_institutions),
    "classes": (_validate_classes, _apply_classes),
    "teachers": (_validate_teachers, _apply_teachers),
    "students": (_validate_students, _apply_students),
}


# --- templates --------------------------------------------------------------------------------


def template_file(kind: str, fmt: str) -> tuple[bytes, str, str]:
    """A blank import file for `kind` with its headers and one example row: (data, name, type)."""
    headers = [c.header for c in COLUMNS[kind]]
    example = [c.example for c in COLUMNS[kind]]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(headers)
        writer.writerow(example)
        return (
            ("\ufeff" + buf.getvalue()).encode("utf-8"),
            f"mau-{kind}.csv",
            "text/csv; charset=utf-8",
        )
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = KIND_LABELS[kind].replace("/", "-")[:31]
    ws.append(headers)
    ws.append(example)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, c in enumerate(COLUMNS[kind], start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(
            14, len(c.header) + 4
        )
        if c.key == "date_of_birth" or c.key in (
            "code",
            "phone",
            "guardian_phone",
            "guardian2_phone",
        ):
            for row in ws.iter_rows(min_row=2, max_row=2, min_col=i, max_col=i):
                for cell in row:
                    cell.number_format = "@"
    out = io.BytesIO()
    wb.save(out)
    return (
        out.getvalue(),
        f"mau-{kind}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- jobs (the page and the background worker) ----------------------------------------------

# Files up to this size are imported within the request; larger ones go to the worker and the
# page shows their progress.
SYNC_MAX_BYTES = 256 * 1024


def start_import(
    *,
    by: Any,
    kind: str,
    upload: Any,
    institution: Institution | None,
    school_year: SchoolYear | None,
    dry_run: bool,
) -> ImportJob:
    """Record an uploaded file and import it: at once if small, else in the background."""
    from django.core.exceptions import PermissionDenied

    from oversight.accounts.access import can_import

    if kind not in KINDS:
        raise ImportFileError("Loại dữ liệu không hợp lệ.")
    if kind in SCHOOL_KINDS and (institution is None or school_year is None):
        raise ImportFileError("Cần chọn trường và năm học.")
    if not can_import(by, kind, institution):
        raise PermissionDenied
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            f"Tệp quá lớn (tối đa {settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB)."
        )
    job = ImportJob.objects.create(
        kind=kind,
        institution=institution if kind in SCHOOL_KINDS else None,
        school_year=school_year if kind in SCHOOL_KINDS else None,
        file=upload,
        original_name=upload.name[:255],
        dry_run=dry_run,
        created_by=by,
    )
    record_event(
        actor=by,
        action="import.started",
        target=job,
        data={"kind": kind, "file": job.original_name, "dry_run": dry_run},
    )
    if upload.size <= SYNC_MAX_BYTES:
        process_import_job(job_id=job.pk)
    else:
        from oversight.registry.tasks import run_import_job

        transaction.on_commit(lambda: run_import_job.enqueue(job_id=job.pk))
    job.refresh_from_db()
    return job


def process_import_job(*, job_id: int) -> None:
    """Run one pending job; a job already claimed by another worker is left alone."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING
    )
    if claimed != 1:
        return
    job = ImportJob.objects.select_related("institution", "school_year", "created_by").get(
        pk=job_id
    )

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed_rows=done, total_rows=total)

    with job.file.open("rb") as fh:
        data = fh.read()
    ctx = Context(
        kind=job.kind,
        by=job.created_by,
        institution=job.institution,
        school_year=job.school_year,
        progress=progress,
    )
    report = run_import(name=job.original_name, data=data, ctx=ctx, dry_run=job.dry_run)
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.DONE if report.ok else ImportJob.Status.FAILED,
        report=report.as_dict(),
        total_rows=report.rows,
        processed_rows=report.rows,
        finished_at=timezone.now(),
    )
