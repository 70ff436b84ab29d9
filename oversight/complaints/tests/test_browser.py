"""On a phone: an anonymous parent files a complaint, the commune officer accepts and answers
it, and the parent reads the answer with the tracking code and secret."""

import pytest

from oversight.complaints.models import Complaint
from oversight.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_parent_files_officer_answers_parent_reads(page, live_server, world):
    base = live_server.url
    assert page.viewport_size["width"] <= 400  # a phone

    page.goto(f"{base}/")
    page.get_by_role("link", name="Gửi phản ánh (có thể ẩn danh)").click()
    page.get_by_label("Tên trường").fill("dang hai")  # typed without accents
    page.get_by_role("button", name="Tìm trường").click()
    page.get_by_role("link", name=world.school_a.name).click()
    page.get_by_label("Ép buộc tham gia").check()
    page.get_by_label("Mô tả sự việc").fill(
        "Cô chủ nhiệm nói cả lớp phải đăng ký học thêm, nhà nào không đăng ký bị nhắc."
    )
    assert page.get_by_label("Gửi ẩn danh (không để lại tên, số điện thoại)").is_checked()
    page.get_by_role("button", name="Gửi phản ánh").click()
    page.wait_for_url("**/complaints/filed/")
    code = page.locator("[data-code]").inner_text()
    secret = page.locator("[data-secret]").inner_text()
    complaint = Complaint.objects.get()
    assert code == complaint.display_code and complaint.anonymous

    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(world.commune_officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/complaints/manage/")
    page.get_by_role("link", name=code).click()
    page.get_by_role("button", name="Thụ lý").click()
    page.wait_for_selector("[data-status='accepted']")
    answer = "Phường đã làm việc với nhà trường; việc học thêm là tự nguyện, không ai bị nhắc."
    page.get_by_label("Nội dung trả lời").fill(answer)
    assert page.get_by_label("Gửi cho người phản ánh (hiện trên trang theo dõi)").is_checked()
    page.get_by_role("button", name="Gửi", exact=True).click()
    page.wait_for_selector("text=Đã lưu.")

    page.context.clear_cookies()
    page.goto(f"{base}/complaints/track/")
    page.get_by_label("Mã theo dõi").fill(code)
    page.get_by_label("Mã bí mật").fill(secret)
    page.get_by_role("button", name="Xem").click()
    assert page.locator("[data-status]").inner_text().startswith("Đã thụ lý")
    assert page.get_by_text(answer).is_visible()
