import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from oversight.complaints.demo import ensure_demo_complaints
from oversight.compliance.demo import ensure_demo_compliance
from oversight.directives.seed import ensure_seed_documents
from oversight.inspections.demo import ensure_demo_inspection
from oversight.programs.demo import ensure_demo_programs
from oversight.registry import demo


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu hư cấu trên 114 xã, phường, đặc khu thật: trường, lớp, giáo viên, "
        "học sinh, cha mẹ và tài khoản mẫu cho mọi vai trò. Chạy lại thì dùng lại dữ liệu cũ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(demo.SCALES),
            default="small",
            help="small: ~60 trường, chạy nhanh; city: quy mô cả thành phố (~2.000 trường, "
            "~1 triệu học sinh, mất nhiều phút).",
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="Tiếp tục một lần tạo dữ liệu bị ngắt giữa chừng (bỏ qua các trường đã có).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Không in thanh tiến độ.")
        # Tests shrink the small scale with this; not for people.
        parser.add_argument("--schools", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, **opts):
        """Seed once; on a database that already has demo data, only repair the demo accounts."""
        if demo.demo_exists() and not opts["resume"]:
            demo.ensure_demo_accounts()
            ensure_demo_programs(demo.GUARDIAN_USERNAMES)
            ensure_seed_documents()
            ensure_demo_compliance()
            ensure_demo_complaints()
            ensure_demo_inspection()
            self.stdout.write(
                "Đã có dữ liệu mẫu: dùng lại dữ liệu cũ, chỉ kiểm tra các tài khoản mẫu "
                "(xem bằng `manage.py demo_accounts`)."
            )
            return
        started = time.monotonic()
        progress = None if opts["no_progress"] else demo.TextProgress(self.stderr._out)
        try:
            counts = demo.seed(
                scale_name=opts["scale"], progress=progress, max_schools=opts["schools"]
            )
        except RuntimeError as e:
            raise CommandError(str(e)) from None
        ensure_demo_programs(demo.GUARDIAN_USERNAMES)
        ensure_seed_documents()
        ensure_demo_compliance()
        ensure_demo_complaints()
        ensure_demo_inspection()
        students = f"{counts['students']:,}".replace(",", ".")
        seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
        self.stdout.write(
            f"Đã tạo {counts['schools']} trường, {students} học sinh trong {seconds} giây."
        )
