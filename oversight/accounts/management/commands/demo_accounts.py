import json

from django.core.management.base import BaseCommand

from oversight.registry.demo import demo_accounts


class Command(BaseCommand):
    help = "In danh sách tài khoản mẫu (--json: dạng JSON cho máy đọc)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        accounts = demo_accounts()
        if opts["json"]:
            self.stdout.write(json.dumps(accounts, ensure_ascii=False, indent=2))
            return
        if not accounts:
            self.stdout.write("Chưa có tài khoản mẫu: chạy `manage.py seed_demo` trước.")
            return
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {accounts[0]['password']}):")
        for a in accounts:
            self.stdout.write(f"  {a['username']:<18} {a['role']:<20} {a['scope']['name']}")
