"""Who may see and change what. Every page, API endpoint, export and admin list asks here.

A role is held over a scope (a unit, an agency, an institution) and covers what lies beneath
it: a unit's scope is its subtree of units; an agency's is the subtree of the unit it governs
(the department governs the city, a commune committee its commune). An object outside every
scope does not exist for the user (404); an object in scope that the role may not change, or
a part of it the role may not read (a school's students, say), is 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from oversight.accounts.models import Role, RoleAssignment
from oversight.registry.models import (
    HomeroomClass,
    Institution,
    Student,
    Teacher,
    Unit,
)

if TYPE_CHECKING:
    from oversight.accounts.models import User

DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT_ADMIN, Role.DEPARTMENT_OFFICER})
# Roles that must pass TOTP when settings.REQUIRE_2FA is on.
TWO_FACTOR_ROLES = frozenset({Role.DEPARTMENT_ADMIN, Role.DEPARTMENT_OFFICER, Role.INSPECTOR})
SCHOOL_ROLES = frozenset({Role.PRINCIPAL, Role.SCHOOL_STAFF})
# Roles that read a school's staff list and class list.
STAFF_READERS = frozenset(
    {
        Role.CITY_VIEWER,
        *DEPARTMENT_ROLES,
        Role.INSPECTOR,
        Role.COMMUNE_OFFICER,
        *SCHOOL_ROLES,
        Role.TEACHER,
    }
)
# Roles with a reason to read children's records (RULES.md, "Personal data"): the school, the
# authority that manages it, inspectors; a teacher only for the classes they teach.
STUDENT_READERS = frozenset({*DEPARTMENT_ROLES, Role.INSPECTOR, *SCHOOL_ROLES})
# Roles that oversee schools from above: they receive the plans principals report upward.
AUTHORITY_ROLES = frozenset(
    {*DEPARTMENT_ROLES, Role.INSPECTOR, Role.COMMUNE_OFFICER, Role.CITY_VIEWER}
)


def _assignments(user: Any) -> list[RoleAssignment]:
    """The user's active role assignments, read once per request object."""
    if user is None:
        return []
    cached = getattr(user, "_role_assignments", None)
    if cached is None:
        if not getattr(user, "is_authenticated", False):
            cached = []
        else:
            cached = list(
                RoleAssignment.objects.active()
                .filter(user=user)
                .select_related("unit", "agency__unit", "institution")
            )
        user._role_assignments = cached
    return cached


def roles_of(user: Any) -> set[str]:
    return {a.role for a in _assignments(user)}


def needs_two_factor(user: Any) -> bool:
    """Department roles, inspectors and superusers must pass TOTP when REQUIRE_2FA is on."""
    return getattr(user, "is_superuser", False) or bool(roles_of(user) & TWO_FACTOR_ROLES)


def _scope_path(a: RoleAssignment) -> str | None:
    if a.unit is not None:
        return a.unit.path
    if a.agency is not None:
        return a.agency.unit.path
    return None


def _scope_q(a: RoleAssignment) -> Q:
    """The institutions one assignment covers."""
    path = _scope_path(a)
    if path is not None:
        return Q(unit__path__startswith=path)
    return Q(pk=a.institution_id)


def _guardian_q(user: Any) -> Q:
    return Q(students__guardianships__guardian__user=user)


def institutions_visible_to(user: Any) -> QuerySet[Institution]:
    """Every institution in any of the user's scopes (none for the anonymous)."""
    qs = Institution.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    q = Q(pk__in=[])
    guardian = False
    for a in _assignments(user):
        if a.role == Role.GUARDIAN:
            guardian = True
        else:
            q |= _scope_q(a)
    if guardian:
        ids = Institution.objects.filter(_guardian_q(user)).values("pk")
        q |= Q(pk__in=ids)
    return qs.filter(q)


def _covers(a: RoleAssignment, institution: Institution) -> bool:
    path = _scope_path(a)
    if path is not None:
        return institution.unit.path.startswith(path)
    return a.institution_id == institution.pk


@dataclass(frozen=True)
class InstitutionRights:
    """What one user may do with one institution they can see."""

    roles: frozenset[str]
    superuser: bool = False

    @property
    def view_staff(self) -> bool:
        return self.superuser or bool(self.roles & STAFF_READERS)

    @property
    def view_all_students(self) -> bool:
        return self.superuser or bool(self.roles & {*STUDENT_READERS, "commune_manager"})

    @property
    def view_students(self) -> bool:
        return self.view_all_students or Role.TEACHER in self.roles

    @property
    def edit(self) -> bool:
        return self.superuser or bool(self.roles & {Role.DEPARTMENT_ADMIN, *SCHOOL_ROLES})

    @property
    def set_managing_agency(self) -> bool:
        return self.superuser or Role.DEPARTMENT_ADMIN in self.roles


