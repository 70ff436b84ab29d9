"""The shapes of the complaint forms; the services enforce the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.complaints.models import Category, Outcome, Source


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


ANONYMITY = [
    ("yes", _("Gửi ẩn danh (không để lại tên, số điện thoại)")),
    ("no", _("Để lại họ tên và số điện thoại để cơ quan liên hệ")),
]


class ComplaintForm(forms.Form):
    program = forms.TypedChoiceField(
        label=_("Chương trình (nếu biết)"), required=False, coerce=int, empty_value=None
    )
    category = forms.ChoiceField(
        label=_("Nội dung phản ánh"), choices=Category.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Mô tả sự việc"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Việc gì, ở lớp nào, khi nào. Không cần ghi tên học sinh."),
    )
    names_principal = forms.BooleanField(
        label=_("Phản ánh liên quan đến hiệu trưởng"), required=False
    )
    attachments = MultipleFileField(
        label=_("Ảnh hoặc tệp PDF (không bắt buộc)"),
        required=False,
        help_text=_("Vị trí chụp và thông tin máy ảnh sẽ được xóa khỏi ảnh."),
    )
    anonymous = forms.ChoiceField(
        label=_("Danh tính"), choices=ANONYMITY, widget=forms.RadioSelect, initial="yes"
    )
    name = forms.CharField(label=_("Họ và tên"), max_length=120, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    # The honeypot: hidden from people, filled by bots.
    website = forms.CharField(label=_("Để trống ô này"), required=False)

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", _("Không rõ / không chọn"))] + [
            (p.pk, p.title) for p in programs
        ]


class LogComplaintForm(forms.Form):
    institution = forms.IntegerField(widget=forms.HiddenInput)
    source = forms.ChoiceField(
        label=_("Nguồn"), choices=[c for c in Source.choices if c[0] != Source.WEB]
    )
    category = forms.ChoiceField(label=_("Nội dung phản ánh"), choices=Category.choices)
    description = forms.CharField(
        label=_("Mô tả sự việc"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    names_principal = forms.BooleanField(
        label=_("Phản ánh liên quan đến hiệu trưởng"), required=False
    )
    anonymous = forms.ChoiceField(
        label=_("Danh tính"), choices=ANONYMITY, widget=forms.RadioSelect, initial="yes"
    )
    name = forms.CharField(label=_("Họ và tên"), max_length=120, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Mã theo dõi"), max_length=20)
    secret = forms.CharField(label=_("Mã bí mật"), max_length=30)


class AddInfoForm(TrackForm):
    body = forms.CharField(
        label=_("Thông tin bổ sung"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(label=_("Ảnh hoặc tệp PDF"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Nội dung trả lời"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    public = forms.BooleanField(
        label=_("Gửi cho người phản ánh (hiện trên trang theo dõi)"), required=False
    )


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Kết luận"), choices=Outcome.choices)
    conclusion = forms.CharField(
        label=_("Nội dung kết luận"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class LinkForm(forms.Form):
    program = forms.TypedChoiceField(
        label=_("Chương trình"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", "—")] + [(p.pk, p.title) for p in programs]


class LinkFindingForm(forms.Form):
    finding = forms.TypedChoiceField(
        label=_("Phát hiện của hệ thống"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].choices = [("", "—")] + [
            (f.pk, f"{f.rule_code} – {f.occurred_on:%d/%m/%Y} – {f.message[:80]}") for f in findings
        ]


class LinkInspectionForm(forms.Form):
    inspection = forms.TypedChoiceField(
        label=_("Đợt kiểm tra"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, inspections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].choices = [("", "—")] + [
            (i.pk, f"{i.title} ({i.starts_on:%d/%m/%Y})") for i in inspections
        ]


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Nội dung cần nhà trường giải trình"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Giải trình"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Cách đã xử lý"), max_length=500)
