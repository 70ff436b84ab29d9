from django.core.management.base import BaseCommand

from oversight.compliance.services import evaluate_everything, evaluate_scope


class Command(BaseCommand):
    help = (
        "Chạy kiểm tra tuân thủ (chạy hằng đêm trên mọi chương trình đang hoạt động), "
        "hoặc trên một phạm vi: --scope commune:<id> | institution:<id> | program:<id>."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scope", default="", help="Mặc định: toàn thành phố.")

    def handle(self, *args, **opts):
        """Evaluate everything, or one scope; idempotent, so two runs change nothing twice."""
        scope = opts["scope"]
        s = evaluate_scope(scope=scope, by=None) if scope else evaluate_everything()
        self.stdout.write(
            f"{s.programs} chương trình; {s.opened} phát hiện mới, {s.resolved} đã đóng; "
            f"{s.signals} dấu hiệu."
        )
