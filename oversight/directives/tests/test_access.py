"""Who sees which documents and tasks: the issuer all, a commune its own, a school its own."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from oversight.accounts.access import (
    documents_visible_to,
    get_document_for_user,
    get_task_for_user,
    tasks_visible_to,
)
from oversight.directives.tests.helpers import make_document, make_task


@pytest.fixture
def tasks(world):
    doc = make_document(world)
    return {
        "a": make_task(world, doc, title="Xã A", lead=world.committee_a),
        "b": make_task(world, doc, title="Xã B", lead=world.committee_b),
        "coop": make_task(
            world, doc, title="Phối hợp", lead=world.department, cooperating=[world.committee_a]
        ),
        "schools": make_task(
            world,
            doc,
            title="Các trường",
            lead=world.department,
            cooperating=["all_schools:primary"],
        ),
    }


def _visible(user):
    return set(tasks_visible_to(user).values_list("title", "lead_institution__code"))


def test_the_department_and_the_city_viewer_see_every_task(world, tasks):
    for user in (world.department_officer, world.city_viewer, world.inspector, world.superuser):
        assert tasks_visible_to(user).count() == 5  # four tasks and one school's sub-task


def test_a_commune_sees_what_it_leads_cooperates_on_and_its_schools_subtasks(world, tasks):
    assert _visible(world.commune_officer) == {
        ("Xã A", None),
        ("Phối hợp", None),
        ("Các trường", "TH-DH"),
    }
    assert _visible(world.commune_officer_b) == {("Xã B", None)}


def test_a_principal_sees_only_the_schools_subtask(world, tasks):
    assert _visible(world.principal) == {("Các trường", "TH-DH")}
    assert _visible(world.outsider) == set()
    assert _visible(world.guardian_user) == set()


def test_an_outsider_gets_404_for_a_task_and_its_document(world, tasks):
    with pytest.raises(Http404):
        get_task_for_user(world.outsider, tasks["a"].pk)
    with pytest.raises(Http404):
        get_document_for_user(world.outsider, tasks["a"].document_id)
    assert not documents_visible_to(world.outsider).exists()


def test_read_only_roles_get_403_when_reporting_or_managing(world, tasks):
    assert get_task_for_user(world.city_viewer, tasks["a"].pk) == tasks["a"]
    with pytest.raises(PermissionDenied):
        get_task_for_user(world.city_viewer, tasks["a"].pk, report=True)
    with pytest.raises(PermissionDenied):
        get_task_for_user(world.commune_officer, tasks["a"].pk, manage=True)
    with pytest.raises(PermissionDenied):
        get_document_for_user(world.city_viewer, tasks["a"].document_id, write=True)


def test_a_cooperating_commune_may_report_its_contribution(world, tasks):
    assert get_task_for_user(world.commune_officer, tasks["coop"].pk, report=True)
    with pytest.raises(Http404):
        get_task_for_user(world.commune_officer_b, tasks["coop"].pk, report=True)
