"""Hotspot detection on synthetic series: thresholds, weights, states, the risk weight."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from oversight.complaints.models import Complaint, Hotspot
from oversight.complaints.selectors import hotspot_candidates, hotspot_weight_for_institution
from oversight.complaints.services import resolve_hotspot, scan_hotspots, submit_complaint
from oversight.complaints.tests.helpers import TEXT, from_network
from oversight.testing import make_institution

pytestmark = pytest.mark.django_db


def series(world, school, days_ago: list[int], *, category="fees", source="web"):
    """One complaint per entry, each from a different reporter, filed `days_ago` days back."""
    for i, d in enumerate(days_ago):
        with from_network(f"198.51.100.{i % 250}", f"agent-{school.pk}-{d}-{i}"):
            c = submit_complaint(
                institution=school,
                category=category,
                description=f"{TEXT} ({i})",
                anonymous=True,
                source=source,
            ).complaint
        Complaint.objects.filter(pk=c.pk).update(
            created_at=timezone.now() - timedelta(days=d, hours=1)
        )


@pytest.fixture
def quiet_city(world):
    # Twenty more schools with nothing to report keep the city average low.
    for _ in range(20):
        make_institution(unit=world.commune_b)
    return world


def test_a_burst_above_its_own_baseline_and_the_city_is_an_active_hotspot(quiet_city, settings):
    w = quiet_city
    series(w, w.school_a, [1, 2, 3, 4, 5, 6])  # 6 × 1.5 = 9 in the window
    result = scan_hotspots()
    school = Hotspot.objects.get(scope="institution")
    assert school.institution == w.school_a and school.state == Hotspot.State.ACTIVE
    assert school.weight == 9.0 and len(school.evidence) == 6
    assert len(school.reasons) == 2
    assert Hotspot.objects.filter(scope="commune", unit=w.commune_a).exists()
    assert result.raised == 2


def test_a_steady_level_like_its_own_baseline_is_not_a_hotspot(quiet_city, settings):
    w = quiet_city
    settings.HOTSPOT_CITY_RATIO = 100  # only the place's own baseline matters here
    # The same rate for seven months: ~5 per 30 days all along.
    series(w, w.school_a, list(range(1, 210, 6)))
    assert not [c for c in hotspot_candidates() if c.scope == "institution"]


def test_below_the_watch_weight_nothing_is_raised(quiet_city):
    series(quiet_city, quiet_city.school_a, [1, 2])  # 3.0 < 4
    assert scan_hotspots().raised == 0


def test_press_counts_more(quiet_city, settings):
    w = quiet_city
    series(w, w.school_a, [1, 2, 3], source="press", category="teaching_ahead")  # 3 × 3 = 9
    (cand,) = [c for c in hotspot_candidates() if c.scope == "institution"]
    assert cand.weight == 9.0 and cand.state == Hotspot.State.ACTIVE
    settings.HOTSPOT_PRESS_WEIGHT = 1
    assert not [c for c in hotspot_candidates() if c.scope == "institution"]


def test_thresholds_are_configurable(quiet_city, settings):
    w = quiet_city
    series(w, w.school_a, [1, 2, 3, 4, 5, 6])
    settings.HOTSPOT_ACTIVE_WEIGHT = 50
    (cand,) = [c for c in hotspot_candidates() if c.scope == "institution"]
    assert cand.state == Hotspot.State.WATCH


def test_resubmissions_and_rejected_cases_do_not_count(quiet_city):
    w = quiet_city
    series(w, w.school_a, [1, 2, 3, 4, 5, 6])
    ids = list(Complaint.objects.values_list("pk", flat=True)[:4])
    Complaint.objects.filter(pk__in=ids).update(status="rejected", rejection_reason="Ngoài phạm vi")
    assert not [c for c in hotspot_candidates() if c.scope == "institution"]


def test_an_alert_resolves_itself_when_the_burst_is_over_and_is_updated_not_duplicated(
    quiet_city,
):
    w = quiet_city
    series(w, w.school_a, [1, 2, 3, 4, 5, 6])
    call_command("detect_hotspots")
    call_command("detect_hotspots")
    assert Hotspot.objects.filter(scope="institution").count() == 1
    Complaint.objects.update(created_at=timezone.now() - timedelta(days=100))
    assert scan_hotspots().resolved == 2
    assert not Hotspot.objects.exclude(state="resolved").exists()


def test_the_hotspot_weight_feeds_the_risk_score(quiet_city):
    w = quiet_city
    assert hotspot_weight_for_institution(w.school_a.pk) == 0.0
    series(w, w.school_a, [1, 2, 3, 4, 5, 6])
    scan_hotspots()
    assert hotspot_weight_for_institution(w.school_a.pk) > 9.0  # school + half its commune
    assert hotspot_weight_for_institution(w.school_b.pk) == 0.0


def test_the_commune_and_the_department_resolve_an_alert_with_a_note(quiet_city):
    w = quiet_city
    series(w, w.school_a, [1, 2, 3, 4, 5, 6])
    scan_hotspots()
    h = Hotspot.objects.get(scope="institution")
    from django.core.exceptions import PermissionDenied

    for user in (w.principal, w.commune_officer_b):
        with pytest.raises(PermissionDenied):
            resolve_hotspot(hotspot=h, by=user, note="Đã làm việc với nhà trường.")
    resolve_hotspot(hotspot=h, by=w.commune_officer, note="Đã làm việc với nhà trường.")
    h.refresh_from_db()
    assert h.state == Hotspot.State.RESOLVED


def test_two_heavy_complaints_are_not_yet_a_hotspot(quiet_city):
    series(quiet_city, quiet_city.school_a, [1, 2], source="press", category="retaliation")
    assert not hotspot_candidates()  # 2 × 2 × 3 = 12, but only two complaints
