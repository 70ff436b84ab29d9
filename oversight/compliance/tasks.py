from django_tasks import task


@task()
def evaluate_later(
    program_id: int | None = None,
    institution_id: int | None = None,
    facility_id: int | None = None,
) -> None:
    """Re-judge a programme (or a school's, or a facility's programmes) whose facts changed."""
    from oversight.compliance.services import evaluate_changed

    evaluate_changed(program_id=program_id, institution_id=institution_id, facility_id=facility_id)
