"""The demo: complaints in several states, a hotspot, and an inspection with a breach."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from oversight.complaints.demo import MARK, ensure_demo_complaints
from oversight.complaints.models import Complaint, Hotspot, Source, Status
from oversight.inspections.demo import ensure_demo_inspection
from oversight.inspections.models import ChecklistItem, CorrectiveAction, Inspection
from oversight.registry.demo import demo_schools

pytestmark = pytest.mark.django_db


def seed():
    call_command(
        "seed_demo", "--scale", "small", "--schools", "12", "--no-progress", stdout=StringIO()
    )


def counts():
    return (
        Complaint.objects.count(),
        Hotspot.objects.count(),
        Inspection.objects.count(),
        ChecklistItem.objects.count(),
        CorrectiveAction.objects.count(),
    )


def test_the_demo_holds_complaints_a_hotspot_and_an_inspection_and_reseeding_adds_nothing():
    seed()
    demo = Complaint.objects.filter(description__startswith=MARK)
    assert demo.count() >= 8
    assert {Status.RECEIVED, Status.ACCEPTED, Status.CONCLUDED} <= set(
        demo.values_list("status", flat=True)
    )
    assert demo.filter(source=Source.HOTLINE).exists()
    assert demo.filter(replies__kind="public").exists()
    # Named reporters are the exception; every case goes to a commune committee.
    assert demo.filter(anonymous=True).count() > demo.filter(anonymous=False).count()
    assert set(demo.values_list("handling_agency__kind", flat=True)) == {"commune_committee"}
    primary = demo_schools()["primary"]
    hotspot = Hotspot.objects.get(scope=Hotspot.Scope.INSTITUTION, institution=primary)
    assert hotspot.state != Hotspot.State.RESOLVED
    inspection = Inspection.objects.get()
    assert inspection.kind == Inspection.Kind.PERIODIC
    assert inspection.agency == primary.managing_agency
    breach = ChecklistItem.objects.get(
        target__inspection=inspection, status=ChecklistItem.Status.BREACH
    )
    assert breach.notes
    action = CorrectiveAction.objects.get(inspection=inspection)
    assert action.item == breach and action.deadline > inspection.starts_on
    before = counts()
    ensure_demo_complaints()
    ensure_demo_inspection()
    seed()  # the command again: reuses the data
    assert counts() == before
