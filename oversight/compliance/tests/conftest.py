import pytest


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Re-judgements are background tasks; here they run as soon as they are enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
