from pathlib import Path

from django.core.management.base import BaseCommand

from oversight.compliance.rulepacks import DEFAULT_PACK, load_pack, read_pack


class Command(BaseCommand):
    help = "Nạp (hoặc cập nhật) bộ quy tắc từ tệp dữ liệu; chạy lại không thay đổi gì thêm."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PACK))

    def handle(self, *args, **opts):
        """Load a rule pack file (a corrected citation or date needs no code change)."""
        pack = load_pack(read_pack(Path(opts["path"])))
        self.stdout.write(f"{pack}: {pack.rules.count()} quy tắc.")
