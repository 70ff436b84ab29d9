from django.core.management.base import BaseCommand, CommandError

from oversight.enrollment.ledger import verify
from oversight.enrollment.models import ConsentEntry


class Command(BaseCommand):
    help = (
        "Kiểm tra sổ đồng ý tham gia: đi hết chuỗi băm của từng phân vùng và các dấu niêm phong; "
        "thoát với mã khác 0 và nêu mục hỏng đầu tiên nếu có mục bị sửa, xóa, chèn hoặc đảo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partition", action="append", help="Chỉ kiểm tra phân vùng này.")

    def handle(self, *args, **opts):
        problems = verify(opts["partition"])
        if problems:
            for p in problems:
                self.stderr.write(f"HỎNG {p}")
            raise CommandError(f"Sổ đồng ý không toàn vẹn: mục hỏng đầu tiên là {problems[0]}.")
        self.stdout.write(f"Sổ đồng ý toàn vẹn: {ConsentEntry.objects.count()} mục đã kiểm tra.")
