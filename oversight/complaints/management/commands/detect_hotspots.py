"""Scan complaints per school and per commune over the rolling window and raise, update or
resolve hotspot alerts. Run daily by the scheduler (or at once by hand)."""

from django.core.management.base import BaseCommand

from oversight.complaints.services import scan_hotspots


class Command(BaseCommand):
    help = "Phát hiện điểm nóng từ phản ánh theo trường và theo xã/phường."

    def handle(self, *args, **options):
        r = scan_hotspots()
        self.stdout.write(f"raised={r.raised} updated={r.updated} resolved={r.resolved}")
