from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.accounts.models import User
from oversight.inspections.models import ChecklistItem, Inspection, Sanction

TARGET_KINDS = [
    ("institution", _("Cơ sở giáo dục")),
    ("facility", _("Cơ sở dạy thêm")),
    ("program", _("Chương trình")),
]


class PlanForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Cơ quan"), coerce=int)
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=200)
    period_start = forms.DateField(label=_("Từ ngày (dd/mm/yyyy)"))
    period_end = forms.DateField(label=_("Đến ngày (dd/mm/yyyy)"))
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), max_length=500)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]


class InspectionForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Cơ quan kiểm tra"), coerce=int)
    kind = forms.ChoiceField(label=_("Loại kiểm tra"), choices=Inspection.Kind.choices)
    plan = forms.TypedChoiceField(label=_("Thuộc kế hoạch"), coerce=int, required=False)
    title = forms.CharField(label=_("Tên đợt kiểm tra"), max_length=200)
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), max_length=500)
    starts_on = forms.DateField(label=_("Ngày bắt đầu (dd/mm/yyyy)"))
    ends_on = forms.DateField(label=_("Ngày kết thúc (dd/mm/yyyy)"))
    members = forms.CharField(
        label=_("Thành viên đoàn (tên đăng nhập, cách nhau bởi dấu phẩy)"), required=False
    )
    target_kind = forms.ChoiceField(label=_("Loại đối tượng"), choices=TARGET_KINDS)
    target_id = forms.IntegerField(label=_("Mã đối tượng"), widget=forms.HiddenInput)
    score = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Lý do chọn đối tượng"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, agencies=(), plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]
        self.fields["plan"].choices = [("", "—")] + [(p.pk, p.title) for p in plans]

    def clean_members(self) -> list:
        names = [n.strip() for n in self.cleaned_data["members"].split(",") if n.strip()]
        users = list(User.objects.filter(username__in=names, is_active=True))
        missing = set(names) - {u.username for u in users}
        if missing:
            raise forms.ValidationError(
                _("Không có người dùng: %(names)s") % {"names": ", ".join(sorted(missing))}
            )
        return users


class CheckForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Kết quả"), choices=ChecklistItem.Status.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Ghi chép, chứng cứ"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    interviewed = forms.CharField(label=_("Người được làm việc"), required=False)
    persons_responsible = forms.CharField(label=_("Người vi phạm"), required=False)
    heads_responsible = forms.CharField(label=_("Người đứng đầu chịu trách nhiệm"), required=False)
    measures = forms.CharField(label=_("Biện pháp xử lý"), required=False)


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Tên ảnh, tài liệu"), max_length=200, required=False)
    file = forms.FileField(label=_("Ảnh hoặc PDF"))


class ConclusionForm(forms.Form):
    number = forms.CharField(label=_("Số kết luận"), max_length=50)
    concluded_on = forms.DateField(label=_("Ngày kết luận (dd/mm/yyyy)"))
    subject = forms.CharField(label=_("Trích yếu (V/v)"), max_length=300)
    body = forms.CharField(label=_("Nội dung kết luận"), widget=forms.Textarea(attrs={"rows": 6}))
    recipients = forms.CharField(
        label=_("Nơi nhận (mỗi nơi một dòng)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    signer_name = forms.CharField(label=_("Người ký"), max_length=120)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=120)


class SanctionForm(forms.Form):
    target = forms.TypedChoiceField(label=_("Đối tượng"), coerce=int)
    kind = forms.ChoiceField(label=_("Hình thức"), choices=Sanction.Kind.choices)
    subject_kind = forms.ChoiceField(
        label=_("Cá nhân/tổ chức"), choices=Sanction.SubjectKind.choices
    )
    subject_name = forms.CharField(label=_("Tên cá nhân/tổ chức"), max_length=200)
    subject_position = forms.CharField(label=_("Chức vụ"), max_length=120, required=False)
    legal_basis = forms.CharField(label=_("Điều, khoản áp dụng"), max_length=300)
    amount = forms.IntegerField(label=_("Số tiền phạt (đồng)"), required=False, min_value=1)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=50)
    decided_on = forms.DateField(label=_("Ngày quyết định (dd/mm/yyyy)"))
    effective_from = forms.DateField(label=_("Hiệu lực từ (dd/mm/yyyy)"), required=False)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(t.pk, str(t)) for t in targets]


class ActionForm(forms.Form):
    target = forms.TypedChoiceField(label=_("Đối tượng"), coerce=int)
    description = forms.CharField(
        label=_("Nội dung khắc phục"), widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label=_("Người chịu trách nhiệm (tên đăng nhập)"), max_length=150)
    deadline = forms.DateField(label=_("Thời hạn (dd/mm/yyyy)"))

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(t.pk, str(t)) for t in targets]


class CompleteForm(forms.Form):
    note = forms.CharField(label=_("Kết quả khắc phục"), widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("Minh chứng (ảnh hoặc PDF)"), required=False)


class VerifyForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("Kết quả xác minh"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Đạt")), ("no", _("Chưa đạt"))],
    )
    note = forms.CharField(label=_("Ghi chú"), required=False)


class SuspendForm(forms.Form):
    program = forms.TypedChoiceField(label=_("Chương trình"), coerce=int)
    reason = forms.CharField(label=_("Lý do tạm dừng"), max_length=500)

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [(p.pk, str(p)) for p in programs]
