from datetime import date

from django.core.management.base import BaseCommand

from oversight.directives.services import send_reminders


class Command(BaseCommand):
    help = (
        "Nhắc hạn nhiệm vụ trước N ngày, báo quá hạn cho đơn vị và cấp trên, gửi bản tổng hợp "
        "hằng ngày cho từng đơn vị (chạy hằng ngày; chạy hai nơi cùng lúc cũng không gửi trùng)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="Nhắc trước bao nhiêu ngày.")
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args, **opts):
        r = send_reminders(today=opts["today"], days_before=opts["days"])
        self.stdout.write(
            f"Đã nhắc {r.reminded} nhiệm vụ, báo quá hạn {r.escalated}, gửi {r.digests} bản "
            "tổng hợp."
        )
