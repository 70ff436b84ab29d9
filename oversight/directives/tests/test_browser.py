"""A department officer records a task from the city's directive, the commune reports on its
phone, and the overdue list updates."""

from datetime import timedelta

import pytest
from django.utils import timezone

from oversight.directives.models import Task, TaskReport
from oversight.directives.seed import ensure_seed_documents
from oversight.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, user):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def test_officer_records_a_task_commune_reports_and_the_overdue_list_updates(
    page, live_server, world
):
    base = live_server.url
    ensure_seed_documents()
    due = timezone.localdate() - timedelta(days=2)

    sign_in(page, base, world.department_officer)
    page.get_by_role("link", name="Nhiệm vụ chỉ đạo").click()
    page.get_by_role("link", name="Văn bản chỉ đạo").first.click()
    page.get_by_label("Tìm theo số, trích yếu (gõ không dấu cũng được)").fill(
        "nhiem vu trong tam nam hoc 2022"
    )
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Chỉ thị (chưa rõ số)").click()
    page.get_by_role("link", name="Giao nhiệm vụ").click()
    page.get_by_label("Mục (ví dụ II.4)").fill("II.3")
    page.get_by_label("Nhiệm vụ", exact=True).fill("Kiểm tra dạy thêm tại các trường trên địa bàn")
    page.get_by_label("Đơn vị chủ trì").fill(world.committee_a.name)
    page.get_by_label("Hạn hoàn thành").fill(due.isoformat())
    page.get_by_role("button", name="Lưu nhiệm vụ").click()
    page.wait_for_url("**/manage/directives/tasks/*/")
    task = Task.objects.get(title="Kiểm tra dạy thêm tại các trường trên địa bàn")
    assert task.lead_agency == world.committee_a and task.section == "II.3"

    # The commune officer finds it among the overdue tasks and reports, on a phone.
    sign_in(page, base, world.commune_officer)
    page.goto(f"{base}/manage/directives/")
    row = page.locator(f"#overdue tr[data-task='{task.pk}']")
    assert row.is_visible()
    row.get_by_role("link").click()
    page.get_by_label("Kết quả thực hiện").fill("Đã kiểm tra 8 trường, không phát hiện vi phạm.")
    page.get_by_label("Tiến độ (%)").fill("100")
    page.get_by_label("Khó khăn, vướng mắc").fill("Thiếu cán bộ kiểm tra.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_url(f"**/manage/directives/tasks/{task.pk}/")
    assert page.get_by_text("Hoàn thành quá hạn").first.is_visible()
    assert TaskReport.objects.get().by_agency == world.committee_a

    page.goto(f"{base}/manage/directives/")
    assert page.locator(f"#overdue tr[data-task='{task.pk}']").count() == 0
