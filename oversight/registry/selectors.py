from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from oversight.registry.models import Institution, InstitutionPlacement, SchoolYear, Unit


def unit_of(institution: Institution, on: date) -> Unit:
    """The unit the institution belonged to on `on` (its placement history, else its unit)."""
    placement = (
        InstitutionPlacement.objects.filter(institution=institution)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("unit")
        .first()
    )
    return placement.unit if placement else institution.unit


def current_school_year(on: date | None = None) -> SchoolYear | None:
    on = on or timezone.localdate()
    return (
        SchoolYear.objects.filter(starts_on__lte=on, ends_on__gte=on).first()
        or SchoolYear.objects.filter(starts_on__lte=on).order_by("-starts_on").first()
        or SchoolYear.objects.order_by("starts_on").first()
    )


def figures_for(institutions) -> dict:
    """Counts for a home page over a queryset of institutions the user may see."""
    from django.db.models import Count

    from oversight.registry.models import HomeroomClass, Student, Teacher

    by_level = dict(
        institutions.order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    ids = institutions.values("pk")
    year = current_school_year()
    return {
        "institutions": sum(by_level.values()),
        "by_level": [(label, by_level.get(value, 0)) for value, label in Institution.Level.choices],
        "classes": HomeroomClass.objects.filter(institution__in=ids, school_year=year).count()
        if year
        else 0,
        "teachers": Teacher.objects.filter(institution__in=ids, is_active=True).count(),
        "students": Student.objects.filter(institution__in=ids, is_active=True).count(),
        "year": year,
    }
