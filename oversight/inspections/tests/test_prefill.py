"""The checklist brings in the compliance engine's live findings on the target."""

import pytest

from oversight.compliance.models import Finding
from oversight.compliance.services import active_pack
from oversight.inspections.checklist import prefill_findings
from oversight.inspections.models import ChecklistItem
from oversight.inspections.tests.helpers import finding, inspect
from oversight.testing import make_program

pytestmark = pytest.mark.django_db


def test_an_institution_target_gets_its_own_and_its_programmes_live_findings(world):
    program = make_program(institution=world.school_a, by=world.principal)
    other = make_program(institution=world.high_a, title="Khác", grades=[12])
    own = finding("tt29.a4.no-manage", institution=world.school_a, message="Giáo viên A")
    of_program = finding("link.alternative", program=program, message="Không có người trông")
    finding("link.disclosed", program=program, status=Finding.Status.RESOLVED, message="Cũ")
    finding("link.alternative", program=other, message="Trường khác")
    inspection = inspect(world)
    target = inspection.targets.get()
    assert {f.pk for f in prefill_findings(target)} == {own.pk, of_program.pk}
    items = {i.rule: i for i in ChecklistItem.objects.filter(target=target)}
    assert "Nghi vi phạm" in items["link.alternative"].notes
    assert "Không có người trông" in items["link.alternative"].notes
    assert "Trường khác" not in items["link.alternative"].notes
    assert "Giáo viên A" in items["tt29.a4.no-manage"].notes
    assert items["link.disclosed"].notes == ""  # the resolved finding is not brought in
    assert items["link.alternative"].status == ChecklistItem.Status.NOT_CHECKED


def test_a_programme_target_gets_only_its_own_findings(world):
    program = make_program(institution=world.school_a, by=world.principal)
    sibling = make_program(institution=world.school_a, by=world.principal, title="Khác")
    mine = finding("link.alternative", program=program, message="Của chương trình này")
    finding("link.alternative", program=sibling, message="Của chương trình kia")
    finding("tt29.a4.no-manage", institution=world.school_a, message="Của trường")
    target = inspect(world, program=program).targets.get()
    assert [f.pk for f in prefill_findings(target)] == [mine.pk]
    item = ChecklistItem.objects.get(target=target, rule="link.alternative")
    assert "Của chương trình này" in item.notes and "kia" not in item.notes


def test_a_finding_of_a_rule_off_the_list_adds_its_item(world):
    program = make_program(institution=world.school_a, by=world.principal)
    # tt17 was no longer in force on the inspection's date, but its finding is still open.
    finding("tt17.fee-agreed", institution=world.school_a, message="Thu tiền năm 2024")
    target = inspect(world, program=program).targets.get()
    assert not ChecklistItem.objects.filter(target=target, rule="tt17.fee-agreed").exists()
    target = inspect(world).targets.get()
    item = ChecklistItem.objects.get(target=target, rule="tt17.fee-agreed")
    assert "Thu tiền năm 2024" in item.notes
    assert item.citation == active_pack().rules.get(code="tt17.fee-agreed").citation
