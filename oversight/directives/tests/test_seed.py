"""The seed documents load faithfully and only once."""

from datetime import date

import pytest

from oversight.directives.models import Document, Recurrence, Task
from oversight.directives.seed import ensure_seed_documents
from oversight.registry.models import Agency, Institution


def _task(document, section, title_start):
    return Task.objects.get(
        document=document, parent__isnull=True, section=section, title__startswith=title_start
    )


def test_loading_twice_changes_nothing(seeded):
    counts = (Document.objects.count(), Task.objects.count(), Agency.objects.count())
    again = ensure_seed_documents()
    assert (Document.objects.count(), Task.objects.count(), Agency.objects.count()) == counts
    assert {k: d.pk for k, d in again.items()} == {k: d.pk for k, d in seeded.docs.items()}


def test_the_letter_gives_the_information_campaign_to_the_communications_department(seeded):
    letter = seeded.docs["letter_2253"]
    assert letter.number == "2253/UBND-VX" and letter.issued_on == date(2024, 10, 11)
    assert letter.implements.number == "2377/UBND-VX"
    campaign = _task(letter, "2", "Tuyên truyền")
    assert campaign.lead_agency.name == "Sở Thông tin và Truyền thông"
    assert list(campaign.cooperating_agencies.all()) == [seeded.department]
    monitoring = _task(letter, "3", "Theo dõi")
    assert monitoring.lead_agency == seeded.department


def test_the_letters_first_section_gives_each_commune_its_share(seeded):
    letter = seeded.docs["letter_2253"]
    tasks = Task.objects.filter(document=letter, section="1", parent__isnull=True)
    assert tasks.count() == 4
    for task in tasks:
        assert task.lead_agency == seeded.department
        assert set(task.subtasks.values_list("lead_agency", flat=True)) == {
            seeded.committee_a.pk,
            seeded.committee_b.pk,
        }


def test_the_plan_keeps_its_sections_leads_and_deadlines(seeded):
    plan = seeded.docs["plan_39"]
    assert plan.implements.number == "39/NQ-HĐND"
    meeting = _task(plan, "III.1.6", "Họp định kỳ")
    assert meeting.lead_agency.name == "Văn phòng Sở"
    assert meeting.recurrence == Recurrence.MONTHLY and meeting.deadline is None
    to_city = _task(plan, "III.1.6", "Báo cáo Ủy ban nhân dân thành phố")
    assert to_city.deadline == date(2024, 5, 30)
    inspection = _task(plan, "III.1.5", "Thanh tra")
    assert inspection.lead_agency.name == "Thanh tra Sở"
    assert inspection.deadline == date(2024, 5, 20)
    flexible = _task(plan, "III.1.4", "Bố trí giáo viên")
    assert flexible.lead_agency.name == "Phòng Giáo dục Trung học"
    tutoring = _task(plan, "II.4", "Tăng cường công tác quản lý")
    assert tutoring.lead_agency == seeded.department and tutoring.deadline == date(2024, 5, 20)
    schools = _task(plan, "III.3", "Các trường THPT")
    assert [t.lead_institution for t in schools.subtasks.all()] == [seeded.high_a]
    assert schools.subtasks.get().deadline == date(2024, 5, 20)


def test_the_directive_has_twelve_groups_with_city_departments_cooperating(seeded):
    directive = seeded.docs["directive_2022"]
    groups = Task.objects.filter(document=directive, section__startswith="I.", parent=None)
    assert groups.count() == 12
    assert all(t.lead_agency == seeded.department for t in groups)
    media = groups.get(section="I.12")
    assert "Sở Thông tin và Truyền thông" in {a.name for a in media.cooperating_agencies.all()}
    health = groups.get(section="I.2")
    assert [a.name for a in health.cooperating_agencies.all()] == ["Sở Y tế"]
    assert _task(directive, "II.1", "Xây dựng").recurrence == Recurrence.TERM


def test_a_school_registered_later_gets_its_subtask_on_the_next_load(seeded):
    from oversight.testing import make_institution

    plan = seeded.docs["plan_39"]
    late = make_institution(
        unit=seeded.commune_b, name="Trường THPT An Thành", level=Institution.Level.UPPER_SECONDARY
    )
    ensure_seed_documents()
    tutoring = _task(plan, "II.4", "Tăng cường công tác quản lý")
    assert tutoring.lead_agency == seeded.department and tutoring.deadline == date(2024, 5, 20)
    schools = _task(plan, "III.3", "Các trường THPT")
    assert set(schools.subtasks.values_list("lead_institution", flat=True)) == {
        seeded.high_a.pk,
        late.pk,
    }


@pytest.mark.django_db
def test_the_demo_carries_the_seed_documents_once():
    from io import StringIO

    from django.core.management import call_command

    def seed_demo():
        call_command(
            "seed_demo", "--scale", "small", "--schools", "6", "--no-progress", stdout=StringIO()
        )

    seed_demo()
    plan = Document.objects.get(seed_key="plan-39")
    communes = Agency.objects.filter(kind=Agency.Kind.COMMUNE_COMMITTEE).count()
    shares = Task.objects.get(document=plan, section="III.2.1", parent=None).subtasks.count()
    assert communes == 114 and shares == communes
    counts = (Document.objects.count(), Task.objects.count())
    seed_demo()  # a second run reuses the demo and loads nothing twice
    assert (Document.objects.count(), Task.objects.count()) == counts
