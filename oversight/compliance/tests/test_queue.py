"""Re-judgements wait in the database queue once per programme, however many changes come."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from oversight.compliance import services
from oversight.compliance.services import forget_known_runs, schedule_evaluation
from oversight.compliance.tasks import evaluate_later
from oversight.testing import make_program

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _queued(**kwargs):
    return DBTaskResult.objects.filter(
        **{f"args_kwargs__kwargs__{k}": v for k, v in kwargs.items()}
    ).count()


def _schedule(capture, **scope):
    with capture(execute=True):
        schedule_evaluation(**scope)


def test_a_burst_of_changes_queues_one_rejudgement(
    world, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_QUEUE
    program = make_program(institution=world.school_a, by=world.principal)
    other = make_program(institution=world.school_a, by=world.principal, title="Tin học")
    for _ in range(3):
        _schedule(django_capture_on_commit_callbacks, program=program)
    _schedule(django_capture_on_commit_callbacks, program=other)
    for _ in range(2):
        _schedule(django_capture_on_commit_callbacks, institution=world.school_a)
    assert _queued(program_id=program.pk) == 1
    assert _queued(program_id=other.pk) == 1
    assert _queued(program_id=None, institution_id=world.school_a.pk) == 1


def test_a_run_settles_before_the_worker_may_take_it(
    world, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_QUEUE
    settings.COMPLIANCE_SETTLE_SECONDS = 5
    program = make_program(institution=world.school_a, by=world.principal)
    before = timezone.now()
    _schedule(django_capture_on_commit_callbacks, program=program)
    run = DBTaskResult.objects.get()
    assert run.run_after >= before + timedelta(seconds=5)
    assert not DBTaskResult.objects.ready().exists()  # what the worker would take now


def test_a_waiting_run_queued_elsewhere_is_joined_and_then_remembered(
    world, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_QUEUE
    program = make_program(institution=world.school_a, by=world.principal)
    # Another app server queued it: this process knows nothing of it.
    evaluate_later.using(run_after=timezone.now() + timedelta(seconds=30)).enqueue(
        program_id=program.pk, institution_id=None, facility_id=None
    )
    _schedule(django_capture_on_commit_callbacks, program=program)
    assert _queued(program_id=program.pk) == 1
    with CaptureQueriesContext(connection) as asked:
        _schedule(django_capture_on_commit_callbacks, program=program)
    assert asked.captured_queries == []  # remembered: the queue is not asked again
    assert _queued(program_id=program.pk) == 1


def test_a_change_after_the_run_started_queues_another(
    world, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.TASKS = DB_QUEUE
    program = make_program(institution=world.school_a, by=world.principal)
    _schedule(django_capture_on_commit_callbacks, program=program)
    run = DBTaskResult.objects.get()
    # Its time comes and the worker picks it up: it may already have read the facts.
    later = run.run_after + timedelta(seconds=1)
    monkeypatch.setattr(services.timezone, "now", lambda: later)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)
    _schedule(django_capture_on_commit_callbacks, program=program)
    assert _queued(program_id=program.pk) == 2


def test_a_run_without_a_start_time_is_joined_but_not_remembered(
    world, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_QUEUE
    program = make_program(institution=world.school_a, by=world.principal)
    evaluate_later.enqueue(program_id=program.pk, institution_id=None, facility_id=None)
    _schedule(django_capture_on_commit_callbacks, program=program)
    assert _queued(program_id=program.pk) == 1
    with CaptureQueriesContext(connection) as asked:
        _schedule(django_capture_on_commit_callbacks, program=program)
    assert len(asked.captured_queries) == 1  # it may start any moment: asked every time
    # Once it has started, the next change queues its own run.
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)
    forget_known_runs()
    _schedule(django_capture_on_commit_callbacks, program=program)
    assert _queued(program_id=program.pk) == 2
