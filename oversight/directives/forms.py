from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from oversight.directives.models import Document, Recurrence
from oversight.registry.models import Agency, Institution


class DateInput(forms.DateInput):
    input_type = "date"


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=Document.Kind.choices)
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("Ngày ban hành"), required=False, widget=DateInput)
    issuer = forms.ModelChoiceField(
        label=_("Cơ quan ban hành"),
        queryset=Agency.objects.exclude(kind=Agency.Kind.COMMUNE_COMMITTEE),
        required=False,
    )
    issuing_body = forms.CharField(
        label=_("Cơ quan ban hành (nếu không có trong danh sách)"), max_length=200, required=False
    )
    subject = forms.CharField(label=_("Trích yếu"), max_length=500)
    signer_name = forms.CharField(label=_("Người ký"), max_length=120, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=120, required=False)
    addressees = forms.CharField(label=_("Kính gửi"), required=False, widget=forms.Textarea)
    recipients = forms.CharField(label=_("Nơi nhận"), required=False, widget=forms.Textarea)
    body = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea)
    file = forms.FileField(label=_("Tệp văn bản (PDF)"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("issuer") and not data.get("issuing_body"):
            self.add_error("issuing_body", _("Chọn hoặc ghi cơ quan ban hành."))
        return data


class TaskForm(forms.Form):
    section = forms.CharField(label=_("Mục (ví dụ II.4)"), max_length=20, required=False)
    title = forms.CharField(label=_("Nhiệm vụ"), max_length=300)
    content = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea)
    lead = forms.CharField(
        label=_("Đơn vị chủ trì"),
        max_length=200,
        help_text=_("Ghi đúng tên đơn vị, ví dụ “Văn phòng Sở”."),
        widget=forms.TextInput(attrs={"list": "units"}),
    )
    cooperating = forms.CharField(
        label=_("Đơn vị phối hợp (mỗi dòng một đơn vị)"), required=False, widget=forms.Textarea
    )
    expand = forms.ChoiceField(label=_("Giao thêm cho"), required=False)
    deadline = forms.DateField(label=_("Hạn hoàn thành"), required=False, widget=DateInput)
    recurrence = forms.ChoiceField(
        label=_("Hoặc định kỳ"), choices=Recurrence.choices, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expand"].choices = [
            ("", gettext("Không")),
            ("all_communes", gettext("Tất cả UBND cấp xã (mỗi xã một nhiệm vụ)")),
        ] + [
            (
                f"all_schools:{value}",
                gettext("Tất cả trường %(level)s (mỗi trường một nhiệm vụ)") % {"level": label},
            )
            for value, label in Institution.Level.choices
        ]

    def units(self) -> list[str]:
        d = self.cleaned_data
        names = [line.strip() for line in d.get("cooperating", "").splitlines() if line.strip()]
        if d.get("expand"):
            names.append(d["expand"])
        return names


class ReportForm(forms.Form):
    text = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea)
    percent = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    difficulties = forms.CharField(
        label=_("Khó khăn, vướng mắc"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    proposals = forms.CharField(
        label=_("Đề xuất, kiến nghị"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(
        label=_("Minh chứng"),
        required=False,
        help_text=_("PDF, ảnh, DOCX, XLSX hoặc ZIP, tối đa 20 MB."),
    )

    def clean_evidence(self):
        f = self.cleaned_data.get("evidence")
        if f and not f.name.lower().endswith(EVIDENCE_TYPES):
            raise forms.ValidationError(_("Chỉ nhận tệp PDF, ảnh, DOCX, XLSX hoặc ZIP."))
        if f and f.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("Tệp minh chứng quá 20 MB."))
        return f


EVIDENCE_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".zip")
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Lý do trả lại"), max_length=500)


class SendForm(forms.Form):
    units = forms.CharField(
        label=_("Gửi đến các đơn vị (mỗi dòng một đơn vị)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "list": "units"}),
    )
    group = forms.ChoiceField(label=_("Và/hoặc gửi đến"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [
            ("", gettext("Không")),
            ("all_communes", gettext("Tất cả UBND cấp xã")),
        ] + [
            (f"all_schools:{value}", gettext("Tất cả trường %(level)s") % {"level": label})
            for value, label in Institution.Level.choices
        ]

    def refs(self) -> list[str]:
        d = self.cleaned_data
        refs = [line.strip() for line in d.get("units", "").splitlines() if line.strip()]
        if d.get("group"):
            refs.append(d["group"])
        return refs


class BriefingForm(forms.Form):
    note = forms.CharField(
        label=_("Đã quán triệt: thời gian, thành phần, nội dung"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExecutionReportForm(forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=60, required=False)
    place = forms.CharField(label=_("Địa danh"), max_length=60)
    dated = forms.DateField(label=_("Ngày"), widget=DateInput)
    addressee = forms.CharField(label=_("Kính gửi"), max_length=300)
    subject = forms.CharField(label=_("Trích yếu"), max_length=500)
    body = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 16}))
    recipients = forms.CharField(label=_("Nơi nhận"), required=False, widget=forms.Textarea)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=120, required=False)
    signer_name = forms.CharField(label=_("Người ký"), max_length=120, required=False)
