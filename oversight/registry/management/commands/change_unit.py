from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from oversight.registry.models import Unit
from oversight.registry.services import RegistryError, merge_units, rename_unit


def _date(text: str):
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError as e:
        raise CommandError(f"Ngày «{text}» không hợp lệ; ghi dd/mm/yyyy.") from e


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise CommandError(f"Không có đơn vị mã {code}.")
    return unit


class Command(BaseCommand):
    help = (
        "Đổi tên hoặc sáp nhập đơn vị hành chính theo ngày hiệu lực; lịch sử tên và nơi trường "
        "trực thuộc trước đó được giữ lại."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rename = sub.add_parser("rename", help="Đổi tên một đơn vị")
        rename.add_argument("code")
        rename.add_argument("--name", required=True)
        rename.add_argument("--full-name", required=True)
        rename.add_argument("--effective", required=True, help="dd/mm/yyyy")
        rename.add_argument("--reason", required=True, help="Căn cứ (số nghị quyết...)")
        merge = sub.add_parser("merge", help="Sáp nhập các đơn vị vào một đơn vị")
        merge.add_argument("sources", nargs="+")
        merge.add_argument("--into", required=True)
        merge.add_argument("--effective", required=True, help="dd/mm/yyyy")
        merge.add_argument("--reason", required=True)

    def handle(self, *args, **opts):
        """Run by an operator; the audit trail records it as the system."""
        effective = _date(opts["effective"])
        try:
            if opts["action"] == "rename":
                unit = rename_unit(
                    unit=_unit(opts["code"]),
                    name=opts["name"],
                    full_name=opts["full_name"],
                    effective=effective,
                    reason=opts["reason"],
                    by=None,
                )
                self.stdout.write(f"Đã đổi tên thành {unit.full_name} từ {opts['effective']}.")
            else:
                into = merge_units(
                    sources=[_unit(c) for c in opts["sources"]],
                    into=_unit(opts["into"]),
                    effective=effective,
                    reason=opts["reason"],
                    by=None,
                )
                self.stdout.write(
                    f"Đã sáp nhập {len(opts['sources'])} đơn vị vào {into} từ {opts['effective']}."
                )
        except RegistryError as e:
            raise CommandError(str(e)) from e
