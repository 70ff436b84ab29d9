"""On a phone: a principal's approval is blocked by a violation and goes through with a
recorded override; the commune officer finds it on the findings page and dismisses it."""

import pytest

from oversight.compliance.models import Finding
from oversight.compliance.tests.helpers import submitted
from oversight.programs.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _approval_routes():
    """The routes are data-migration rows: an earlier transactional test's flush removes them,
    and without them the principal would not be the one to approve in-school tutoring."""
    from importlib import import_module

    from django.apps import apps

    import_module("oversight.programs.migrations.0002_approval_routes").add_routes(apps, None)


def test_override_on_approval_then_the_officer_dismisses_the_finding(page, live_server, world):
    _approval_routes()
    program = submitted(world, kind="in_school_tutoring", fee_amount=100_000, title="Toán 5 có thu")
    base = live_server.url
    assert page.viewport_size["width"] <= 400

    sign_in(page, base, world.principal)
    page.goto(f"{base}/manage/programs/{program.pk}/")
    page.get_by_role("button", name="Phê duyệt").click()
    page.get_by_text("Chưa thể phê duyệt").wait_for()
    assert "tt29.a5.free" in page.locator(".messages").inner_text()
    page.get_by_label("Lý do phê duyệt vượt (chỉ khi có vi phạm)").fill("Cam kết dừng thu tiền")
    page.get_by_role("button", name="Phê duyệt").click()
    page.get_by_text("Đã phê duyệt, công khai").wait_for()
    assert page.locator("#compliance").get_by_role("link", name="tt29.a5.free").is_visible()

    sign_in(page, base, world.commune_officer)
    page.goto(f"{base}/manage/compliance/")
    page.get_by_label("Quy tắc").select_option("tt29.a5.free")
    page.get_by_role("button", name="Lọc").click()
    page.get_by_role("link", name="tt29.a5.free").first.click()
    page.get_by_text("Cam kết dừng thu tiền", exact=True).wait_for()  # the override, recorded
    page.get_by_label("Lý do bác bỏ").fill("Đã kiểm tra: trường hoàn tiền cho mọi gia đình")
    page.get_by_role("button", name="Bác bỏ").click()
    page.get_by_text("Đã cập nhật phát hiện.").wait_for()
    f = Finding.objects.get(rule_code="tt29.a5.free", key="fee")
    assert f.status == "dismissed" and f.override_reason == "Cam kết dừng thu tiền"
