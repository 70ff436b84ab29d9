"""The principal's first journey, in a real browser on a phone-sized screen."""

import pytest

from oversight.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_principal_signs_in_finds_school_without_diacritics_and_opens_it(page, live_server, world):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(world.principal.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/registry/institutions/")
    page.get_by_label("Tìm theo tên hoặc mã (gõ không dấu cũng được)").fill(
        "truong tieu hoc dang hai"
    )
    link = page.locator("#results").get_by_role("link", name="Trường Tiểu học Đằng Hải")
    link.wait_for()
    link.click()
    page.wait_for_url(f"**/registry/institutions/{world.school_a.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Trường Tiểu học Đằng Hải"
    assert page.get_by_text(world.school_a.code).is_visible()