def rights_over(user: Any, institution: Institution) -> InstitutionRights:
    """The roles the user holds over `institution`, and so what they may do there.

    A commune officer reads students only of schools their commune manages (not of the
    department's upper-secondary schools that happen to stand in the commune).
    """
    if getattr(user, "is_superuser", False):
        return InstitutionRights(roles=frozenset(), superuser=True)
    roles: set[str] = set()
    for a in _assignments(user):
        if a.role == Role.GUARDIAN:
            continue
        if _covers(a, institution):
            roles.add(a.role)
            if a.role == Role.COMMUNE_OFFICER and _manages(a, institution):
                roles.add("commune_manager")
    return InstitutionRights(roles=frozenset(roles))


def _manages(a: RoleAssignment, institution: Institution) -> bool:
    path = _scope_path(a)
    agency = institution.managing_agency
    return (
        path is not None
        and agency.unit.path.startswith(path)
        and agency.kind == "commune_committee"
    )


def _rights_or_404(user: Any, institution_id: int) -> tuple[Institution, InstitutionRights]:
    try:
        institution = (
            institutions_visible_to(user)
            .select_related("unit", "managing_agency__unit")
            .get(pk=institution_id)
        )
    except (Institution.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return institution, rights_over(user, institution)


def get_institution_for_user(user: Any, institution_id: int, *, write: bool = False) -> Institution:
    """The institution if `user` may see it (and change it, if `write`); 404 hides the rest."""
    institution, rights = _rights_or_404(user, institution_id)
    if write and not rights.edit:
        raise PermissionDenied
    institution.rights = rights  # type: ignore[attr-defined]
    return institution


def classes_for_user(user: Any, institution: Institution) -> QuerySet[HomeroomClass]:
    """The institution's homeroom classes, for roles that read the school's organisation."""
    if not rights_over(user, institution).view_staff:
        raise PermissionDenied
    return institution.classes.all()


def teachers_for_user(user: Any, institution: Institution) -> QuerySet[Teacher]:
    if not rights_over(user, institution).view_staff:
        raise PermissionDenied
    return institution.teachers.all()


def students_for_user(user: Any, institution: Institution) -> QuerySet[Student]:
    """The institution's students the user has a reason to see; 403 for the others.

    A teacher who holds no other role there sees only the students of classes they teach.
    """
    rights = rights_over(user, institution)
    if rights.view_all_students:
        return institution.students.all()
    if Role.TEACHER in rights.roles:
        return institution.students.filter(
            memberships__homeroom_class__assignments__teacher__user=user
        ).distinct()
    raise PermissionDenied


def can_read_students(user: Any, institution: Institution) -> bool:
    """Whether `students_for_user` gives this user any of the institution's students."""
    return rights_over(user, institution).view_students


def guardian_children(user: Any) -> QuerySet[Student]:
    """The students linked to this user as a guardian."""
    if not getattr(user, "is_authenticated", False):
        return Student.objects.none()
    return Student.objects.filter(guardianships__guardian__user=user)


def get_student_for_user(user: Any, student_id: int) -> Student:
    """A student the user may read: as a guardian of the child, or through the school's rights."""
    student = (
        Student.objects.select_related("institution__unit", "institution__managing_agency__unit")
        .filter(pk=student_id)
        .first()
    )
    if student is None:
        raise Http404
    if guardian_children(user).filter(pk=student.pk).exists():
        return student
    if not institutions_visible_to(user).filter(pk=student.institution_id).exists():
        raise Http404
    if not students_for_user(user, student.institution).filter(pk=student.pk).exists():
        raise PermissionDenied
    return student


def units_visible_to(user: Any) -> QuerySet[Unit]:
    """The administrative map is public knowledge: every signed-in user reads it."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    return Unit.objects.all()


def get_unit_for_user(user: Any, unit_id: int) -> Unit:
    unit = (
        units_visible_to(user)
        .filter(pk=unit_id)
        .select_related("parent", "former_district")
        .first()
    )
    if unit is None:
        raise Http404
    return unit


def can_import(user: Any, kind: str, institution: Institution | None = None) -> bool:
    """Institutions are imported by the department; a school's people by the school or the
    department."""
    if getattr(user, "is_superuser", False):
        return True
    roles = roles_of(user)
    if kind == "institutions":
        return bool(roles & DEPARTMENT_ROLES)
    if institution is None:
        return False
    return rights_over(user, institution).edit


def can_read_audit(user: Any) -> bool:
    """Department officials and inspectors read the trail of objects in their scope."""
    return getattr(user, "is_superuser", False) or bool(
        roles_of(user) & {*DEPARTMENT_ROLES, Role.INSPECTOR}
    )


def home_scope_label(user: User) -> str:
    labels = [str(a.scope) for a in _assignments(user)]
    return ", ".join(labels)


def institutions_editable_by(user: Any) -> QuerySet[Institution]:
    """Institutions whose records the user may change (and so import into)."""
    qs = institutions_visible_to(user)
    if getattr(user, "is_superuser", False) or Role.DEPARTMENT_ADMIN in roles_of(user):
        return qs
    ids = [
        a.institution_id for a in _assignments(user) if a.role in SCHOOL_ROLES and a.institution_id
    ]
    return qs.filter(pk__in=ids)


def can_import_anything(user: Any) -> bool:
    """Whether the import page is for this user at all."""
    return getattr(user, "is_superuser", False) or bool(
        roles_of(user) & {*DEPARTMENT_ROLES, *SCHOOL_ROLES}
    )


def can_register_institution(user: Any, unit: Unit) -> bool:
    """Department roles (and superusers) register institutions in the units they cover."""
    if getattr(user, "is_superuser", False):
        return True
    return any(
        a.role in DEPARTMENT_ROLES
        and (path := _scope_path(a)) is not None
        and unit.path.startswith(path)
        for a in _assignments(user)
    )


def can_update_institution(user: Any, institution: Institution) -> bool:
    """The school itself, and the department roles that register institutions."""
    rights = rights_over(user, institution)
    return rights.edit or bool(rights.roles & DEPARTMENT_ROLES)


def can_change_units(user: Any) -> bool:
    """Renames and merges of administrative units are kept by the department's administrators."""
    return getattr(user, "is_superuser", False) or Role.DEPARTMENT_ADMIN in roles_of(user)


# --- programmes --------------------------------------------------------------------------------


def roles_over_unit(user: Any, unit: Unit) -> set[str]:
    """Roles the user holds through unit or agency scopes that cover `unit`."""
    return {
        a.role
        for a in _assignments(user)
        if (path := _scope_path(a)) is not None and unit.path.startswith(path)
    }


def programs_visible_to(user: Any):
    """Programmes of the institutions in the user's scopes and outside facilities in their
    areas. Guardians and partner staff see only what is published: drafts are the school's."""
    from oversight.programs.models import Program

    qs = Program.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    full = Q(pk__in=[])
    public_only = Q(pk__in=[])
    for a in _assignments(user):
        if a.role == Role.GUARDIAN:
            continue
        scope = _scope_q(a)
        institution_ids = Institution.objects.filter(scope).values("pk")
        if a.role == Role.PARTNER_STAFF:
            public_only |= Q(institution__in=institution_ids)
            continue
        full |= Q(institution__in=institution_ids)
        path = _scope_path(a)
        if path is not None:
            full |= Q(facility__unit__path__startswith=path)
    if Role.GUARDIAN in roles_of(user):
        public_only |= Q(institution__in=Institution.objects.filter(_guardian_q(user)).values("pk"))
    published = Q(status__in=[Program.Status.APPROVED, Program.Status.SUSPENDED])
    return qs.filter(full | (public_only & published))


def _program_roles(user: Any, program) -> set[str]:
    if program.institution_id:
        return set(rights_over(user, program.institution).roles)
    return roles_over_unit(user, program.facility.unit)


def can_edit_program(user: Any, program) -> bool:
    """The school (or the department admin) edits its programmes; a facility's programmes are
    recorded by its commune or the department."""
    if getattr(user, "is_superuser", False):
        return True
    roles = _program_roles(user, program)
    if program.institution_id:
        return bool(roles & {Role.DEPARTMENT_ADMIN, *SCHOOL_ROLES})
    return bool(roles & {Role.COMMUNE_OFFICER, *DEPARTMENT_ROLES})


def can_approve_program(user: Any, program, approver: str) -> bool:
    """`approver` comes from the programme kind's ApprovalRoute."""
    if getattr(user, "is_superuser", False):
        return True
    roles = _program_roles(user, program)
    if approver == "principal":
        return Role.PRINCIPAL in roles
    if program.institution_id:
        if program.institution.managing_agency.kind == "department":
            return bool(roles & DEPARTMENT_ROLES)
        return "commune_manager" in roles
    return bool(roles & {Role.COMMUNE_OFFICER, *DEPARTMENT_ROLES})


def can_suspend_program(user: Any, program) -> bool:
    """The managing authority, the department for any school in the city (the city's letter
    gives it that power), and inspectors within their scope."""
    if getattr(user, "is_superuser", False):
        return True
    roles = _program_roles(user, program)
    return bool(roles & {*DEPARTMENT_ROLES, Role.INSPECTOR}) or can_approve_program(
        user, program, "managing_authority"
    )


def get_program_for_user(user: Any, program_id: int, *, write: bool = False):
    """The programme if `user` may see it (and edit it, if `write`); 404 hides the rest."""
    program = (
        programs_visible_to(user)
        .select_related(
            "institution__unit",
            "institution__managing_agency__unit",
            "facility__unit",
            "partner",
            "subject",
            "school_year",
        )
        .filter(pk=program_id)
        .first()
    )
    if program is None:
        raise Http404
    if write and not can_edit_program(user, program):
        raise PermissionDenied
    return program


def teacher_reports_visible_to(user: Any):
    """Form 03 reports: a teacher's own, and those of teachers in schools the user oversees."""
    from oversight.programs.models import TeacherReport

    if not getattr(user, "is_authenticated", False):
        return TeacherReport.objects.none()
    if user.is_superuser:
        return TeacherReport.objects.all()
    overseen = Q(pk__in=[])
    for a in _assignments(user):
        if a.role in {*SCHOOL_ROLES, *DEPARTMENT_ROLES, Role.INSPECTOR, Role.COMMUNE_OFFICER}:
            overseen |= _scope_q(a)
    schools = Institution.objects.filter(overseen).values("pk")
    return TeacherReport.objects.filter(Q(teacher__user=user) | Q(teacher__institution__in=schools))


def can_acknowledge_report(user: Any, report) -> bool:
    """The principal of the reporting teacher's school acknowledges Form 03."""
    return getattr(user, "is_superuser", False) or (
        Role.PRINCIPAL in rights_over(user, report.teacher.institution).roles
    )


# --- in-school tutoring plans and timetables ---------------------------------------------------


def tutoring_students_for_user(user: Any, program) -> QuerySet:
    """The eligibility entries of a programme's groups whose students the user may read (a
    teacher only those of the classes they teach); 403 for roles with no reason to read them."""
    from oversight.programs.models import EligibleStudent

    students = students_for_user(user, program.institution)
    return EligibleStudent.objects.filter(group__program=program, student__in=students)


def timetable_for_user(user: Any, institution: Institution, school_year) -> QuerySet:
    """The school's main timetable for a year, for roles that read the school's organisation."""
    from oversight.programs.models import OfficialTimetableSlot

    if not rights_over(user, institution).view_staff:
        raise PermissionDenied
    return OfficialTimetableSlot.objects.filter(institution=institution, school_year=school_year)


def reported_plans_visible_to(user: Any) -> QuerySet:
    """In-school plans reported upward: to authorities, those reported to an agency within their
    scope (the department's covers the city, a commune committee's its commune); to a school,
    its own. Only of programmes the user can see."""
    from oversight.programs.models import UpwardReport

    qs = UpwardReport.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    q = Q(pk__in=[])
    for a in _assignments(user):
        path = _scope_path(a)
        if a.role in AUTHORITY_ROLES and path is not None:
            q |= Q(agency__unit__path__startswith=path)
        elif a.role in SCHOOL_ROLES and a.institution_id:
            q |= Q(program__institution_id=a.institution_id)
    return qs.filter(q, program__in=programs_visible_to(user).values("pk"))


# --- complaints --------------------------------------------------------------------------------
# A complaint about a school is handled by the school's managing authority (or the department
# once escalated), never by the school: school roles, teachers, partners and guardians see no
# complaint at all, only the questions they are asked to explain.

COMPLAINT_READERS = frozenset({*DEPARTMENT_ROLES, Role.INSPECTOR, Role.CITY_VIEWER})
COMPLAINT_LOGGERS = frozenset({*DEPARTMENT_ROLES, Role.INSPECTOR, Role.COMMUNE_OFFICER})


def complaints_visible_to(user: Any) -> QuerySet:
    """Department roles, inspectors and the city's viewers read complaints in their area; a
    commune officer those handled by an agency in their commune, and those about schools their
    commune manages (read only once escalated)."""
    from oversight.complaints.models import Complaint

    qs = Complaint.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    q = Q(pk__in=[])
    for a in _assignments(user):
        path = _scope_path(a)
        if path is None:
            continue
        if a.role in COMPLAINT_READERS:
            q |= Q(institution__unit__path__startswith=path)
        elif a.role == Role.COMMUNE_OFFICER:
            q |= Q(handling_agency__unit__path__startswith=path)
            q |= Q(
                institution__managing_agency__unit__path__startswith=path,
                institution__managing_agency__kind="commune_committee",
            )
    return qs.filter(q)


def can_handle_complaint(user: Any, complaint) -> bool:
    """Officers of the agency handling the case: the commune committee's officers, or the
    department's roles once the department handles it."""
    if getattr(user, "is_superuser", False):
        return True
    agency = complaint.handling_agency
    for a in _assignments(user):
        path = _scope_path(a)
        if path is None or not agency.unit.path.startswith(path):
            continue
        if agency.kind == "commune_committee" and a.role == Role.COMMUNE_OFFICER:
            return True
        if agency.kind == "department" and a.role in DEPARTMENT_ROLES:
            return True
    return False


def can_reveal_reporter(user: Any, complaint) -> bool:
    """Only the officer handling the case, and only while their agency handles it."""
    return (
        complaint.handler_id is not None
        and complaint.handler_id == getattr(user, "pk", None)
        and can_handle_complaint(user, complaint)
    )


def get_complaint_for_user(user: Any, complaint_id: int, *, write: bool = False):
    """The complaint if `user` may see it (and act on it, if `write`); 404 hides the rest."""
    complaint = (
        complaints_visible_to(user)
        .select_related(
            "institution__unit", "handling_agency__unit", "handler", "program", "duplicate_of"
        )
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None:
        raise Http404
    if write and not can_handle_complaint(user, complaint):
        raise PermissionDenied
    return complaint


def can_log_complaint(user: Any, institution: Institution) -> bool:
    """Authorities record hotline, press and inspection complaints about schools they see."""
    if getattr(user, "is_superuser", False):
        return True
    return bool(rights_over(user, institution).roles & COMPLAINT_LOGGERS)


def explanation_requests_for_user(user: Any) -> QuerySet:
    """The questions a school's management is asked to explain (its own school only)."""
    from oversight.complaints.models import ExplanationRequest

    if not getattr(user, "is_authenticated", False):
        return ExplanationRequest.objects.none()
    ids = [
        a.institution_id
        for a in _assignments(user)
        if a.role in {Role.PRINCIPAL, Role.SCHOOL_STAFF} and a.institution_id
    ]
    return ExplanationRequest.objects.filter(complaint__institution_id__in=ids)


def hotspots_visible_to(user: Any) -> QuerySet:
    """Hotspot alerts go to the commune and the department (and inspectors, city viewers):
    each sees those in its area."""
    from oversight.complaints.models import Hotspot

    qs = Hotspot.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    q = Q(pk__in=[])
    for a in _assignments(user):
        path = _scope_path(a)
        if path is not None and a.role in {*COMPLAINT_READERS, Role.COMMUNE_OFFICER}:
            q |= Q(unit__path__startswith=path)
    return qs.filter(q)


def can_resolve_hotspot(user: Any, hotspot) -> bool:
    """The commune's officers and the department mark an alert resolved."""
    if getattr(user, "is_superuser", False):
        return True
    roles = roles_over_unit(user, hotspot.unit)
    return bool(roles & {*DEPARTMENT_ROLES, Role.COMMUNE_OFFICER})


# --- directives: documents, tasks and progress reports ------------------------------------------

# Roles that read every document and task within their scope; of them, the department's roles
# also manage them (record documents and tasks, accept or return reports).
DIRECTIVE_READERS = frozenset({Role.CITY_VIEWER, *DEPARTMENT_ROLES, Role.INSPECTOR})


def directive_units_of(user: Any) -> tuple[set[int], set[int]]:
    """The agencies and institutions the user acts for on tasks (ids): the department and its
    divisions for department roles, the commune committees for commune officers, the school
    for its principal and staff."""
    from oversight.registry.models import Agency

    agencies: set[int] = set()
    institutions: set[int] = set()
    for a in _assignments(user):
        path = _scope_path(a)
        if a.role in DEPARTMENT_ROLES and path is not None:
            kinds = [Agency.Kind.DEPARTMENT, Agency.Kind.DIVISION]
            agencies |= set(
                Agency.objects.filter(kind__in=kinds, unit__path__startswith=path).values_list(
                    "pk", flat=True
                )
            )
        elif a.role == Role.COMMUNE_OFFICER and path is not None:
            agencies |= set(
                Agency.objects.filter(
                    kind=Agency.Kind.COMMUNE_COMMITTEE, unit__path__startswith=path
                ).values_list("pk", flat=True)
            )
        elif a.role in SCHOOL_ROLES and a.institution_id:
            institutions.add(a.institution_id)
    return agencies, institutions


def _reader_paths(user: Any) -> list[str]:
    return [
        path
        for a in _assignments(user)
        if a.role in DIRECTIVE_READERS and (path := _scope_path(a)) is not None
    ]


def tasks_visible_to(user: Any) -> QuerySet:
    """Readers see every task in their scope; a commune officer the tasks its committee leads or
    cooperates on and its schools' sub-tasks; a school its own."""
    from oversight.directives.models import Task

    qs = Task.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    q = Q(pk__in=[])
    from oversight.directives.models import Document
    from oversight.registry.models import Agency

    for path in _reader_paths(user):
        # Id sets from the small tables rather than joins per task row: cheaper at ~1,600
        # schools' worth of sub-tasks.
        agencies_in = Agency.objects.filter(unit__path__startswith=path).values("pk")
        q |= (
            Q(document__in=Document.objects.filter(issuer__in=agencies_in).values("pk"))
            | Q(lead_agency__in=agencies_in)
            | Q(
                lead_institution__in=Institution.objects.filter(unit__path__startswith=path).values(
                    "pk"
                )
            )
        )
    agencies, institutions = directive_units_of(user)
    commune_ids = _commune_committees(user)
    if agencies or institutions or commune_ids:
        cooperating = Task.objects.filter(
            Q(cooperating_agencies__in=agencies | commune_ids)
            | Q(cooperating_institutions__in=institutions)
        ).values("pk")
        q |= (
            Q(lead_agency__in=agencies | commune_ids)
            | Q(lead_institution__in=institutions)
            | Q(lead_institution__managing_agency__in=commune_ids)
            | Q(pk__in=cooperating)
        )
    return qs.filter(q)


def _commune_committees(user: Any) -> set[int]:
    from oversight.registry.models import Agency

    ids: set[int] = set()
    for a in _assignments(user):
        path = _scope_path(a)
        if a.role == Role.COMMUNE_OFFICER and path is not None:
            ids |= set(
                Agency.objects.filter(
                    kind=Agency.Kind.COMMUNE_COMMITTEE, unit__path__startswith=path
                ).values_list("pk", flat=True)
            )
    return ids


def documents_visible_to(user: Any) -> QuerySet:
    """Readers see every document; other users those that give them a task (or its schools')."""
    from oversight.directives.models import Document

    qs = Document.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser or _reader_paths(user):
        return qs
    from oversight.directives.models import Dissemination

    agencies, institutions = directive_units_of(user)
    sent = Dissemination.objects.filter(
        Q(agency__in=agencies) | Q(institution__in=institutions)
    ).values("document_id")
    return qs.filter(Q(pk__in=tasks_visible_to(user).values("document_id")) | Q(pk__in=sent))


def reads_all_directives(user: Any) -> bool:
    """The city, the department and inspectors read every document and task in their scope."""
    return getattr(user, "is_superuser", False) or bool(_reader_paths(user))


def can_manage_directives(user: Any) -> bool:
    """The department's roles record documents and tasks and review reports (the city's
    orders reach the department, which follows them to the end)."""
    return getattr(user, "is_superuser", False) or bool(roles_of(user) & DEPARTMENT_ROLES)


def can_create_documents(user: Any) -> bool:
    return can_manage_directives(user)


def get_document_for_user(user: Any, document_id: int, *, write: bool = False):
    """The document if visible (and manageable, if `write`); 404 hides the rest."""
    document = (
        documents_visible_to(user)
        .select_related("issuer", "implements", "replaces")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise Http404
    if write and not can_manage_directives(user):
        raise PermissionDenied
    return document


def reporting_unit_for(user: Any, task) -> tuple[Any, bool] | None:
    """The unit the user reports for on `task` and whether it is the lead; None if the user
    acts for neither the lead nor a cooperator. A commune reports for its schools' sub-tasks."""
    agencies, institutions = directive_units_of(user)
    if task.lead_agency_id in agencies:
        return task.lead_agency, True
    if task.lead_institution_id in institutions:
        return task.lead_institution, True
    if task.lead_institution_id and task.lead_institution.managing_agency_id in _commune_committees(
        user
    ):
        return task.lead_institution, True
    for agency in task.cooperating_agencies.all():
        if agency.pk in agencies:
            return agency, False
    for institution in task.cooperating_institutions.all():
        if institution.pk in institutions:
            return institution, False
    return None


def get_task_for_user(user: Any, task_id: int, *, report: bool = False, manage: bool = False):
    """The task if visible; 403 if `report` and the user acts for no unit on it, or if `manage`
    and the user does not manage directives; 404 hides the rest."""
    task = (
        tasks_visible_to(user)
        .select_related("document__issuer", "lead_agency", "lead_institution", "parent")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise Http404
    if report and not getattr(user, "is_superuser", False) and not reporting_unit_for(user, task):
        raise PermissionDenied
    if manage and not can_manage_directives(user):
        raise PermissionDenied
    return task


def get_task_report_for_user(user: Any, report_id: int, *, manage: bool = False):
    """A progress report on a task the user sees; 403 if `manage` and the user does not
    review reports; 404 hides the rest."""
    from oversight.directives.models import TaskReport

    report = (
        TaskReport.objects.filter(task__in=tasks_visible_to(user).values("pk"))
        .select_related("task")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise Http404
    if manage and not can_manage_directives(user):
        raise PermissionDenied
    return report


def get_dissemination_for_user(user: Any, item_id: int):
    """A document sent to one of the units the user acts for; 404 hides the rest."""
    from oversight.directives.models import Dissemination

    agencies, institutions = directive_units_of(user)
    item = (
        Dissemination.objects.filter(Q(agency__in=agencies) | Q(institution__in=institutions))
        .select_related("document", "agency", "institution")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404
    return item


def get_execution_report_for_user(user: Any, report_id: int, *, write: bool = False):
    """A report of a document's execution: read by the directive readers (the department, the
    city, inspectors), edited and sent by the department; 404 hides it from the others."""
    from oversight.directives.models import ExecutionReport

    if not (getattr(user, "is_superuser", False) or _reader_paths(user)):
        raise Http404
    report = ExecutionReport.objects.select_related("document").filter(pk=report_id).first()
    if report is None:
        raise Http404
    if write and not can_manage_directives(user):
        raise PermissionDenied
    return report


# --- inspections -------------------------------------------------------------------------------
# Hai Phong's implementing decision: the department plans inspections of upper-secondary schools
# and continuing-education centres and may act anywhere in the city; each commune committee
# plans them for the tutoring facilities and the schools it manages.

INSPECTION_PLANNERS = frozenset({*DEPARTMENT_ROLES, Role.INSPECTOR})


def inspection_agencies_for(user: Any) -> list:
    """The authorities in whose name `user` may plan and carry out inspections."""
    from oversight.registry.models import Agency

    if not getattr(user, "is_authenticated", False):
        return []
    qs = Agency.objects.select_related("unit").filter(
        kind__in=[Agency.Kind.DEPARTMENT, Agency.Kind.COMMUNE_COMMITTEE]
    )
    if user.is_superuser:
        return list(qs)
    found: dict[int, Agency] = {}
    for a in _assignments(user):
        path = _scope_path(a)
        if path is None:
            continue
        if a.role in INSPECTION_PLANNERS:
            for agency in qs.filter(kind=Agency.Kind.DEPARTMENT, unit__path__startswith=path):
                found[agency.pk] = agency
        elif a.role == Role.COMMUNE_OFFICER:
            for agency in qs.filter(
                kind=Agency.Kind.COMMUNE_COMMITTEE, unit__path__startswith=path
            ):
                found[agency.pk] = agency
    return sorted(found.values(), key=lambda g: g.pk)


def can_act_for_agency(user: Any, agency) -> bool:
    return any(g.pk == agency.pk for g in inspection_agencies_for(user))


def inspectable_institutions(agency) -> QuerySet[Institution]:
    """Schools an authority may inspect: the department any school in its city; a commune
    committee the schools it manages."""
    if agency.kind == "department":
        return Institution.objects.filter(unit__path__startswith=agency.unit.path)
    return Institution.objects.filter(managing_agency=agency)


def inspectable_facilities(agency):
    """Outside tutoring facilities an authority may inspect: those in its area."""
    from oversight.programs.models import Facility

    return Facility.objects.filter(unit__path__startswith=agency.unit.path)


def inspectable_programs(agency):
    """Programmes of the schools and facilities the authority may inspect."""
    from oversight.programs.models import Program

    return Program.objects.filter(
        Q(institution__in=inspectable_institutions(agency).values("pk"))
        | Q(facility__in=inspectable_facilities(agency).values("pk"))
    )


def can_inspect(agency, *, institution=None, facility=None, program=None) -> bool:
    """Whether the authority may inspect this target (exactly one is given)."""
    if institution is not None:
        return inspectable_institutions(agency).filter(pk=institution.pk).exists()
    if facility is not None:
        return inspectable_facilities(agency).filter(pk=facility.pk).exists()
    if program is not None:
        return inspectable_programs(agency).filter(pk=program.pk).exists()
    return False


def inspections_visible_to(user: Any):
    """Inspections of the authorities in the user's scopes, those the user takes part in, and
    (for the target's own people) the inspections of their school; a surprise inspection stays
    hidden from its target until it starts."""
    from oversight.inspections.models import Inspection

    qs = Inspection.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    q = Q(lead=user) | Q(members=user)
    own_schools: list[int] = []
    for a in _assignments(user):
        path = _scope_path(a)
        if a.role in AUTHORITY_ROLES and path is not None:
            q |= Q(agency__unit__path__startswith=path)
        elif a.role in {*SCHOOL_ROLES, Role.TEACHER} and a.institution_id:
            own_schools.append(a.institution_id)
    if own_schools:
        started = Q(kind=Inspection.Kind.PERIODIC) | ~Q(status=Inspection.Status.PLANNED)
        q |= started & (
            Q(targets__institution__in=own_schools)
            | Q(targets__program__institution__in=own_schools)
        )
    return qs.filter(pk__in=Inspection.objects.filter(q).values("pk"))


def can_work_on_inspection(user: Any, inspection) -> bool:
    """The team (lead and members) and the officials of the inspecting authority."""
    if getattr(user, "is_superuser", False):
        return True
    if inspection.lead_id == getattr(user, "pk", None):
        return True
    if inspection.members.filter(pk=user.pk).exists():
        return True
    return can_act_for_agency(user, inspection.agency)


def get_inspection_for_user(user: Any, inspection_id: int, *, write: bool = False):
    """The inspection if `user` may see it (and work on it, if `write`); 404 hides the rest."""
    inspection = (
        inspections_visible_to(user)
        .select_related("agency__unit", "lead", "plan")
        .filter(pk=inspection_id)
        .first()
    )
    if inspection is None:
        raise Http404
    if write and not can_work_on_inspection(user, inspection):
        raise PermissionDenied
    return inspection


def inspection_plans_visible_to(user: Any):
    """Plans of the authorities in the user's scopes."""
    from oversight.inspections.models import InspectionPlan

    qs = InspectionPlan.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    q = Q(pk__in=[])
    for a in _assignments(user):
        path = _scope_path(a)
        if a.role in AUTHORITY_ROLES and path is not None:
            q |= Q(agency__unit__path__startswith=path)
    return qs.filter(q)


def can_use_inspections(user: Any) -> bool:
    """Whether the inspections pages are for this user (the nav link)."""
    return getattr(user, "is_superuser", False) or bool(roles_of(user) & AUTHORITY_ROLES)


def get_target_for_user(user: Any, kind: str, target_id: int):
    """A school, facility or programme to inspect, if `user` can see it; 404 hides the rest.
    Whether the user's authority may inspect it is decided by the inspection service (403)."""
    from oversight.programs.models import Facility

    if kind == "institution":
        return get_institution_for_user(user, target_id)
    if kind == "program":
        return get_program_for_user(user, target_id)
    if kind == "facility":
        facility = Facility.objects.select_related("unit").filter(pk=target_id).first()
        if facility is not None and (
            getattr(user, "is_superuser", False)
            or roles_over_unit(user, facility.unit) & AUTHORITY_ROLES
        ):
            return facility
    raise Http404


# --- compliance: findings and risk ------------------------------------------------------------

FINDING_OVERSEERS = frozenset({*DEPARTMENT_ROLES, Role.INSPECTOR, Role.CITY_VIEWER})


def findings_visible_to(user: Any) -> QuerySet:
    """Findings: the department, inspectors and the city see their whole scope; a commune
    officer those of schools its commune manages and of facilities in its area; a principal or
    school staff their school's. Teachers, partners and guardians see none."""
    from oversight.compliance.models import Finding

    return _compliance_scope(user, Finding.objects.all())


def risk_signals_visible_to(user: Any) -> QuerySet:
    """Signs of coercion: to the same people, over the same schools and facilities, as findings."""
    from oversight.compliance.models import RiskSignal

    return _compliance_scope(user, RiskSignal.objects.all())


def _compliance_scope(user: Any, qs: QuerySet) -> QuerySet:
    """Rows with an `institution` (null for a facility) and a `unit`, within the user's view."""
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    q = Q(pk__in=[])
    for a in _assignments(user):
        path = _scope_path(a)
        if a.role in FINDING_OVERSEERS and path is not None:
            q |= Q(unit__path__startswith=path)
        elif a.role == Role.COMMUNE_OFFICER and path is not None:
            q |= Q(
                institution__managing_agency__kind="commune_committee",
                institution__managing_agency__unit__path__startswith=path,
            ) | Q(institution__isnull=True, unit__path__startswith=path)
        elif a.role in SCHOOL_ROLES and a.institution_id:
            q |= Q(institution_id=a.institution_id)
    return qs.filter(q)


def _oversees(user: Any, institution: Institution | None, unit: Unit) -> set[str]:
    """The compliance roles `user` holds over a school (or a facility's commune)."""
    if institution is not None:
        roles = set(rights_over(user, institution).roles)
        if Role.COMMUNE_OFFICER in roles and "commune_manager" not in roles:
            roles.discard(Role.COMMUNE_OFFICER)
    else:
        roles = roles_over_unit(user, unit)
    return roles & {*FINDING_OVERSEERS, Role.COMMUNE_OFFICER, *SCHOOL_ROLES}


def can_read_findings(user: Any, program) -> bool:
    """Of a programme the user can see: who oversees its school (or facility's commune)."""
    if getattr(user, "is_superuser", False):
        return True
    unit = program.institution.unit if program.institution_id else program.facility.unit
    return bool(_oversees(user, program.institution, unit))


def can_read_risk(user: Any, institution: Institution) -> bool:
    return getattr(user, "is_superuser", False) or bool(
        _oversees(user, institution, institution.unit)
    )


def can_act_on_finding(user: Any, finding, action: str) -> bool:
    """The school acknowledges and resolves its findings; authorities over it also dismiss
    (with a reason). The city viewer only reads."""
    if getattr(user, "is_superuser", False):
        return True
    if not findings_visible_to(user).filter(pk=finding.pk).exists():
        return False
    roles = _oversees(user, finding.institution, finding.unit)
    authorities = {*DEPARTMENT_ROLES, Role.INSPECTOR, Role.COMMUNE_OFFICER}
    if action == "dismiss":
        return bool(roles & authorities)
    return bool(roles & (authorities | SCHOOL_ROLES))


def can_evaluate_compliance(user: Any, scope: str) -> bool:
    """The department (and inspectors) run the engine on any scope in theirs; a commune
    officer on its commune or a school it manages; a school on itself and its programmes."""
    from oversight.programs.models import Program

    if getattr(user, "is_superuser", False):
        return True
    kind, _sep, ident = scope.partition(":")
    roles = roles_of(user)
    if kind == "city":
        return bool(roles & {*DEPARTMENT_ROLES, Role.INSPECTOR})
    pk = int(ident)
    if kind == "commune":
        unit = Unit.objects.filter(pk=pk).first()
        return unit is not None and bool(
            roles_over_unit(user, unit) & {*DEPARTMENT_ROLES, Role.INSPECTOR, Role.COMMUNE_OFFICER}
        )
    if kind == "institution":
        inst = Institution.objects.select_related("unit", "managing_agency__unit").filter(pk=pk)
        found = inst.first()
        return found is not None and bool(_oversees(user, found, found.unit) - {Role.CITY_VIEWER})
    program = Program.objects.select_related("institution__unit", "facility__unit").filter(pk=pk)
    p = program.first()
    if p is None:
        return False
    unit = p.institution.unit if p.institution_id else p.facility.unit
    return bool(_oversees(user, p.institution, unit) - {Role.CITY_VIEWER})
