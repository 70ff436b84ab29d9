"""An inspector on a tablet: opens a suggested target, records a breach, concludes with a
suspension, and the programme's public page shows it suspended."""

import pytest

from oversight.enrollment.tests.helpers import approved_program
from oversight.inspections.models import ChecklistItem, Inspection
from oversight.programs.models import Program
from oversight.programs.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inspector_records_a_breach_and_suspends_the_programme(page, live_server, world):
    base = live_server.url
    program = approved_program(world, title="Tiếng Anh liên kết có thu phí")
    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet
    sign_in(page, base, world.inspector)

    page.get_by_role("link", name="Thanh tra, kiểm tra").click()
    page.get_by_role("link", name="Đối tượng gợi ý theo rủi ro").click()
    suggestion = page.locator(f"li[data-target='{world.school_a.pk}']")
    assert suggestion.get_by_text("1 chương trình thu phí").is_visible()
    suggestion.get_by_role("link", name="Lập đợt kiểm tra").click()
    page.get_by_label("Loại kiểm tra").select_option("surprise")
    page.get_by_label("Tên đợt kiểm tra").fill("Kiểm tra đột xuất liên kết giáo dục")
    page.get_by_label("Căn cứ pháp lý").fill("Công văn 2253/UBND-VX")
    page.get_by_label("Ngày bắt đầu (dd/mm/yyyy)").fill("03/11/2025")
    page.get_by_label("Ngày kết thúc (dd/mm/yyyy)").fill("07/11/2025")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/inspections/*/")
    inspection = Inspection.objects.get()
    assert "Chưa từng được thanh tra" in inspection.targets.get().reason

    page.get_by_role("button", name="Bắt đầu kiểm tra").click()
    page.get_by_role("link", name=world.school_a.name).click()
    item = page.locator("section[data-rule='tt29.a3.no-cut']")
    item.get_by_label("Vi phạm", exact=True).check()
    item.get_by_label("Ghi chép, chứng cứ").fill("Tiết Toán tuần 9 chuyển sang lớp học thêm")
    item.get_by_role("button", name="Lưu mục này").click()
    page.wait_for_load_state()
    assert (
        ChecklistItem.objects.get(target__inspection=inspection, rule="tt29.a3.no-cut").status
        == "breach"
    )

    page.goto(f"{base}/inspections/{inspection.pk}/")
    page.get_by_text("Tạm dừng một chương trình").click()
    page.get_by_label("Chương trình", exact=True).select_option(str(program.pk))
    page.get_by_label("Lý do tạm dừng").fill("Cắt giảm nội dung chính khóa để dạy thêm")
    page.get_by_role("button", name="Tạm dừng chương trình").click()
    page.wait_for_url(f"{base}/inspections/{inspection.pk}/")
    page.get_by_label("Số kết luận").fill("15/KL-TTr")
    page.get_by_label("Ngày kết luận (dd/mm/yyyy)").fill("07/11/2025")
    page.get_by_label("Trích yếu (V/v)").fill("Kết luận kiểm tra liên kết giáo dục")
    page.get_by_label("Nội dung kết luận").fill("Nhà trường cắt giảm nội dung chính khóa.")
    page.get_by_label("Nơi nhận (mỗi nơi một dòng)").fill("Trường Tiểu học Đằng Hải")
    page.get_by_label("Người ký", exact=True).fill("Nguyễn Văn Kiểm")
    page.get_by_label("Chức vụ người ký").fill("Chánh Thanh tra")
    page.get_by_role("button", name="Ban hành kết luận").click()
    page.wait_for_url(f"{base}/inspections/{inspection.pk}/")
    assert page.get_by_role("link", name="Tải kết luận (DOCX)").is_visible()
    assert Program.objects.get(pk=program.pk).status == "suspended"

    page.context.clear_cookies()
    page.goto(f"{base}/programs/{program.pk}/")
    assert (
        page.get_by_role("alert")
        .get_by_text("Chương trình đang tạm dừng theo quyết định")
        .is_visible()
    )
    assert page.get_by_text("Cắt giảm nội dung chính khóa để dạy thêm").is_visible()
