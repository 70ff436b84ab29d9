from datetime import date

from oversight.directives.models import Document
from oversight.directives.services import create_document, create_task


def make_document(world, **fields):
    values = dict(
        kind=Document.Kind.PLAN,
        number=f"{Document.objects.count() + 1}/KH-SGDĐT",
        issued_on=date(2024, 3, 1),
        issuing_body="Sở Giáo dục và Đào tạo Hải Phòng",
        issuer=world.department,
        subject="Kế hoạch kiểm tra dạy thêm, học thêm",
    )
    values.update(fields)
    return create_document(by=world.department_officer, **values)


def make_task(world, document=None, **fields):
    values = dict(
        title="Kiểm tra dạy thêm tại các trường",
        lead=world.committee_a,
        deadline=date(2024, 5, 20),
    )
    values.update(fields)
    return create_task(
        by=world.department_officer, document=document or make_document(world), **values
    )
