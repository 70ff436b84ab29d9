"""The seed documents as data: the city's letter 2253/UBND-VX, the department's plan for
resolution 39/NQ-HĐND and the city's directive for the 2022-2023 school year, with their tasks
as written (section numbers, lead, cooperating units, deadline or recurrence).

`ensure_seed_documents()` is idempotent: the demo and the tests' fixture both call it, and a
second run finds every row it made the first time (and adds sub-tasks for schools or communes
registered since).

The district committees the 2023-2024 orders address were abolished on 01/07/2025; their tasks
go to the commune committees that took over their schools.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from oversight.directives.models import Document, Recurrence, Task
from oversight.directives.services import (
    ALL_COMMUNES,
    _lead_fields,
    _subtask_units,
    create_document,
    create_task,
    resolve_unit,
)
from oversight.registry.models import Agency, Unit

# City departments and media the seeds name that the registry does not list (codes follow
# registry.services.ensure_city_agencies: "<city code>-<code>").
SEED_CITY_BODIES = [
    ("STTTT", "Sở Thông tin và Truyền thông", "Sở TTTT"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", "Sở KHĐT"),
    ("SXD", "Sở Xây dựng", "Sở XD"),
    ("STNMT", "Sở Tài nguyên và Môi trường", "Sở TNMT"),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "Sở LĐTBXH"),
    ("DPTTH", "Đài Phát thanh và Truyền hình Hải Phòng", "Đài PT&TH HP"),
    ("BHP", "Báo Hải Phòng", "Báo HP"),
]

VP = "Văn phòng Sở"
TTRA = "Thanh tra Sở"
TCCB = "Phòng Tổ chức cán bộ"
KHTC = "Phòng Kế hoạch - Tài chính"
GDMN = "Phòng Giáo dục Mầm non"
GDTH = "Phòng Giáo dục Tiểu học"
GDTRH = "Phòng Giáo dục Trung học"
GDTX = "Phòng Giáo dục thường xuyên và Giáo dục đại học"
STTTT = "Sở Thông tin và Truyền thông"
UPPER_SECONDARY_SCHOOLS = "all_schools:upper_secondary"


def ensure_seed_agencies(*, city: Unit) -> None:
    """Add the city departments the seeds name and the registry lacks (nothing if present)."""
    committee = Agency.objects.filter(unit=city, kind=Agency.Kind.CITY_COMMITTEE).first()
    for code, name, short in SEED_CITY_BODIES:
        if Agency.objects.filter(code=f"{city.code}-{code}").exists():
            continue
        agency = Agency(
            code=f"{city.code}-{code}",
            name=name,
            short_name=short,
            kind=Agency.Kind.CITY_DEPARTMENT,
            unit=city,
            parent=committee,
        )
        agency.set_derived()
        agency.save()


def _document(key: str, **fields: Any) -> Document:
    found = Document.objects.filter(seed_key=key).first()
    if found:
        return found
    return create_document(by=None, seed_key=key, **fields)


def _task(document: Document, section: str, title: str, lead: Any, **kw: Any) -> Task:
    found = Task.objects.filter(
        document=document, parent__isnull=True, section=section, title=title
    ).first()
    if found is None:
        return create_task(
            by=None, document=document, section=section, title=title, lead=lead, **kw
        )
    if found.expansion:
        # Schools or communes registered since the last run get their sub-task.
        have_a = set(found.subtasks.values_list("lead_agency_id", flat=True))
        have_i = set(found.subtasks.values_list("lead_institution_id", flat=True))
        missing = [
            u
            for u in _subtask_units(found.expansion, found.expansion_level)
            if u.pk not in (have_a if isinstance(u, Agency) else have_i)
        ]
        Task.objects.bulk_create(
            [
                Task(
                    document=document,
                    parent=found,
                    section=found.section,
                    title=found.title,
                    content=found.content,
                    deadline=found.deadline,
                    recurrence=found.recurrence,
                    starts_on=found.starts_on,
                    **_lead_fields(u),
                )
                for u in missing
            ]
        )
    return found


@transaction.atomic
def ensure_seed_documents() -> dict[str, Document]:
    """The three seed documents (and the ones they implement) with their tasks."""
    department = Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).select_related("unit").first()
    if department is None:
        return {}
    city = department.unit
    ensure_seed_agencies(city=city)
    city_committee = Agency.objects.filter(unit=city, kind=Agency.Kind.CITY_COMMITTEE).first()
    docs = {
        "letter_2253": _letter_2253(city_committee, department),
        "plan_39": _plan_39(department),
        "directive_2022": _directive_2022(city_committee, department),
    }
    return docs


def _letter_2253(committee: Agency | None, department: Agency) -> Document:
    earlier = _document(
        "letter-2377",
        kind=Document.Kind.LETTER,
        number="2377/UBND-VX",
        issued_on=date(2023, 9, 30),
        issuing_body="Ủy ban nhân dân thành phố Hải Phòng",
        issuer=committee,
        subject="Chấn chỉnh việc dạy thêm, học thêm, phối hợp liên kết giáo dục, "
        "việc thu chi trong trường học",
    )
    doc = _document(
        "letter-2253",
        kind=Document.Kind.LETTER,
        number="2253/UBND-VX",
        issued_on=date(2024, 10, 11),
        issuing_body="Ủy ban nhân dân thành phố Hải Phòng",
        issuer=committee,
        subject="Tăng cường quản lý dạy thêm, học thêm, hoạt động liên kết giáo dục trong các "
        "trường công lập trên địa bàn thành phố",
        signer_name="Lê Khắc Nam",
        signer_title="KT. CHỦ TỊCH – PHÓ CHỦ TỊCH",
        addressees="- Sở Giáo dục và Đào tạo;\n- Sở Thông tin và Truyền thông;\n"
        "- Uỷ ban nhân dân các quận, huyện.",
        recipients="- Như trên;\n- TT TU, TT HĐND TP;\n- CT, PCT L.K.Nam;\n"
        "- Văn phòng Thành ủy;\n- Ban Tuyên giáo Thành uỷ;\n- Sở Tài chính;\n"
        "- Thanh tra thành phố;\n- Đài PT&TH HP, Báo HP;\n- Cổng TTĐT TP;\n- CPVP;\n"
        "- Phòng: NCKTGS;\n- Lưu: VT, GD.",
        body="Chủ tịch Ủy ban nhân dân thành phố yêu cầu các cơ quan, đơn vị triển khai thực "
        "hiện một số nội dung sau: (1) Sở Giáo dục và Đào tạo chủ trì, cùng Uỷ ban nhân dân "
        "các quận, huyện, các sở, ngành, đơn vị liên quan…; (2) Sở Thông tin và Truyền thông "
        "chủ trì tuyên truyền…; (3) Sở Giáo dục và Đào tạo theo dõi, đôn đốc, báo cáo Ủy ban "
        "nhân dân thành phố.",
        implements=earlier,
    )
    # 1. The department leads, the district (now commune) committees with it.
    section_1 = [
        (
            "Quán triệt, triển khai Công văn 6779-CV/VPTU và 2377/UBND-VX",
            "Tiếp tục quán triệt, triển khai thực hiện thường xuyên, nghiêm túc ý kiến của "
            "Thường trực Thành ủy tại Công văn số 6779-CV/VPTU ngày 29/9/2023; của Ủy ban nhân "
            "dân thành phố tại Công văn số 2377/UBND-VX ngày 30/9/2023.",
        ),
        (
            "Chỉ đạo cơ sở giáo dục thực hiện nghiêm quy định, bảo đảm tự nguyện",
            "Tăng cường công tác quản lý, chỉ đạo các cơ sở giáo dục thực hiện nghiêm các quy "
            "định hiện hành về dạy thêm, học thêm, liên kết giáo dục, bảo đảm nguyên tắc theo "
            "nhu cầu, tự nguyện của người học và được gia đình đồng ý; không được dùng bất cứ "
            "hình thức nào để ép buộc. Nâng cao trách nhiệm công khai, giải trình.",
        ),
        (
            "Thanh tra, kiểm tra định kỳ và đột xuất; xử lý nghiêm vi phạm",
            "Tăng cường thanh tra, kiểm tra định kỳ và đột xuất việc thực hiện của các cơ sở "
            "giáo dục; xử lý nghiêm đối với những trường hợp thực hiện sai quy định và trách "
            "nhiệm của người đứng đầu cơ sở giáo dục để xảy ra vi phạm.",
        ),
        (
            "Yêu cầu chấm dứt dạy học liên kết khi phát hiện vi phạm",
            "Khi phát hiện cơ sở giáo dục, đơn vị vi phạm hoặc tạo ra dư luận xã hội không tốt, "
            "theo thẩm quyền, có thể yêu cầu chấm dứt việc tổ chức dạy học liên kết để thanh "
            "tra, kiểm tra, chấn chỉnh; không để xảy ra điểm nóng.",
        ),
    ]
    for title, content in section_1:
        _task(doc, "1", title, department, content=content, cooperating=[ALL_COMMUNES])
    _task(
        doc,
        "2",
        "Tuyên truyền quy định về dạy thêm, học thêm, liên kết giáo dục",
        STTTT,
        cooperating=[department],
        content="Sở Thông tin và Truyền thông chủ trì, phối hợp với Sở Giáo dục và Đào tạo, các "
        "cơ quan liên quan chỉ đạo các cơ quan báo chí tăng cường tuyên truyền…; để học sinh "
        "và phụ huynh hiểu rõ và thực hiện đúng quyền của mình trong việc tham gia/không tham "
        "gia học thêm, các hoạt động liên kết.",
    )
    _task(
        doc,
        "3",
        "Theo dõi, đôn đốc, báo cáo Ủy ban nhân dân thành phố",
        department,
        content="Sở Giáo dục và Đào tạo chịu trách nhiệm theo dõi, đôn đốc, nắm bắt tình hình "
        "thực hiện, báo cáo Ủy ban nhân dân thành phố những vấn đề phát sinh để kịp thời chỉ "
        "đạo.",
    )
    return doc


def _plan_39(department: Agency) -> Document:
    resolution = _document(
        "resolution-39",
        kind=Document.Kind.RESOLUTION,
        number="39/NQ-HĐND",
        issued_on=date(2023, 12, 8),
        issuing_body="Hội đồng nhân dân thành phố Hải Phòng",
        subject="Về chất vấn tại kỳ họp thứ 13 Hội đồng nhân dân thành phố khóa XVI",
    )
    # The plan's number and date are not in the seed; it cannot precede the resolution.
    doc = _document(
        "plan-39",
        kind=Document.Kind.PLAN,
        number="",
        issued_on=None,
        issuing_body="Sở Giáo dục và Đào tạo Hải Phòng",
        issuer=department,
        subject="Kế hoạch thực hiện Nghị quyết số 39/NQ-HĐND ngày 08/12/2023 của Hội đồng nhân "
        "dân thành phố",
        signer_name="Bùi Văn Kiệm",
        signer_title="GIÁM ĐỐC",
        recipients="- UBND thành phố (để báo cáo);\n- Sở Nội vụ (để phối hợp);\n"
        "- Sở Tài chính (để phối hợp);\n- Ban Giám đốc Sở;\n- Trưởng các phòng cơ quan Sở;\n"
        "- Các phòng GDĐT;\n- Các trường THPT, PT nhiều cấp;\n- Đơn vị trực thuộc;\n"
        "- Cổng thông tin điện tử Sở;\n- Lưu: VT.",
        body="Báo cáo kết quả thực hiện về Sở Giáo dục và Đào tạo (qua Văn phòng Sở) trước ngày "
        "20/5/2024. Trong quá trình thực hiện, nếu có phát sinh khó khăn, vướng mắc, các phòng "
        "và các cơ sở giáo dục phản ánh kịp thời về Văn phòng Sở.",
        implements=resolution,
    )
    start = date(2023, 12, 8)
    due = date(2024, 5, 20)  # "Báo cáo kết quả thực hiện … trước ngày 20/5/2024"
    # Part II: the plan's key tasks for the whole sector, which part III distributes; the
    # department carries them.
    rows: list[tuple[str, str, Any, list[Any], str]] = [
        (
            "II.1",
            "Rà soát quy hoạch, phát triển mạng lưới cơ sở giáo dục phổ thông",
            department,
            [],
            "Thực hiện công tác quy hoạch, sắp xếp trường học đồng bộ với sáp nhập các đơn vị "
            "hành chính cấp xã, bảo đảm thuận lợi cho giáo viên, học sinh và thực hiện đúng quy "
            "định về quy mô trường, quy mô xã.",
        ),
        (
            "II.2.1",
            "Chuẩn hóa, nâng cao chất lượng đội ngũ cán bộ quản lý, giáo viên",
            department,
            [],
            "Phát triển đội ngũ đáp ứng CT GDPT 2018; rà soát cơ cấu đội ngũ giáo viên theo môn "
            "học; đào tạo, bồi dưỡng, nâng chuẩn trình độ đào tạo giáo viên; tập huấn tư vấn "
            "hướng nghiệp, tư vấn tâm lý cho học sinh.",
        ),
        (
            "II.2.2",
            "Nâng cao đời sống vật chất, tinh thần cho giáo viên",
            department,
            [],
            "Chính sách quan tâm đời sống, điều kiện làm việc của nhà giáo; môi trường văn hóa "
            "trong trường học; rà soát quy định về hồ sơ, sổ sách, hội thi để giảm áp lực cho "
            "giáo viên.",
        ),
        (
            "II.2.3",
            "Tăng cường cơ sở vật chất và thiết bị dạy học, học liệu",
            department,
            [],
            "Bảo đảm cơ sở vật chất, thiết bị dạy học tối thiểu; sử dụng hiệu quả trang thiết bị "
            "cũ khi sáp nhập; huy động các nguồn lực hợp pháp đầu tư cho giáo dục.",
        ),
        (
            "II.3",
            "Tăng cường ứng dụng công nghệ thông tin và chuyển đổi số trong giáo dục",
            department,
            [],
            "Triển khai Đề án chuyển đổi số giai đoạn 2022 - 2025; sử dụng chữ ký số, sổ điểm "
            "điện tử, học bạ điện tử; dữ liệu toàn ngành; tinh giản hồ sơ, sổ sách.",
        ),
        (
            "II.4",
            "Tăng cường công tác quản lý, chấn chỉnh hoạt động dạy thêm, học thêm",
            department,
            [],
            "Tập trung thông tin, tuyên truyền, phổ biến, quán triệt đến toàn thể cán bộ, công "
            "chức, viên chức, cha mẹ học sinh và học sinh hiểu đầy đủ về các quy định đối với "
            "dạy thêm, học thêm. Tổ chức dạy thêm, học thêm trong nhà trường bảo đảm đúng quy "
            "định.",
        ),
        (
            "II.5",
            "Thực hiện hiệu quả Chương trình giáo dục phổ thông",
            department,
            [],
            "a) Thực hiện hiệu quả chương trình, phương pháp và hình thức dạy học; b) Thực hiện "
            "hiệu quả các phương pháp, hình thức kiểm tra, đánh giá.",
        ),
        (
            "II.6",
            "Tăng cường phối hợp Nhà trường - Gia đình - Xã hội trong công tác giáo dục học sinh",
            department,
            [],
            "Quán triệt các quy định về phối hợp giữa gia đình, nhà trường và xã hội; nhân rộng "
            "mô hình phối hợp hiệu quả; duy trì họp phụ huynh; hoạt động của Ban đại diện cha mẹ "
            "học sinh theo Thông tư 55/2011/TT-BGDĐT.",
        ),
        (
            "III.1.1",
            "Đề xuất chính sách, điều kiện làm việc cho giáo viên",
            TCCB,
            [],
            "Nghiên cứu, đề xuất, tiếp tục có chính sách, điều kiện làm việc cho giáo viên để "
            "đội ngũ giáo viên ngày càng gắn bó, tâm huyết với nghề.",
        ),
        (
            "III.1.1",
            "Kế hoạch bổ sung giáo viên đáp ứng CT GDPT 2018",
            TCCB,
            [],
            "Xây dựng kế hoạch bổ sung kịp thời giáo viên đáp ứng CT GDPT 2018.",
        ),
        (
            "III.1.1",
            "Phối hợp sắp xếp trường học đồng bộ với sáp nhập đơn vị hành chính cấp xã",
            TCCB,
            [],
            "Phối hợp thực hiện việc sắp xếp trường học đồng bộ với sáp nhập các đơn vị hành "
            "chính cấp xã, bảo đảm thuận lợi cho giáo viên, học sinh.",
        ),
        (
            "III.1.2",
            "Đào tạo, bồi dưỡng giáo viên đáp ứng chương trình mới và Luật Giáo dục 2019",
            GDTX,
            [],
            "Triển khai chương trình đào tạo, bồi dưỡng giáo viên đáp ứng chương trình giáo dục "
            "phổ thông mới và Luật Giáo dục 2019.",
        ),
        (
            "III.1.2",
            "Đẩy mạnh chuyển đổi số trong quản lý giáo dục",
            GDTX,
            [],
            "Đẩy mạnh chuyển đổi số trong ngành giáo dục để nâng cao chất lượng công tác quản "
            "lý giáo dục.",
        ),
        (
            "III.1.3",
            "Phương án sử dụng trang thiết bị, cơ sở hạ tầng cũ khi sáp nhập",
            KHTC,
            [],
            "Xây dựng phương án sử dụng trang thiết bị, cơ sở hạ tầng cũ hiệu quả, tránh lãng "
            "phí trong quá trình sáp nhập.",
        ),
    ]
    level_duties = (
        "Chỉ đạo cơ sở giáo dục hạn chế tối đa việc dạy thêm, hạn chế dạy - học theo hình thức "
        "dập khuôn, thụ động; đẩy mạnh chuyển đổi số; xây dựng mô hình phối hợp Nhà trường - "
        "Gia đình - Xã hội trong công tác giáo dục học sinh."
    )
    for division, level in ((GDMN, "mầm non"), (GDTH, "tiểu học"), (GDTRH, "trung học")):
        rows.append(
            (
                "III.1.4",
                f"Chỉ đạo cơ sở giáo dục {level} hạn chế tối đa việc dạy thêm",
                division,
                [],
                level_duties,
            )
        )
    rows += [
        (
            "III.1.4",
            "Bố trí giáo viên linh hoạt cho các môn học tích hợp",
            GDTRH,
            [],
            "Phòng Giáo dục Trung học: Chỉ đạo cơ sở giáo dục tiếp tục có phương án bố trí giáo "
            "viên linh hoạt, nhất là đối với các môn học tích hợp.",
        ),
        (
            "III.1.5",
            "Thanh tra, kiểm tra, chấn chỉnh dạy thêm, học thêm không đúng quy định",
            TTRA,
            [],
            "Tăng cường công tác thanh tra, kiểm tra, kịp thời phát hiện, chấn chỉnh việc dạy "
            "thêm, học thêm không đúng quy định, xử lý nghiêm các trường hợp vi phạm.",
        ),
        (
            "III.1.5",
            "Nắm bắt dư luận Nhân dân, học sinh, phụ huynh để tham mưu xử lý",
            TTRA,
            [],
            "Chủ động có nhiều hình thức để nắm bắt tình hình dư luận Nhân dân, học sinh, phụ "
            "huynh và cán bộ công chức, viên chức trong ngành để tham mưu cho Ban Giám đốc.",
        ),
        (
            "III.2.1",
            "Tham mưu cho Ủy ban nhân dân cấp xã thực hiện Nghị quyết 39",
            department,
            [ALL_COMMUNES],
            "Sắp xếp trường học đồng bộ với sáp nhập đơn vị hành chính cấp xã; chính sách cho "
            "giáo viên; đầu tư cơ sở vật chất, thiết bị dạy học; bổ sung giáo viên; phát huy vai "
            "trò Ban Chỉ đạo dạy thêm, học thêm, thanh tra, kiểm tra, xử lý vi phạm; tuyên "
            "truyền quy định về dạy thêm, học thêm, liên kết giáo dục và thu chi.",
        ),
        (
            "III.2.2",
            "Chỉ đạo các cơ sở giáo dục thuộc thẩm quyền",
            department,
            [ALL_COMMUNES],
            "Đẩy mạnh chuyển đổi số; hạn chế tối đa việc dạy thêm, hạn chế dạy - học dập khuôn, "
            "thụ động; bố trí giáo viên linh hoạt cho các môn học tích hợp bậc trung học cơ sở.",
        ),
        (
            "III.3",
            "Các trường THPT, đơn vị trực thuộc triển khai nhiệm vụ tại phần II",
            department,
            [UPPER_SECONDARY_SCHOOLS],
            "Tiếp tục triển khai các văn bản hướng dẫn nhiệm vụ năm học 2023-2024, các nhiệm vụ "
            "tại phần II của Kế hoạch này theo chức năng, nhiệm vụ, đảm bảo hiệu quả, đúng quy "
            "định.",
        ),
    ]
    for section, title, lead, cooperating, content in rows:
        _task(
            doc,
            section,
            title,
            lead,
            cooperating=cooperating,
            content=content,
            deadline=due,
            starts_on=start,
        )
    _task(
        doc,
        "III.1.6",
        "Họp định kỳ hằng tháng để các phòng báo cáo tiến độ",
        VP,
        recurrence=Recurrence.MONTHLY,
        starts_on=start,
        content="Tham mưu, đề xuất lịch họp định kỳ theo tháng để các phòng báo cáo tiến độ "
        "triển khai công việc.",
    )
    _task(
        doc,
        "III.1.6",
        "Báo cáo Ủy ban nhân dân thành phố kết quả giải quyết chất vấn kỳ họp thứ 13",
        VP,
        deadline=date(2024, 5, 30),
        starts_on=start,
        content="Tham mưu báo cáo kết quả giải quyết các chất vấn tại kỳ họp thứ 13 Hội đồng "
        "nhân dân thành phố khóa XVI về Ủy ban nhân dân thành phố trước ngày 30/5/2024.",
    )
    return doc


def _directive_2022(committee: Agency | None, department: Agency) -> Document:
    ministry = _document(
        "directive-1112",
        kind=Document.Kind.DIRECTIVE,
        number="1112/CT-BGDĐT",
        issued_on=date(2022, 8, 19),
        issuing_body="Bộ Giáo dục và Đào tạo",
        subject="Về thực hiện nhiệm vụ trọng tâm năm học 2022 - 2023",
    )
    doc = _document(
        "directive-2022",
        kind=Document.Kind.DIRECTIVE,
        number="",
        issued_on=None,
        issuing_body="Ủy ban nhân dân thành phố Hải Phòng",
        issuer=committee,
        subject="Về thực hiện nhiệm vụ trọng tâm năm học 2022 - 2023",
        signer_name="Lê Khắc Nam",
        signer_title="KT. CHỦ TỊCH – PHÓ CHỦ TỊCH",
        recipients="- Bộ GD&ĐT;\n- TTTU, TTHĐNDTP;\n- CT, các PCT UBND TP;\n"
        "- Ban Tuyên giáo TU;\n- Ủy ban MTTQVN TP và các đoàn thể;\n"
        "- Văn phòng: TU, Đoàn ĐBQH&HĐND TP;\n- Các Sở, ban, ngành thành phố;\n"
        "- UBND các quận, huyện;\n- Đài PTTH HP, Báo HP;\n- Chuyên đề AN HP;\n"
        "- Cổng Thông tin điện tử thành phố;\n- Trường ĐH HP;\n"
        "- Các ĐH, CĐ trên địa bàn thành phố;\n- CPVP;\n- Phòng NCKTGS;\n- CV: GD, LĐ;\n"
        "- Lưu: VT.",
        body="Chủ đề năm học 2022 - 2023: “Đoàn kết, sáng tạo, ra sức phấn đấu hoàn thành tốt "
        "các nhiệm vụ và mục tiêu đổi mới, củng cố và nâng cao chất lượng giáo dục và đào tạo”.",
        implements=ministry,
    )
    # Not before the ministry's directive it implements (its own date is not in the seed).
    start = date(2022, 8, 19)
    # Section I's twelve groups: the department leads; section II.2 names who cooperates.
    groups: list[tuple[str, str, list[str]]] = [
        ("I.1", "Hoàn thiện thể chế, nâng cao hiệu lực, hiệu quả quản lý nhà nước về GDĐT", []),
        ("I.2", "Chủ động phòng, chống, ứng phó hiệu quả với thiên tai, dịch bệnh", ["Sở Y tế"]),
        (
            "I.3",
            "Tăng cường công tác chính trị, tư tưởng trong toàn ngành",
            ["Công an thành phố"],
        ),
        (
            "I.4",
            "Phát triển đội ngũ nhà giáo và cán bộ quản lý giáo dục",
            ["Sở Nội vụ"],
        ),
        (
            "I.5",
            "Thu hút và sử dụng hiệu quả các nguồn lực đầu tư cho giáo dục",
            [
                "Sở Kế hoạch và Đầu tư",
                "Sở Tài chính",
                "Sở Xây dựng",
                "Sở Tài nguyên và Môi trường",
            ],
        ),
        (
            "I.6",
            "Thực hiện hiệu quả chương trình giáo dục mầm non, phổ thông và thường xuyên",
            ["Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch"],
        ),
        (
            "I.7",
            "Xây dựng chiến lược, quy hoạch, nâng cao năng lực hệ thống giáo dục đại học",
            ["Sở Khoa học và Công nghệ"],
        ),
        ("I.8", "Đẩy mạnh chuyển đổi số, cải cách hành chính trong toàn ngành", [STTTT]),
        ("I.9", "Tăng cường hội nhập quốc tế trong giáo dục", []),
        ("I.10", "Tăng cường công tác thanh tra, kiểm tra và xử lý vi phạm", []),
        ("I.11", "Đẩy mạnh thực hiện các phong trào thi đua trong toàn ngành", []),
        (
            "I.12",
            "Tăng cường công tác truyền thông giáo dục",
            [STTTT, "Đài Phát thanh và Truyền hình Hải Phòng", "Báo Hải Phòng"],
        ),
    ]
    for section, title, cooperating in groups:
        _task(
            doc,
            section,
            title,
            department,
            cooperating=[resolve_unit(name) for name in cooperating],
            starts_on=start,
        )
    _task(
        doc,
        "II.1",
        "Xây dựng kế hoạch, chỉ đạo thực hiện Chỉ thị; định kỳ báo cáo UBND thành phố",
        department,
        recurrence=Recurrence.TERM,
        starts_on=start,
        content="Sở Giáo dục và Đào tạo chủ động xây dựng kế hoạch và chỉ đạo các đơn vị giáo "
        "dục triển khai thực hiện tốt Chỉ thị này; định kỳ báo cáo Ủy ban nhân dân thành phố về "
        "kết quả thực hiện, các khó khăn, vướng mắc và đề xuất các giải pháp.",
    )
    _task(
        doc,
        "II.2",
        "Đưa tin, tuyên truyền về chủ trương, chính sách và hoạt động của ngành giáo dục",
        STTTT,
        cooperating=[department, "Đài Phát thanh và Truyền hình Hải Phòng", "Báo Hải Phòng"],
        starts_on=start,
    )
    if committee is not None:
        _task(
            doc,
            "II.3",
            "Chỉ đạo thực hiện Chỉ thị 1112/CT-BGDĐT và Chỉ thị này tại địa phương",
            committee,
            cooperating=[ALL_COMMUNES],
            starts_on=start,
            content="Chủ tịch Ủy ban nhân dân các quận, huyện (nay là cấp xã) tập trung chỉ đạo "
            "thực hiện tốt Chỉ thị số 1112/CT-BGDĐT và Chỉ thị này; phấn đấu hoàn thành tốt "
            "nhiệm vụ năm học 2022-2023.",
        )
    return doc
