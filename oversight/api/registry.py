"""Registry endpoints: units, institutions and, within scope, their classes, teachers, students."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from ninja import Field, Query, Router, Schema

from oversight.accounts.access import (
    classes_for_user,
    get_institution_for_user,
    institutions_visible_to,
    students_for_user,
    teachers_for_user,
    units_visible_to,
)
from oversight.audit.services import record_event
from oversight.registry.models import ClassMembership, Institution, Unit
from oversight.registry.selectors import current_school_year

router = Router(tags=["registry"])

UnitKind = Literal["city", "ward", "commune", "special_zone", "district"]
Level = Literal[
    "preschool",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "multi_level",
    "continuing_education",
]
Ownership = Literal["public", "private"]


class Paging(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=settings.API_PAGE_SIZE_MAX)


def _page(qs: QuerySet, paging: Paging) -> tuple[list, int]:
    start = (paging.page - 1) * paging.page_size
    return list(qs[start : start + paging.page_size]), qs.count()


class Ref(Schema):
    id: int
    name: str


class UnitOut(Schema):
    id: int
    code: str
    name: str
    full_name: str
    kind: str
    parent: int | None = Field(None, validation_alias="parent_id")
    former_district: str | None = None
    valid_from: date | None
    valid_to: date | None

    @staticmethod
    def resolve_former_district(obj: Unit) -> str | None:
        return obj.former_district.full_name if obj.former_district else None


class UnitList(Schema):
    items: list[UnitOut]
    count: int


class UnitFilters(Paging):
    kind: UnitKind | None = None
    q: str | None = None


@router.get("/units", response=UnitList, summary="Đơn vị hành chính")
def list_units(request, filters: Query[UnitFilters]):
    qs = units_visible_to(request.user).search(filters.q).select_related("former_district")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    items, count = _page(qs.order_by("sort_key", "id"), filters)
    return {"items": items, "count": count}


class InstitutionOut(Schema):
    id: int
    code: str
    name: str
    level: str
    ownership: str
    unit: Ref
    managing_agency: Ref
    address: str
    two_sessions_per_day: bool

    @staticmethod
    def resolve_unit(obj: Institution) -> dict:
        return {"id": obj.unit.pk, "name": obj.unit.full_name}

    @staticmethod
    def resolve_managing_agency(obj: Institution) -> dict:
        return {"id": obj.managing_agency.pk, "name": obj.managing_agency.name}


class InstitutionDetail(InstitutionOut):
    phone: str
    email: str
    website: str
    principal_name: str
    managing_override_reason: str
    is_active: bool


class InstitutionList(Schema):
    items: list[InstitutionOut]
    count: int


class InstitutionFilters(Paging):
    q: str | None = None
    unit: int | None = None
    level: Level | None = None
    ownership: Ownership | None = None


@router.get("/institutions", response=InstitutionList, summary="Cơ sở giáo dục")
def list_institutions(request, filters: Query[InstitutionFilters]):
    qs = institutions_visible_to(request.user).search(filters.q)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.ownership:
        qs = qs.filter(ownership=filters.ownership)
    if filters.unit is not None:
        unit = Unit.objects.filter(pk=filters.unit).first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    qs = qs.select_related("unit", "managing_agency").order_by("sort_key", "id")
    items, count = _page(qs, filters)
    return {"items": items, "count": count}


@router.get("/institutions/{institution_id}", response=InstitutionDetail, summary="Một cơ sở")
def get_institution(request, institution_id: int):
    return get_institution_for_user(request.user, institution_id)


class ClassOut(Schema):
    id: int
    name: str
    grade: int
    school_year: str

    @staticmethod
    def resolve_school_year(obj) -> str:
        return obj.school_year.name


class ClassList(Schema):
    items: list[ClassOut]
    count: int


class YearFilter(Paging):
    school_year: str | None = Field(None, description="Ví dụ 2025-2026; mặc định năm học hiện tại")


@router.get("/institutions/{institution_id}/classes", response=ClassList, summary="Lớp")
def list_classes(request, institution_id: int, filters: Query[YearFilter]):
    institution = get_institution_for_user(request.user, institution_id)
    qs = classes_for_user(request.user, institution).select_related("school_year")
    if filters.school_year:
        qs = qs.filter(school_year__name=filters.school_year)
    else:
        qs = qs.filter(school_year=current_school_year())
    items, count = _page(qs.order_by("grade", "sort_key", "id"), filters)
    return {"items": items, "count": count}


class TeacherOut(Schema):
    id: int
    code: str
    name: str = Field(..., validation_alias="full_name")
    subjects: list[str]

    @staticmethod
    def resolve_subjects(obj) -> list[str]:
        return [s.name for s in obj.subjects.all()]


class TeacherList(Schema):
    items: list[TeacherOut]
    count: int


class SearchPaging(Paging):
    q: str | None = None


@router.get("/institutions/{institution_id}/teachers", response=TeacherList, summary="Giáo viên")
def list_teachers(request, institution_id: int, filters: Query[SearchPaging]):
    institution = get_institution_for_user(request.user, institution_id)
    qs = teachers_for_user(request.user, institution).search(filters.q)
    items, count = _page(qs.prefetch_related("subjects").order_by("sort_key", "id"), filters)
    return {"items": items, "count": count}


class StudentOut(Schema):
    id: int
    code: str
    name: str = Field(..., validation_alias="full_name")
    grade: int | None
    class_: Ref | None = Field(None, serialization_alias="class")

    @staticmethod
    def resolve_grade(obj) -> int | None:
        m = obj.current_memberships[0] if obj.current_memberships else None
        return m.homeroom_class.grade if m else None

    @staticmethod
    def resolve_class_(obj) -> dict | None:
        m = obj.current_memberships[0] if obj.current_memberships else None
        return {"id": m.homeroom_class.pk, "name": m.homeroom_class.name} if m else None


class StudentList(Schema):
    items: list[StudentOut]
    count: int


@router.get(
    "/institutions/{institution_id}/students",
    response=StudentList,
    by_alias=True,
    summary="Học sinh",
)
def list_students(request, institution_id: int, filters: Query[SearchPaging]):
    """Students the caller has a reason to see; each call is logged (children's data)."""
    institution = get_institution_for_user(request.user, institution_id)
    year = current_school_year()
    qs = (
        students_for_user(request.user, institution)
        .search(filters.q)
        .prefetch_related(
            Prefetch(
                "memberships",
                to_attr="current_memberships",
                queryset=ClassMembership.objects.filter(school_year=year).select_related(
                    "homeroom_class"
                ),
            )
        )
    )
    items, count = _page(qs.order_by("sort_key", "id"), filters)
    record_event(
        actor=request.user,
        action="students.listed",
        target=institution,
        data={"page": filters.page, "q": filters.q or ""},
    )
    return {"items": items, "count": count}
