from django_tasks import task

from oversight.registry.imports import process_import_job


@task()
def run_import_job(job_id: int) -> None:
    """Import an uploaded registry file in the background."""
    process_import_job(job_id=job_id)
