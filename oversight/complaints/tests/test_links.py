"""A complaint is linked to a finding of the compliance engine and to an inspection (issue 6):
only to what the handling officer can see, audited, on the page and in the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from oversight.audit.models import AuditEvent
from oversight.complaints import services as s
from oversight.complaints.models import Complaint, ComplaintEvent
from oversight.complaints.tests.helpers import file_complaint
from oversight.complaints.tests.test_api import call
from oversight.inspections.tests.helpers import finding, inspect
from oversight.testing import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    c = file_complaint(world).complaint
    return s.accept_complaint(complaint=c, by=world.commune_officer)


def test_the_handler_links_a_finding_it_can_see_and_it_is_audited(world, case):
    program = make_program(institution=world.school_a)
    f = finding("link.alternative", program=program, message="Không có người trông")
    c = s.link_finding(complaint=case, by=world.commune_officer, finding_id=f.pk)
    assert Complaint.objects.get(pk=c.pk).finding == f
    assert ComplaintEvent.objects.filter(complaint=c, kind="linked_finding").exists()
    assert AuditEvent.objects.filter(action="complaint.linked", data__finding=f.pk).exists()
    s.link_finding(complaint=c, by=world.commune_officer, finding_id=None)
    assert Complaint.objects.get(pk=c.pk).finding is None


def test_a_finding_outside_the_officers_scope_is_refused_and_nothing_changes(world, case):
    other = make_program(institution=world.school_b, grades=[9])
    hidden = finding("link.alternative", program=other, message="Trường khác")
    with pytest.raises(s.ComplaintError):
        s.link_finding(complaint=case, by=world.commune_officer, finding_id=hidden.pk)
    with pytest.raises(s.ComplaintError):
        s.link_finding(complaint=case, by=world.commune_officer, finding_id=999_999)
    assert Complaint.objects.get(pk=case.pk).finding is None
    assert not AuditEvent.objects.filter(action="complaint.linked").exists()


def test_someone_who_does_not_handle_the_case_cannot_link(world, case):
    f = finding("tt29.a4.no-manage", institution=world.school_a, message="Giáo viên A")
    for user in (world.principal, world.commune_officer_b):
        with pytest.raises(PermissionDenied):
            s.link_finding(complaint=case, by=user, finding_id=f.pk)
    assert Complaint.objects.get(pk=case.pk).finding is None


def test_the_handler_links_an_inspection_it_can_see_but_not_another_authoritys(world, case):
    mine = inspect(world, by=world.commune_officer, agency=world.committee_a)
    theirs = inspect(
        world, by=world.commune_officer_b, agency=world.committee_b, institution=world.school_b
    )
    with pytest.raises(s.ComplaintError):
        s.link_inspection(complaint=case, by=world.commune_officer, inspection_id=theirs.pk)
    assert Complaint.objects.get(pk=case.pk).inspection is None
    c = s.link_inspection(complaint=case, by=world.commune_officer, inspection_id=mine.pk)
    assert Complaint.objects.get(pk=c.pk).inspection == mine
    assert AuditEvent.objects.filter(action="complaint.linked", data__inspection=mine.pk).exists()


def test_the_staff_page_links_with_a_small_form(client, world, case):
    f = finding("tt29.a4.no-manage", institution=world.school_a, message="Giáo viên quản lý")
    mine = inspect(world, by=world.commune_officer, agency=world.committee_a)
    client.force_login(world.commune_officer)
    page = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert 'name="finding"' in page and f'value="{f.pk}"' in page
    assert 'name="inspection"' in page and f'value="{mine.pk}"' in page
    r = client.post(reverse("complaints:step", args=[case.pk, "link_finding"]), {"finding": f.pk})
    assert r.status_code == 302
    client.post(
        reverse("complaints:step", args=[case.pk, "link_inspection"]), {"inspection": mine.pk}
    )
    case.refresh_from_db()
    assert (case.finding, case.inspection) == (f, mine)
    page = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert "tt29.a4.no-manage" in page and mine.title in page


def test_the_staff_api_shows_the_links_as_ids_and_refuses_a_hidden_finding(client, world, case):
    f = finding("tt29.a4.no-manage", institution=world.school_a, message="Giáo viên quản lý")
    other = make_program(institution=world.school_b, grades=[9])
    hidden = finding("link.alternative", program=other, message="Trường khác")
    url = f"/api/v1/complaints/{case.pk}"
    body = call(client, "get", world.commune_officer, url).json()
    assert body["finding_id"] is None and body["inspection_id"] is None
    r = call(client, "post", world.commune_officer, url + "/finding", {"finding_id": hidden.pk})
    assert r.status_code == 400 and r.json()["error"]["code"]
    r = call(client, "post", world.commune_officer, url + "/finding", {"finding_id": f.pk})
    assert r.status_code == 200 and r.json()["finding_id"] == f.pk
    mine = inspect(world, by=world.commune_officer, agency=world.committee_a)
    r = call(client, "post", world.commune_officer, url + "/inspection", {"inspection_id": mine.pk})
    assert r.json()["inspection_id"] == mine.pk
    assert call(client, "get", world.commune_officer, url).json()["finding_id"] == f.pk
    r = call(client, "post", world.principal, url + "/finding", {"finding_id": f.pk})
    assert r.status_code in (403, 404)
