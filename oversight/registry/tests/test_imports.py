"""Imports: every row checked, all or nothing, re-import updates, and the doors (page, command)."""

import csv
import io
import unicodedata
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from oversight.audit.models import AuditEvent
from oversight.registry.imports import COLUMNS, Context, read_table, run_import, template_file
from oversight.registry.models import (
    ClassMembership,
    Guardian,
    Guardianship,
    HomeroomClass,
    ImportJob,
    Institution,
    Student,
    Teacher,
    TeachingAssignment,
)

INSTITUTION_HEADERS = [c.header for c in COLUMNS["institutions"]]
STUDENT_HEADERS = [c.header for c in COLUMNS["students"]]


def xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows, bom=True):
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def school_ctx(world, kind):
    return Context(
        kind=kind, by=world.principal, institution=world.school_a, school_year=world.year
    )


def student_row(
    code="HS100",
    name="Lê Thu Trang",
    dob="02/09/2015",
    gender="Nữ",
    cls="5A1",
    gname="Lê Văn Toàn",
    phone="0912000111",
    relation="Cha",
):
    return [code, name, dob, gender, cls, gname, phone, relation]


STUDENT_COLS = STUDENT_HEADERS[:8]


# --- institutions -----------------------------------------------------------------------------


def test_institutions_import_from_xlsx_derives_the_managing_authority(world):
    data = xlsx(
        [
            INSTITUTION_HEADERS,
            [
                "mn-hoahong",
                "Trường Mầm non Hoa Hồng",
                "Mầm non",
                "Công lập",
                "Lê Chân",
                "Số 2 Lê Chân",
                "",
                "",
                "Phạm Thị Lan",
                "Có",
            ],
            ["THPT-AT", "Trường THPT An Thành", "THPT", "", "Xã An Thành", "", "", "", "", ""],
        ]
    )
    report = run_import(
        name="truong.xlsx", data=data, ctx=Context(kind="institutions", by=world.department_admin)
    )
    assert report.ok and report.applied and report.created == 2, report.lines()
    mn = Institution.objects.get(code="MN-HOAHONG")
    assert mn.managing_agency == world.committee_a and mn.two_sessions_per_day
    assert Institution.objects.get(code="THPT-AT").managing_agency == world.department
    assert AuditEvent.objects.filter(action="registry.imported").count() == 1


def test_reimporting_updates_by_code_and_never_duplicates(world):
    rows = [INSTITUTION_HEADERS, ["X-1", "Trường Tiểu học Cũ", "Tiểu học", "", "Lê Chân"]]
    ctx = Context(kind="institutions", by=world.department_admin)
    run_import(name="a.csv", data=csv_bytes(rows), ctx=ctx)
    rows[1][1] = "Trường Tiểu học Mới"
    report = run_import(name="a.csv", data=csv_bytes(rows), ctx=ctx)
    assert (report.created, report.updated) == (0, 1)
    assert Institution.objects.filter(code="X-1").get().name == "Trường Tiểu học Mới"


def test_unknown_commune_and_bad_level_are_reported_and_nothing_is_written(world):
    before = Institution.objects.count()
    data = csv_bytes(
        [
            INSTITUTION_HEADERS,
            ["OK-1", "Trường tốt", "Tiểu học", "", "Lê Chân"],
            ["BAD-1", "Trường sai", "Đại học", "", "Phường Không Có"],
        ]
    )
    report = run_import(name="a.csv", data=data, ctx=Context(kind="institutions", by=None))
    assert not report.ok and not report.applied
    errors = {(e.row, e.column) for e in report.errors}
    assert errors == {(3, "Cấp học"), (3, "Xã/Phường/Đặc khu")}
    assert "Phường Không Có" in " ".join(e.message for e in report.errors)
    assert Institution.objects.count() == before


def test_duplicate_codes_in_one_file_are_reported(world):
    data = csv_bytes(
        [
            INSTITUTION_HEADERS,
            ["D-1", "A", "Tiểu học", "", "Lê Chân"],
            ["d-1", "B", "Tiểu học", "", "Lê Chân"],
        ]
    )
    report = run_import(name="a.csv", data=data, ctx=Context(kind="institutions", by=None))
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "Mã trường", "Trùng với dòng 2.")
    ]


