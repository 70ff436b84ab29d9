from django.core.management.base import BaseCommand

from oversight.enrollment.services import pause_unconfirmed


class Command(BaseCommand):
    help = (
        "Tạm dừng việc học của các gia đình chưa xác nhận lại sau khi thông tin công khai của "
        "chương trình thay đổi quá CONSENT_RECONFIRM_DAYS ngày (chạy hằng ngày)."
    )

    def handle(self, *args, **opts):
        n = pause_unconfirmed()
        self.stdout.write(f"Đã tạm dừng {n} trường hợp chưa xác nhận lại.")
