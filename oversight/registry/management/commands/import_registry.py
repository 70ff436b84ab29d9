from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from oversight.registry.imports import KINDS, SCHOOL_KINDS, Context, run_import
from oversight.registry.models import Institution, SchoolYear
from oversight.registry.selectors import current_school_year


class Command(BaseCommand):
    help = (
        "Nhập dữ liệu từ tệp XLSX/CSV: institutions, classes, teachers, students. Kiểm tra mọi "
        "dòng; chỉ ghi khi không có lỗi. Thoát với mã khác 0 khi có lỗi."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--institution", help="Mã trường (bắt buộc với classes, teachers, students)"
        )
        parser.add_argument("--year", help="Năm học, ví dụ 2025-2026 (mặc định năm học hiện tại)")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")

    def handle(self, *args, **opts):
        """Run by an operator on the server, so no user's scope applies; the trail says "system"."""
        kind, path = opts["kind"], opts["file"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        institution = year = None
        if kind in SCHOOL_KINDS:
            if not opts["institution"]:
                raise CommandError("Cần --institution MÃ_TRƯỜNG.")
            institution = Institution.objects.filter(
                code=opts["institution"].strip().upper()
            ).first()
            if institution is None:
                raise CommandError(f"Không có trường mã {opts['institution']}.")
            year = (
                SchoolYear.objects.filter(name=opts["year"]).first()
                if opts["year"]
                else current_school_year()
            )
            if year is None:
                raise CommandError(f"Không có năm học {opts['year'] or 'hiện tại'}.")
        ctx = Context(kind=kind, institution=institution, school_year=year)
        report = run_import(
            name=path.name, data=path.read_bytes(), ctx=ctx, dry_run=opts["dry_run"]
        )
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("Nhập dữ liệu không thành công; không có gì được ghi.", returncode=1)