def test_missing_columns_are_a_file_error(world):
    data = csv_bytes([["Mã trường", "Tên"], ["A", "B"]])
    report = run_import(name="a.csv", data=data, ctx=Context(kind="institutions", by=None))
    assert "Cấp học" in report.file_error and "Xã/Phường/Đặc khu" in report.file_error


def test_headers_match_without_diacritics_in_any_order_and_semicolon_csv(world):
    text = "xa/phuong/dac khu;CAP HOC;ten truong;ma truong\nLê Chân;Tiểu học;Trường Thử;T-9\n"
    report = run_import(name="a.csv", data=text.encode(), ctx=Context(kind="institutions", by=None))
    assert report.ok and report.created == 1, report.lines()


# --- files that are not spreadsheets ------------------------------------------------


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("a.xlsx", b"this is not a zip file", "không phải bảng tính"),
        ("a.xlsx", b"%PDF-1.4 fake", "không phải bảng tính"),
        ("a.pdf", b"%PDF-1.4", "Chỉ nhận tệp"),
        ("a.csv", b"", "Tệp rỗng"),
        ("a.csv", "Mã,Tên\n".encode("utf-16"), "CSV"),
        ("a.csv", b"\x00\x01\x02binary", "CSV"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_error(world, name, data, message):
    report = run_import(name=name, data=data, ctx=Context(kind="institutions", by=None))
    assert message.lower() in report.file_error.lower()
    assert not report.applied


def test_an_oversized_file_is_refused(world, settings):
    settings.IMPORT_MAX_BYTES = 100
    report = run_import(name="a.csv", data=b"x" * 101, ctx=Context(kind="institutions", by=None))
    assert "quá lớn" in report.file_error


# --- classes and teachers ---------------------------------------------------------


def test_classes_import_checks_the_grade_against_the_level(world):
    data = csv_bytes([["Tên lớp", "Khối"], ["4a1", "4"], ["9A1", "9"], ["x", "abc"]])
    report = run_import(name="lop.csv", data=data, ctx=school_ctx(world, "classes"))
    messages = {(e.row, e.message.split(" ")[0]) for e in report.errors}
    assert messages == {(3, "Khối"), (4, "«abc»")}
    data = csv_bytes([["Tên lớp", "Khối"], ["4a1", "4"], ["5A1", "5"]])
    report = run_import(name="lop.csv", data=data, ctx=school_ctx(world, "classes"))
    assert (report.created, report.updated) == (1, 0)
    assert HomeroomClass.objects.filter(institution=world.school_a, name="4A1", grade=4).exists()


def test_teachers_import_with_subjects_assignments_and_homeroom(world):
    headers = [c.header for c in COLUMNS["teachers"]]
    data = xlsx(
        [
            headers,
            [
                "gv9",
                "Đặng Thị Mai",
                "0987 654 321",
                "",
                "Toán, Tiếng Việt",
                "5A1: Toán; 5A2: Toán, Tiếng Việt",
                "5A2",
            ],
        ]
    )
    report = run_import(name="gv.xlsx", data=data, ctx=school_ctx(world, "teachers"))
    assert report.ok, report.lines()
    t = Teacher.objects.get(institution=world.school_a, code="GV9")
    assert t.phone == "0987654321"
    assert set(t.subjects.values_list("name", flat=True)) == {"Toán", "Tiếng Việt"}
    got = set(
        TeachingAssignment.objects.filter(teacher=t).values_list(
            "homeroom_class__name", "subject__name", "is_homeroom"
        )
    )
    assert got == {("5A1", "Toán", False), ("5A2", "Toán", True), ("5A2", "Tiếng Việt", False)}
    # Re-importing replaces this teacher's assignments for the year instead of adding to them.
    data = xlsx([headers, ["GV9", "Đặng Thị Mai", "", "", "Toán", "5A1: Toán", ""]])
    run_import(name="gv.xlsx", data=data, ctx=school_ctx(world, "teachers"))
    assert TeachingAssignment.objects.filter(teacher=t).count() == 1
    assert Teacher.objects.filter(code="GV9").count() == 1


def test_unknown_subject_and_class_are_row_errors(world):
    headers = [c.header for c in COLUMNS["teachers"]]
    data = csv_bytes([headers, ["GV1", "A B C", "", "", "Thiên văn", "9Z: Toán", ""]])
    report = run_import(name="gv.csv", data=data, ctx=school_ctx(world, "teachers"))
    messages = " ".join(e.message for e in report.errors)
    assert "Thiên văn" in messages and "9Z" in messages
    assert not Teacher.objects.filter(code="GV1").exists()


# --- students -----------------------------------------------------------------------------------


def test_students_with_guardians_import_and_reimport_updates(world):
    data = csv_bytes(
        [
            STUDENT_COLS,
            student_row(),
            student_row("HS101", "Ngô Bảo Châu", cls="5A2", phone="+84 912 000 111"),
        ]
    )
    report = run_import(name="hs.csv", data=data, ctx=school_ctx(world, "students"))
    assert report.ok and report.created == 2, report.lines()
    trang = Student.objects.get(institution=world.school_a, code="HS100")
    assert trang.date_of_birth == date(2015, 9, 2) and trang.gender == "female"
    assert trang.memberships.get().homeroom_class == world.class_a1
    # Both children share one guardian (same phone after normalisation).
    guardian = Guardian.objects.get(phone="0912000111")
    assert guardian.guardianships.count() == 2
    # Re-import: a class change and a new name update the same rows.
    data = csv_bytes([STUDENT_COLS, student_row(name="Lê Thu Trang Anh", cls="5A2")])
    report = run_import(name="hs.csv", data=data, ctx=school_ctx(world, "students"))
    assert (report.created, report.updated) == (0, 1)
    trang.refresh_from_db()
    assert trang.full_name == "Lê Thu Trang Anh"
    assert (
        ClassMembership.objects.get(student=trang, school_year=world.year).homeroom_class
        == world.class_a2
    )
    assert Student.objects.filter(code="HS100").count() == 1
    assert Guardianship.objects.filter(student=trang).count() == 1


@pytest.mark.parametrize("dob", ["31/02/2015", "abc", "2015/13/01", "01/01/2999", "01/01/1900"])
def test_bad_dates_are_row_errors(world, dob):
    data = csv_bytes([STUDENT_COLS, student_row(dob=dob)])
    report = run_import(name="hs.csv", data=data, ctx=school_ctx(world, "students"))
    assert [(e.row, e.column) for e in report.errors] == [(2, "Ngày sinh")]
    assert not Student.objects.filter(code="HS100").exists()


def test_dates_typed_as_excel_dates_are_accepted(world):
    data = xlsx([STUDENT_COLS, student_row(dob=None)])
    wb = load_workbook(io.BytesIO(data))
    wb.active["C2"] = date(2014, 5, 6)
    out = io.BytesIO()
    wb.save(out)
    report = run_import(name="hs.xlsx", data=out.getvalue(), ctx=school_ctx(world, "students"))
    assert report.ok, report.lines()
    assert Student.objects.get(code="HS100").date_of_birth == date(2014, 5, 6)


@pytest.mark.parametrize(
    "row,column",
    [
        (student_row(gender="X"), "Giới tính"),
        (student_row(cls="9Z"), "Lớp"),
        (student_row(phone="12345"), "Điện thoại cha mẹ"),
        (student_row(relation="Hàng xóm"), "Quan hệ"),
        (student_row(name=""), "Họ và tên"),
        (student_row(name="A" * 121), "Họ và tên"),
    ],
)
def test_bad_student_cells_are_reported_with_row_and_column(world, row, column):
    data = csv_bytes([STUDENT_COLS, student_row("HS200"), row])
    report = run_import(name="hs.csv", data=data, ctx=school_ctx(world, "students"))
    assert (3, column) in {(e.row, e.column) for e in report.errors}
    assert not Student.objects.filter(code__in=["HS100", "HS200"]).exists()


def test_one_phone_with_two_different_names_is_refused(world):
    data = csv_bytes(
        [STUDENT_COLS, student_row("HS1", gname="Lê Văn A"), student_row("HS2", gname="Trần Thị B")]
    )
    report = run_import(name="hs.csv", data=data, ctx=school_ctx(world, "students"))
    assert [(e.row, e.column) for e in report.errors] == [(3, "Điện thoại cha mẹ")]


def test_nfd_text_is_stored_nfc_and_found_without_diacritics(world):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Dương")
    data = csv_bytes([STUDENT_COLS, student_row(name=nfd)])
    run_import(name="hs.csv", data=data, ctx=school_ctx(world, "students"))
    s = Student.objects.get(code="HS100")
    assert s.full_name == unicodedata.normalize("NFC", nfd)
    assert list(Student.objects.search("anh duong")) == [s]


def test_a_ten_thousand_row_file_imports_in_one_go(world):
    rows = [STUDENT_COLS] + [
        student_row(
            f"HS{n:05d}",
            f"Học Sinh Số {n}",
            cls="5A1" if n % 2 else "5A2",
            phone=f"09{n:08d}",
            gname=f"Phụ Huynh {n}",
        )
        for n in range(10_000)
    ]
    report = run_import(name="hs.csv", data=csv_bytes(rows), ctx=school_ctx(world, "students"))
    assert report.ok and report.created == 10_000, report.lines()[:5]
    assert Student.objects.filter(institution=world.school_a).count() == 10_002
    assert Guardianship.objects.filter(student__institution=world.school_a).count() == 10_001


def test_a_bad_row_at_the_end_of_a_large_file_writes_nothing(world):
    rows = [STUDENT_COLS] + [
        student_row(f"HS{n:05d}", phone=f"09{n:08d}", gname=f"P {n}") for n in range(2_000)
    ]
    rows.append(student_row("HSX", dob="32/01/2015"))
    report = run_import(name="hs.csv", data=csv_bytes(rows), ctx=school_ctx(world, "students"))
    assert report.error_count == 1 and report.errors[0].row == 2_002
    assert Student.objects.filter(institution=world.school_a).count() == 2


# --- templates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(COLUMNS))
def test_templates_have_the_documented_headers(db, kind):
    for fmt in ("xlsx", "csv"):
        data, name, _ = template_file(kind, fmt)
        rows = read_table(name, data)
        assert rows[0][1][: len(COLUMNS[kind])] == [c.header for c in COLUMNS[kind]]


# --- the page -------------------------------------------------------------------------------------


def upload(client, kind, data, name="hs.csv", **fields):
    f = io.BytesIO(data)
    f.name = name
    return client.post(reverse("registry:import"), {"kind": kind, "file": f, **fields})


def test_a_principal_imports_students_through_the_page(client, world):
    client.force_login(world.principal)
    data = csv_bytes([STUDENT_COLS, student_row()])
    r = upload(client, "students", data, institution=world.school_a.pk, school_year=world.year.pk)
    job = ImportJob.objects.get()
    assert r.status_code == 302 and r.url == reverse("registry:import_job", args=[job.pk])
    assert job.status == ImportJob.Status.DONE
    page = client.get(r.url).content.decode()
    assert "1 mới" in page
    assert Student.objects.filter(code="HS100").exists()


def test_the_page_shows_row_errors_and_writes_nothing(client, world):
    client.force_login(world.principal)
    data = csv_bytes([STUDENT_COLS, student_row(dob="31/02/2015")])
    r = upload(client, "students", data, institution=world.school_a.pk, school_year=world.year.pk)
    page = client.get(r.url).content.decode()
    assert "Ngày sinh" in page and "31/02/2015" in page
    assert not Student.objects.filter(code="HS100").exists()


def test_dry_run_checks_without_writing(client, world):
    client.force_login(world.principal)
    data = csv_bytes([STUDENT_COLS, student_row()])
    upload(
        client,
        "students",
        data,
        institution=world.school_a.pk,
        school_year=world.year.pk,
        dry_run="on",
    )
    assert ImportJob.objects.get().report["applied"] is False
    assert not Student.objects.filter(code="HS100").exists()


def test_large_files_run_in_the_background_with_progress(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(world.principal)
    rows = [STUDENT_COLS] + [
        student_row(f"HS{n:05d}", phone=f"09{n:08d}", gname=f"P {n}") for n in range(6_000)
    ]
    data = csv_bytes(rows)
    assert len(data) > 256 * 1024
    with django_capture_on_commit_callbacks(execute=True):
        r = upload(
            client, "students", data, institution=world.school_a.pk, school_year=world.year.pk
        )
    job = ImportJob.objects.get()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.processed_rows == job.total_rows == 6_000
    fragment = client.get(r.url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "6000 mới" in fragment.replace(".", "").replace(",", "")


def test_a_running_job_page_polls_and_has_a_plain_refresh_link(client, world):
    client.force_login(world.principal)
    job = ImportJob.objects.create(
        kind="students",
        institution=world.school_a,
        original_name="x.csv",
        created_by=world.principal,
        total_rows=100,
        processed_rows=40,
        status=ImportJob.Status.RUNNING,
    )
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'value="40"' in page
    assert reverse("registry:import_job", args=[job.pk]) in page


def test_another_users_job_is_404(client, world):
    job = ImportJob.objects.create(
        kind="students", original_name="x.csv", created_by=world.principal
    )
    client.force_login(world.school_staff)
    assert client.get(reverse("registry:import_job", args=[job.pk])).status_code == 404


def test_a_principal_cannot_import_into_another_school(client, world):
    client.force_login(world.principal)
    data = csv_bytes([STUDENT_COLS, student_row()])
    r = upload(client, "students", data, institution=world.school_b.pk, school_year=world.year.pk)
    assert r.status_code == 200 and "institution" in r.context["form"].errors
    assert not ImportJob.objects.exists()


def test_a_teacher_may_not_import(client, world):
    client.force_login(world.teacher_user)
    data = csv_bytes([STUDENT_COLS, student_row()])
    r = upload(client, "students", data, institution=world.school_a.pk, school_year=world.year.pk)
    assert r.status_code == 403
    assert not Student.objects.filter(code="HS100").exists()


def test_only_the_department_imports_institutions(client, world):
    data = csv_bytes([INSTITUTION_HEADERS, ["N-1", "Trường mới", "Tiểu học", "", "Lê Chân"]])
    client.force_login(world.principal)
    r = upload(client, "institutions", data, name="t.csv")
    assert "kind" in r.context["form"].errors
    client.force_login(world.department_officer)
    r = upload(client, "institutions", data, name="t.csv")
    assert r.status_code == 302 and Institution.objects.filter(code="N-1").exists()


def test_the_service_refuses_an_import_the_user_may_not_make(world):
    from django.core.exceptions import PermissionDenied
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oversight.registry.imports import start_import

    f = SimpleUploadedFile("hs.csv", csv_bytes([STUDENT_COLS, student_row()]))
    with pytest.raises(PermissionDenied):
        start_import(
            by=world.teacher_user,
            kind="students",
            upload=f,
            institution=world.school_a,
            school_year=world.year,
            dry_run=False,
        )


def test_template_download(client, world):
    client.force_login(world.principal)
    r = client.get(reverse("registry:import_template", args=["students", "xlsx"]))
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert client.get("/registry/import/template/secrets.xlsx").status_code == 404


# --- the command --------------------------------------------------------------------------------


def test_the_command_imports_and_reports(world, tmp_path, capsys):
    path = tmp_path / "hs.csv"
    path.write_bytes(csv_bytes([STUDENT_COLS, student_row()]))
    call_command(
        "import_registry", "students", str(path), "--institution", "th-dh", "--year", "2025-2026"
    )
    assert "1 mới" in capsys.readouterr().out
    assert Student.objects.filter(code="HS100").exists()


def test_the_command_fails_on_a_bad_file_and_writes_nothing(world, tmp_path, capsys):
    path = tmp_path / "hs.csv"
    path.write_bytes(csv_bytes([STUDENT_COLS, student_row(gender="?")]))
    with pytest.raises(CommandError) as e:
        call_command("import_registry", "students", str(path), "--institution", "TH-DH")
    assert e.value.returncode == 1
    assert "Dòng 2, cột «Giới tính»" in capsys.readouterr().out
    assert not Student.objects.filter(code="HS100").exists()


def test_the_command_needs_an_existing_school(world, tmp_path):
    path = tmp_path / "hs.csv"
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match="Không có trường"):
        call_command("import_registry", "students", str(path), "--institution", "NOPE")


@pytest.mark.parametrize(
    "persona,status",
    [
        ("principal", 200),
        ("school_staff", 200),
        ("department_officer", 200),
        ("teacher_user", 403),
        ("guardian_user", 403),
        ("partner", 403),
        ("inspector", 403),
        ("city_viewer", 403),
    ],
)
def test_the_import_page_is_for_schools_and_the_department(client, world, persona, status):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("registry:import")).status_code == status
    home = client.get("/").content.decode()
    assert (reverse("registry:import") in home) == (status == 200)
