"""A guardian on a phone: signs in with a code, registers a child, keeps and checks the receipt,
then withdraws."""

import re

import pytest

from oversight.enrollment.models import ConsentEntry, Enrollment
from oversight.enrollment.tests.helpers import approved_program
from oversight.lib.sms import MemorySmsSender

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_guardian_registers_checks_the_receipt_and_withdraws(page, live_server, world, settings):
    settings.SMS_SENDER = "memory"
    MemorySmsSender.sent.clear()
    program = approved_program(world, title="Tiếng Anh cùng giáo viên bản ngữ")
    base = live_server.url
    assert page.viewport_size["width"] <= 400  # a phone

    page.goto(f"{base}/programs/{program.pk}/")
    page.get_by_role("link", name="Vào Cổng phụ huynh").click()
    page.get_by_label("Số điện thoại đã đăng ký với nhà trường").fill(world.guardian.phone)
    page.get_by_role("button", name="Gửi mã").click()
    page.wait_for_url("**/family/login/code/")
    phone, text = MemorySmsSender.sent[-1]
    assert phone == world.guardian.phone
    code = re.search(r"\b(\d{6})\b", text).group(1)
    page.get_by_label("Mã gồm 6 chữ số trong tin nhắn").fill(code)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/family/")

    page.get_by_role("link", name=world.student_a1.full_name).click()
    card = page.locator(f"section[data-program='{program.pk}']")
    # Both choices are there, side by side, and nothing is chosen for the family.
    assert card.get_by_role("button", name="Đăng ký").is_visible()
    assert card.get_by_role("button", name="Không tham gia").is_visible()
    assert not card.get_by_label("Con đồng ý").is_checked()
    card.get_by_label("Con đồng ý").check()
    card.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url("**/receipts/*/")
    entry = ConsentEntry.objects.get()
    assert page.locator(".receipt-code").inner_text() == (
        f"{entry.receipt_code[:5]}-{entry.receipt_code[5:]}"
    )
    assert Enrollment.objects.get().status == "active"

    # Anyone holding the code checks it, signed out, and sees no personal data.
    receipt_url = page.url
    page.context.clear_cookies()
    page.goto(f"{base}/receipts/")
    page.get_by_label("Mã biên nhận").fill(entry.receipt_code.lower())
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_url(receipt_url)
    assert page.get_by_text("Biên nhận hợp lệ").is_visible()
    body = page.content()
    assert world.student_a1.full_name not in body and world.guardian.phone not in body

    # Back in, leave at once: no reason asked.
    page.goto(f"{base}/family/login/")
    page.get_by_label("Số điện thoại đã đăng ký với nhà trường").fill(world.guardian.phone)
    page.get_by_role("button", name="Gửi mã").click()
    page.wait_for_url("**/family/login/code/")
    code = re.search(r"\b(\d{6})\b", MemorySmsSender.sent[-1][1]).group(1)
    page.get_by_label("Mã gồm 6 chữ số trong tin nhắn").fill(code)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{base}/family/children/{world.student_a1.pk}/")
    page.locator(f"section[data-program='{program.pk}']").get_by_role(
        "button", name="Rút khỏi chương trình"
    ).click()
    page.wait_for_url("**/receipts/*/")
    assert page.get_by_text("Rút khỏi chương trình").first.is_visible()
    assert Enrollment.objects.get().status == "ended"
    assert ConsentEntry.objects.latest("seq").decision == "withdrawn"
