"""The demo: three school years with timetables and a few realistic breaches."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from oversight.compliance.models import Finding, RiskSignal
from oversight.programs.models import OfficialTimetableSlot
from oversight.registry.models import SchoolYear

pytestmark = pytest.mark.django_db


def seed():
    call_command(
        "seed_demo", "--scale", "small", "--schools", "12", "--no-progress", stdout=StringIO()
    )


def test_the_demo_holds_three_school_years_timetables_breaches_and_signals():
    seed()
    assert {"2024-2025", "2025-2026", "2026-2027"} <= set(
        SchoolYear.objects.values_list("name", flat=True)
    )
    years = set(OfficialTimetableSlot.objects.values_list("school_year__name", flat=True))
    assert years == {"2024-2025", "2025-2026", "2026-2027"}
    rules = set(Finding.objects.values_list("rule_code", flat=True))
    assert {
        "tt29.a5.free",
        "tt17.fee-agreed",
        "tt29.a5.no-interleave",
        "tt29.a5.by-subject",
        "tt29.a4.own-students",
        "tt29.a6.registered",
        "tt29.a6.teacher-report",
        "link.partner-licensed",
        "link.alternative",
        "fees.no-advance",
        "tt29.a4.no-manage",
    } <= rules
    signals = set(RiskSignal.objects.values_list("code", flat=True))
    assert {
        "class_uptake",
        "bulk_staff_consents",
        "stacked_linkage",
        "session_hours",
        "quick_withdrawals",
        "facility_overlap",
        "roster_equals_class",
    } <= signals
    # The 13/02 → 14/02/2025 boundary on the 2024-25 record.
    free = Finding.objects.get(rule_code="tt29.a5.free", program__school_year__name="2024-2025")
    assert free.occurred_on.isoformat() == "2025-02-18"
    counts = (Finding.objects.count(), RiskSignal.objects.count())
    seed()  # again: reuses the data, duplicates nothing
    assert (Finding.objects.count(), RiskSignal.objects.count()) == counts
