"""Sending a document to units, receipts and briefings, and publication for families."""

import pytest
from django.core.exceptions import PermissionDenied

from oversight.directives.models import Dissemination
from oversight.directives.services import (
    DirectiveError,
    acknowledge_receipt,
    disseminate,
    publish_document,
    report_briefing,
)
from oversight.directives.tests.helpers import make_document


def test_a_document_goes_to_named_units_all_communes_and_all_schools_of_a_level(world):
    doc = make_document(world)
    n = disseminate(
        by=world.department_officer,
        document=doc,
        units=["Thanh tra Sở", "all_communes", "all_schools:primary"],
    )
    assert n == 4
    units = {str(i.unit) for i in doc.disseminations.all()}
    assert units == {
        "Thanh tra Sở",
        world.committee_a.name,
        world.committee_b.name,
        world.school_a.name,
    }
    # Sending again adds only the units not yet sent to.
    assert disseminate(by=world.department_officer, document=doc, units=["all_communes"]) == 0


def test_only_the_department_sends_and_bad_units_send_nothing(world):
    doc = make_document(world)
    with pytest.raises(PermissionDenied):
        disseminate(by=world.commune_officer, document=doc, units=["all_communes"])
    with pytest.raises(DirectiveError):
        disseminate(by=world.department_officer, document=doc, units=["all_communes", "Sở Ma"])
    assert not Dissemination.objects.exists()


def test_the_unit_acknowledges_then_reports_its_briefing_and_the_sender_sees_who_has_not(
    world, client
):
    doc = make_document(world)
    disseminate(by=world.department_officer, document=doc, units=["all_communes"])
    mine = doc.disseminations.get(agency=world.committee_a)
    with pytest.raises(PermissionDenied):
        acknowledge_receipt(by=world.commune_officer_b, item=mine)
    acknowledge_receipt(by=world.commune_officer, item=mine)
    with pytest.raises(DirectiveError):
        acknowledge_receipt(by=world.commune_officer, item=mine)
    with pytest.raises(DirectiveError):
        report_briefing(by=world.commune_officer, item=mine, note=" ")
    report_briefing(by=world.commune_officer, item=mine, note="Họp toàn thể ngày 05/11")
    client.force_login(world.department_officer)
    sent = client.get(f"/manage/directives/documents/{doc.pk}/").context["sent"]
    assert (sent.total, sent.not_acknowledged, sent.not_briefed) == (2, 1, 1)
    assert sent.items[0].agency == world.committee_b  # the one that has not comes first


def test_a_receiving_commune_sees_the_document_and_acknowledges_on_its_page(world, client):
    doc = make_document(world)
    disseminate(by=world.department_officer, document=doc, units=[world.committee_a.name])
    item = doc.disseminations.get()
    client.force_login(world.commune_officer)
    page = client.get(f"/manage/directives/documents/{doc.pk}/").content.decode()
    assert "Xác nhận đã nhận" in page
    client.post(f"/manage/directives/received/{item.pk}/acknowledge/")
    item.refresh_from_db()
    assert item.acknowledged_by == world.commune_officer
    client.force_login(world.commune_officer_b)
    assert client.get(f"/manage/directives/documents/{doc.pk}/").status_code == 404
    assert (
        client.post(f"/manage/directives/received/{item.pk}/briefed/", {"note": "X"}).status_code
        == 404
    )


def test_documents_for_families_are_public_and_searchable_without_signing_in(world, client):
    rules = make_document(world, subject="Quy định về dạy thêm, học thêm")
    internal = make_document(world, subject="Kế hoạch nội bộ về dạy thêm")
    publish_document(by=world.department_officer, document=rules, public=True)
    r = client.get("/manage/directives/public/", {"q": "day them"})
    body = r.content.decode()
    assert r.status_code == 200 and rules.subject in body and internal.subject not in body
    assert client.get(f"/manage/directives/public/{rules.pk}/").status_code == 200
    assert client.get(f"/manage/directives/public/{internal.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        publish_document(by=world.principal, document=internal, public=True)
