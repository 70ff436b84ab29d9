from pathlib import Path

from django.core.management.base import BaseCommand

from oversight.registry.services import UNITS_CSV, load_units


class Command(BaseCommand):
    help = "Tạo hoặc cập nhật thành phố, các quận/huyện cũ và các xã, phường, đặc khu từ tệp CSV."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=UNITS_CSV)
        parser.add_argument("--city-code", default="31")
        parser.add_argument("--city-name", default="Hải Phòng")

    def handle(self, *args, **opts):
        """Idempotent: units are matched by code, so re-running never duplicates."""
        result = load_units(
            city_code=opts["city_code"], city_name=opts["city_name"], path=opts["file"]
        )
        self.stdout.write(
            f"{result.city}: {result.created} đơn vị mới, {result.updated} đơn vị cập nhật."
        )
