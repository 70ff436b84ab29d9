"""A linkage programme from the principal's draft to the public page, in a real browser."""

import pytest

from oversight.programs.models import Partner, Program
from oversight.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, user):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def test_principal_drafts_officer_approves_public_finds_it(page, live_server, world):
    base = live_server.url
    Partner.objects.create(name="Công ty Giáo dục Ánh Sao", search_name="cong ty giao duc anh sao")

    sign_in(page, base, world.principal)
    page.goto(f"{base}/manage/programs/new/")
    page.get_by_label("Loại chương trình").select_option("linkage")
    page.get_by_label("Trường", exact=True).select_option(str(world.school_a.pk))
    page.get_by_label("Tên chương trình").fill("Tiếng Anh cùng giáo viên bản ngữ")
    page.get_by_label("Lĩnh vực (liên kết)").select_option("foreign_language_foreign_teacher")
    page.get_by_label("Đối tác (liên kết)").select_option(label="Công ty Giáo dục Ánh Sao")
    page.get_by_label("Khối lớp").fill("5")
    page.get_by_label("Sĩ số tối đa").fill("30")
    page.get_by_label("Bắt đầu (dd/mm/yyyy)").fill("01/10/2025")
    page.get_by_label("Kết thúc (dd/mm/yyyy)").fill("20/05/2026")
    page.get_by_label("Mức thu (đồng)").fill("150000")
    page.locator("#id_weekday_1").select_option("3")
    page.locator("#id_start_1").fill("16:45")
    page.locator("#id_end_1").fill("17:30")
    page.locator("#id_place_1").fill("Phòng 201")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.get_by_role("button", name="Gửi duyệt").click()
    page.get_by_text("Chờ phê duyệt").wait_for()
    program = Program.objects.get()
    assert program.status == "submitted"

    sign_in(page, base, world.commune_officer)
    page.goto(f"{base}/manage/programs/{program.pk}/")
    # No staff, fee basis nor partner licence on file: the officer approves with an override.
    page.get_by_label("Lý do phê duyệt vượt (chỉ khi có vi phạm)").fill(
        "Đối tác đang bổ sung hồ sơ"
    )
    page.get_by_role("button", name="Phê duyệt").click()
    page.get_by_text("Đã phê duyệt, công khai").wait_for()

    page.context.clear_cookies()
    page.goto(f"{base}/programs/")
    page.get_by_label("Tìm (gõ không dấu cũng được)").fill("tieng anh giao vien ban ngu")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Tiếng Anh cùng giáo viên bản ngữ").click()
    page.wait_for_url(f"**/programs/{program.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Tiếng Anh cùng giáo viên bản ngữ"
    assert page.get_by_text("Tham gia là hoàn toàn tự nguyện").is_visible()
