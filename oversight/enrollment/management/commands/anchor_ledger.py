from django.core.management.base import BaseCommand

from oversight.enrollment.services import anchor_ledger


class Command(BaseCommand):
    help = "Niêm phong đầu chuỗi của mọi phân vùng sổ đồng ý (chạy định kỳ, ví dụ mỗi giờ)."

    def handle(self, *args, **opts):
        anchor = anchor_ledger()
        self.stdout.write(f"Đã niêm phong {len(anchor.heads)} phân vùng: {anchor.digest[:16]}…")
