"""Properties of the engine: evaluation is idempotent, and findings follow their facts (after
any sequence of changes, the live findings are exactly what the current facts break)."""

from __future__ import annotations

from datetime import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.compliance.facts import gather
from oversight.compliance.models import Finding
from oversight.compliance.services import _applies, _checks, active_pack, evaluate_program
from oversight.compliance.tests.helpers import submitted
from oversight.programs.models import OfficialTimetableSlot, Program, Session
from oversight.testing import make_subject

facts_strategy = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["in_school_tutoring", "linkage"]),
        "fee": st.sampled_from([0, 80_000]),
        "subject": st.sampled_from(["Toán", "Âm nhạc"]),
        "basis": st.sampled_from(["", "Hợp đồng liên kết 01/2025"]),
        "alternative": st.sampled_from(["", "Đọc sách ở thư viện"]),
        "sessions": st.lists(
            st.tuples(st.integers(1, 6), st.sampled_from([8, 14, 17, 21])),
            min_size=1,
            max_size=3,
            unique_by=lambda s: s[0],
        ),
    }
)


def _set(program: Program, facts: dict) -> None:
    Program.objects.filter(pk=program.pk).update(
        kind=facts["kind"],
        fee_amount=facts["fee"],
        subject=make_subject(facts["subject"]),
        fee_legal_basis=facts["basis"],
        alternative_activity=facts["alternative"],
    )
    Session.objects.filter(program=program).delete()
    Session.objects.bulk_create(
        Session(program=program, weekday=d, start=time(h), end=time(h, 45), place="P1")
        for d, h in facts["sessions"]
    )


def _expected(program: Program) -> set[tuple[str, str]]:
    pack = active_pack()
    program = Program.objects.select_related(
        "institution__unit", "facility__unit", "partner", "subject", "school_year"
    ).get(pk=program.pk)
    f = gather([program], settings=pack.settings)[program.pk]
    return {
        (rule.code, h.key)
        for rule, check in _checks(pack)
        if _applies(rule, program)
        for h in check(f, rule)
        if rule.in_force(h.occurred_on)
    }


def _live(program: Program) -> set[tuple[str, str]]:
    return set(Finding.objects.live().filter(program=program).values_list("rule_code", "key"))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(facts_strategy, min_size=1, max_size=4))
def test_findings_follow_their_facts_and_a_second_run_changes_nothing(world, changes):
    program = Program.objects.filter(title="Thuộc tính").first() or submitted(
        world, title="Thuộc tính"
    )
    if not OfficialTimetableSlot.objects.exists():
        OfficialTimetableSlot.objects.create(
            institution=world.school_a,
            school_year=world.year,
            weekday=2,
            start=time(7, 15),
            end=time(11, 30),
        )
    for facts in changes:
        _set(program, facts)
        evaluate_program(program)
        assert _live(program) == _expected(program)
        rows = list(Finding.objects.order_by("pk").values())
        again = evaluate_program(program)
        assert (again.opened, again.resolved) == (0, 0)
        assert list(Finding.objects.order_by("pk").values()) == rows
