"""Reminders before deadlines, escalation after, a digest per unit; never sent twice."""

from datetime import date

import pytest
from django.core.management import call_command

from oversight.directives.models import Recurrence
from oversight.directives.services import send_reminders, submit_report
from oversight.directives.tests.helpers import make_task
from oversight.notifications.models import Notification

DEADLINE = date(2024, 5, 20)


@pytest.fixture
def emails(world):
    for agency, email in (
        (world.committee_a, "xa-a@example.vn"),
        (world.committee_b, "xa-b@example.vn"),
        (world.committee_a.parent, "ubnd-tp@example.vn"),
    ):
        agency.email = email
        agency.save(update_fields=["email"])
    world.school_a.email = "th-danghai@example.vn"
    world.school_a.save(update_fields=["email"])
    return world


def _run(capture, today, days=3):
    with capture(execute=True):
        return send_reminders(today=today, days_before=days)


def _sent(template):
    return sorted(
        Notification.objects.filter(template=template).values_list("recipient", flat=True)
    )


def test_a_unit_is_reminded_n_days_before_and_only_once(emails, django_capture_on_commit_callbacks):
    make_task(emails, lead=emails.committee_a, deadline=DEADLINE)
    assert _run(django_capture_on_commit_callbacks, date(2024, 5, 16)).reminded == 0
    first = _run(django_capture_on_commit_callbacks, date(2024, 5, 17))
    assert first.reminded == 1 and first.digests == 1
    again = _run(django_capture_on_commit_callbacks, date(2024, 5, 17))
    assert again.reminded == 0 and again.digests == 0
    # The next day: no second reminder for the same deadline, but the day's digest.
    next_day = _run(django_capture_on_commit_callbacks, date(2024, 5, 18))
    assert next_day.reminded == 0 and next_day.digests == 1
    assert _sent("directives_task_due") == ["xa-a@example.vn"]
    assert len(_sent("directives_digest")) == 2


def test_an_overdue_task_is_escalated_to_the_unit_and_its_superior_once(
    emails, django_capture_on_commit_callbacks
):
    task = make_task(emails, lead=emails.committee_a, deadline=DEADLINE)
    assert _run(django_capture_on_commit_callbacks, DEADLINE).escalated == 0
    assert _run(django_capture_on_commit_callbacks, date(2024, 5, 21)).escalated == 1
    assert _run(django_capture_on_commit_callbacks, date(2024, 5, 22)).escalated == 0
    assert _sent("directives_task_overdue") == ["ubnd-tp@example.vn", "xa-a@example.vn"]
    task.refresh_from_db()
    assert task.escalated_for == DEADLINE


def test_a_schools_overdue_subtask_goes_to_the_school_and_its_commune(
    emails, django_capture_on_commit_callbacks
):
    make_task(
        emails, lead=emails.department, cooperating=["all_schools:primary"], deadline=DEADLINE
    )
    assert _run(django_capture_on_commit_callbacks, date(2024, 6, 1)).escalated == 1
    assert _sent("directives_task_overdue") == ["th-danghai@example.vn", "xa-a@example.vn"]


def test_done_tasks_are_neither_reminded_nor_escalated(emails, django_capture_on_commit_callbacks):
    task = make_task(emails, lead=emails.committee_a, deadline=DEADLINE)
    submit_report(
        by=emails.commune_officer, task=task, text="Xong", percent=100, today=date(2024, 5, 10)
    )
    result = _run(django_capture_on_commit_callbacks, date(2024, 5, 18))
    assert (result.reminded, result.escalated, result.digests) == (0, 0, 0)
    assert _run(django_capture_on_commit_callbacks, date(2024, 6, 1)).escalated == 0


def test_a_monthly_task_is_reminded_each_month(emails, django_capture_on_commit_callbacks):
    task = make_task(emails, lead=emails.committee_b, deadline=None, recurrence=Recurrence.MONTHLY)
    task.starts_on = date(2024, 3, 1)
    task.save(update_fields=["starts_on"])
    submit_report(
        by=emails.commune_officer_b, task=task, text="Tháng 3", percent=100, today=date(2024, 3, 20)
    )
    assert _run(django_capture_on_commit_callbacks, date(2024, 4, 28)).reminded == 1
    assert _run(django_capture_on_commit_callbacks, date(2024, 4, 29)).reminded == 0
    # Nothing in April: overdue in May, escalated once for April.
    assert _run(django_capture_on_commit_callbacks, date(2024, 5, 2)).escalated == 1
    task.refresh_from_db()
    assert task.escalated_for == date(2024, 4, 30)


def test_the_command_takes_a_frozen_date(emails, django_capture_on_commit_callbacks, capsys):
    make_task(emails, lead=emails.committee_a, deadline=DEADLINE)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_tasks", "--today", "2024-05-19", "--days", "2")
    assert "Đã nhắc 1 nhiệm vụ" in capsys.readouterr().out
    assert _sent("directives_task_due") == ["xa-a@example.vn"]
