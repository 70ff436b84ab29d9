from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.accounts.access import DEPARTMENT_ROLES, institutions_editable_by, roles_of
from oversight.registry.imports import KIND_LABELS, SCHOOL_KINDS
from oversight.registry.models import SchoolYear
from oversight.registry.selectors import current_school_year


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại dữ liệu"))
    institution = forms.ModelChoiceField(label=_("Trường"), queryset=None, required=False)
    school_year = forms.ModelChoiceField(
        label=_("Năm học"), queryset=SchoolYear.objects.all(), required=False
    )
    file = forms.FileField(
        label=_("Tệp XLSX hoặc CSV"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(label=_("Chỉ kiểm tra, chưa ghi dữ liệu"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = list(SCHOOL_KINDS)
        if user.is_superuser or roles_of(user) & DEPARTMENT_ROLES:
            kinds.insert(0, "institutions")
        self.fields["kind"].choices = [(k, KIND_LABELS[k]) for k in kinds]
        self.fields["institution"].queryset = institutions_editable_by(user).select_related("unit")
        self.fields["school_year"].initial = current_school_year()

    def clean(self):
        data = super().clean()
        if data.get("kind") in SCHOOL_KINDS:
            if not data.get("institution"):
                self.add_error("institution", _("Chọn trường cần nhập dữ liệu."))
            if not data.get("school_year"):
                self.add_error("school_year", _("Chọn năm học."))
        name = getattr(data.get("file"), "name", "").lower()
        if name and not name.endswith((".xlsx", ".csv")):
            self.add_error("file", _("Chỉ nhận tệp .xlsx hoặc .csv."))
        return data


class ManagingAgencyForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Cơ quan quản lý"),
        queryset=None,
        required=False,
        empty_label=_("Theo quy định (tự xác định theo cấp học và địa bàn)"),
    )
    reason = forms.CharField(
        label=_("Lý do"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, institution, **kwargs):
        from oversight.registry.models import Agency
        from oversight.registry.services import city_of

        super().__init__(*args, **kwargs)
        city = city_of(institution.unit)
        self.fields["agency"].queryset = Agency.objects.filter(
            kind__in=[Agency.Kind.DEPARTMENT, Agency.Kind.COMMUNE_COMMITTEE],
            unit__path__startswith=city.path,
        ).order_by("kind", "sort_key")
