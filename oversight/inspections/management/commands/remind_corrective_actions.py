"""Remind owners of corrective actions due soon, and report overdue ones (run daily)."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from oversight.inspections.services import send_corrective_action_reminders


class Command(BaseCommand):
    help = "Nhắc hạn và báo quá hạn các biện pháp khắc phục sau kiểm tra."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None)

    def handle(self, *args, **options):
        today = options["today"] or timezone.localdate()
        sent = send_corrective_action_reminders(today=today)
        self.stdout.write(f"reminded={sent['reminded']} overdue={sent['overdue']}")
