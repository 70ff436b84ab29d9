from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.enrollment.models import Channel, Decision


class PaperConsentForm(forms.Form):
    """A decision the school records: a paper Form 01 (with its scan), or a family's request
    to decline or leave noted by staff."""

    student = forms.TypedChoiceField(label=_("Học sinh"), coerce=int)
    decision = forms.ChoiceField(label=_("Quyết định"), choices=Decision.choices)
    channel = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[(Channel.PAPER, Channel.PAPER.label), (Channel.STAFF, Channel.STAFF.label)],
    )
    child_confirmed = forms.ChoiceField(
        label=_("Học sinh (từ 7 tuổi) đã ký đồng ý trên đơn"),
        choices=[("", _("Không áp dụng / không có")), ("yes", _("Có")), ("no", _("Không"))],
        required=False,
    )
    scan = forms.FileField(label=_("Ảnh chụp đơn (PDF, JPEG, PNG)"), required=False)

    def __init__(self, *args, students=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = [("", "—")] + [
            (s.pk, f"{s.full_name} ({s.code})") for s in students
        ]

    def clean(self):
        d = super().clean()
        if d.get("channel") == Channel.PAPER and not d.get("scan"):
            self.add_error("scan", _("Đơn giấy phải kèm ảnh chụp hoặc bản quét."))
        return d


class FeeForm(forms.Form):
    student = forms.TypedChoiceField(label=_("Học sinh"), coerce=int)
    period_start = forms.DateField(label=_("Từ ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    period_end = forms.DateField(label=_("Đến ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    billed = forms.IntegerField(label=_("Số phải thu (đồng)"), min_value=0)
    collected = forms.IntegerField(label=_("Số đã thu (đồng)"), min_value=0, initial=0)
    collected_on = forms.DateField(
        label=_("Ngày thu"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    receipt_number = forms.CharField(label=_("Số biên lai"), max_length=40, required=False)

    def __init__(self, *args, students=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = [("", "—")] + [
            (s.pk, f"{s.full_name} ({s.code})") for s in students
        ]
