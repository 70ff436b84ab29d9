"""Re-judgements wait in the database queue once per programme, however many changes come."""

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from oversight.compliance.services import schedule_evaluation
from oversight.testing import make_program

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _queued(**kwargs):
    return DBTaskResult.objects.filter(
        **{f"args_kwargs__kwargs__{k}": v for k, v in kwargs.items()}
    ).count()


def test_a_burst_of_changes_queues_one_rejudgement(
    world, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_QUEUE
    program = make_program(institution=world.school_a, by=world.principal)
    other = make_program(institution=world.school_a, by=world.principal, title="Tin học")
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            schedule_evaluation(program=program)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_evaluation(program=other)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_evaluation(institution=world.school_a)
    assert _queued(program_id=program.pk) == 1
    assert _queued(program_id=other.pk) == 1
    assert _queued(program_id=None, institution_id=world.school_a.pk) == 1


def test_a_change_after_the_run_started_queues_another(
    world, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_QUEUE
    program = make_program(institution=world.school_a, by=world.principal)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_evaluation(program=program)
    # The worker has picked it up and may already have read the facts.
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_evaluation(program=program)
    assert _queued(program_id=program.pk) == 2
