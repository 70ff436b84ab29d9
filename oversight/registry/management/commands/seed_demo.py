import time

from django.core.management.base import BaseCommand

from oversight.registry import demo


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu hư cấu trên 114 xã, phường, đặc khu thật: trường, lớp, giáo viên, "
        "học sinh, cha mẹ và một tài khoản mẫu cho mỗi vai trò. Chạy lại thì dùng lại dữ liệu cũ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(demo.SCALES), default="small")
        parser.add_argument(
            "--schools", type=int, default=None, help="Chỉ tạo chừng này trường (để thử nhanh)."
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **opts):
        """Seed once; on a database that already has demo data, only repair the demo accounts."""
        if demo.demo_exists():
            demo.ensure_demo_accounts()
            self.stdout.write("Đã có dữ liệu mẫu: dùng lại, chỉ kiểm tra các tài khoản mẫu.")
            return
        started = time.monotonic()
        progress = None if opts["no_progress"] else demo.text_progress
        counts = demo.seed(scale_name=opts["scale"], progress=progress, max_schools=opts["schools"])
        self.stdout.write(
            f"Đã tạo {counts['schools']} trường, {counts['students']} học sinh "
            f"trong {time.monotonic() - started:.1f} giây."
        )
