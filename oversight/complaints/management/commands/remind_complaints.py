"""Remind handling agencies of complaints falling due, and move overdue commune cases to the
department. Run daily by the scheduler; each step is claimed with a conditional UPDATE."""

from django.core.management.base import BaseCommand

from oversight.complaints.services import escalate_overdue_complaints, remind_due_complaints


class Command(BaseCommand):
    help = "Nhắc hạn phản ánh sắp đến hạn và chuyển phản ánh quá hạn lên Sở."

    def handle(self, *args, **options):
        reminded = remind_due_complaints()
        escalated = escalate_overdue_complaints()
        self.stdout.write(f"reminded={reminded} escalated={escalated}")
