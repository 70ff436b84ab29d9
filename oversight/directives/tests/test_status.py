"""Status is derived from progress and dates, the same in Python and in SQL."""

from datetime import date

import pytest

from oversight.directives.models import Recurrence, Status, Task, status_q
from oversight.directives.services import submit_report
from oversight.directives.tests.helpers import make_task

DEADLINE = date(2024, 5, 20)


def _status(task, today):
    """The status three ways, which must agree: in Python, as the SQL expression, and as the
    WHERE condition lists filter with (which holds for exactly one status)."""
    task.refresh_from_db()
    sql = Task.objects.with_status(today).get(pk=task.pk).status
    assert sql == task.status_on(today)
    matching = [s for s in Status if Task.objects.filter(status_q(s, today), pk=task.pk).exists()]
    assert matching == [sql]
    return sql


def _report(world, task, percent, on):
    return submit_report(
        by=world.commune_officer, task=task, text="Đã triển khai", percent=percent, today=on
    )


@pytest.mark.parametrize(
    ("done_on", "expected"),
    [
        (date(2024, 5, 19), Status.DONE_ON_TIME),
        (date(2024, 5, 20), Status.DONE_ON_TIME),
        (date(2024, 5, 21), Status.DONE_LATE),
    ],
)
def test_done_on_the_deadline_is_on_time_and_the_day_after_is_late(world, done_on, expected):
    task = make_task(world, deadline=DEADLINE)
    _report(world, task, 100, done_on)
    assert _status(task, date(2024, 6, 30)) == expected


def test_a_task_not_done_by_its_deadline_is_overdue_from_the_day_after(world):
    task = make_task(world, deadline=DEADLINE)
    assert _status(task, DEADLINE) == Status.NOT_STARTED
    assert _status(task, date(2024, 5, 21)) == Status.OVERDUE
    _report(world, task, 40, date(2024, 5, 10))
    assert _status(task, DEADLINE) == Status.IN_PROGRESS
    assert _status(task, date(2024, 5, 21)) == Status.OVERDUE


def test_the_first_day_at_one_hundred_percent_is_the_completion_date(world):
    task = make_task(world, deadline=DEADLINE)
    _report(world, task, 100, date(2024, 5, 18))
    _report(world, task, 100, date(2024, 5, 25))  # a later note does not make it late
    assert _status(task, date(2024, 6, 1)) == Status.DONE_ON_TIME


def test_a_monthly_task_is_due_every_month(world):
    task = make_task(world, deadline=None, recurrence=Recurrence.MONTHLY)
    task.starts_on = date(2024, 1, 1)
    task.save(update_fields=["starts_on"])
    # Nothing in February: overdue in March until reported.
    assert _status(task, date(2024, 3, 5)) == Status.OVERDUE
    _report(world, task, 100, date(2024, 3, 6))
    assert _status(task, date(2024, 3, 31)) == Status.DONE_ON_TIME
    # April: March was reported, so April's is simply not yet done.
    assert _status(task, date(2024, 4, 2)) == Status.NOT_STARTED
    assert task.due_on(date(2024, 4, 2)) == date(2024, 4, 30)
    # May: nothing in April.
    assert _status(task, date(2024, 5, 1)) == Status.OVERDUE


def test_a_monthly_task_owes_its_first_report_by_the_end_of_the_month_it_starts(world):
    task = make_task(world, deadline=None, recurrence=Recurrence.MONTHLY)
    task.starts_on = date(2024, 3, 10)
    task.save(update_fields=["starts_on"])
    assert _status(task, date(2024, 3, 31)) == Status.NOT_STARTED
    assert _status(task, date(2024, 4, 1)) == Status.OVERDUE


def test_a_term_task_is_judged_per_term(world):
    task = make_task(world, deadline=None, recurrence=Recurrence.TERM)
    task.starts_on = date(2023, 9, 5)
    task.save(update_fields=["starts_on"])
    _report(world, task, 100, date(2024, 1, 15))
    assert _status(task, date(2024, 1, 31)) == Status.DONE_ON_TIME
    assert _status(task, date(2024, 3, 1)) == Status.NOT_STARTED
    assert _status(task, date(2024, 9, 2)) == Status.OVERDUE


def test_a_school_year_task_is_judged_per_school_year(world):
    task = make_task(world, deadline=None, recurrence=Recurrence.SCHOOL_YEAR)
    task.starts_on = date(2023, 9, 5)
    task.save(update_fields=["starts_on"])
    _report(world, task, 60, date(2024, 4, 1))
    assert _status(task, date(2024, 8, 31)) == Status.IN_PROGRESS
    assert _status(task, date(2024, 10, 1)) == Status.NOT_STARTED


@pytest.mark.parametrize("today", [date(2024, 1, 15), date(2024, 5, 21), date(2024, 9, 2)])
def test_the_filters_agree_with_the_status_on_every_seed_task(seeded, today):
    # Some progress on a few tasks, so every status occurs on some date.
    plan = seeded.docs["plan_39"]
    tasks = list(Task.objects.filter(document=plan, lead_agency=seeded.committee_a))
    submit_report(
        by=seeded.commune_officer, task=tasks[0], text="Xong", percent=100, today=date(2024, 5, 22)
    )
    submit_report(
        by=seeded.commune_officer, task=tasks[1], text="Một nửa", percent=50, today=date(2024, 3, 1)
    )
    expected = dict(Task.objects.with_status(today).values_list("pk", "status"))
    for status in Status:
        found = set(Task.objects.filter(status_q(status, today)).values_list("pk", flat=True))
        assert found == {pk for pk, s in expected.items() if s == status}
