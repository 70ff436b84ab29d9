import re
from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.accounts.access import institutions_editable_by
from oversight.programs.models import EligibleStudent, Partner, Program
from oversight.registry.models import Subject

WEEKDAYS = (
    [("", "—")]
    + [(str(d), _("Thứ %(d)s") % {"d": d + 1}) for d in range(1, 7)]
    + [("7", _("Chủ nhật"))]
)
SESSION_ROWS = 3


class ProgramForm(forms.Form):
    """The shape of a programme draft; the service checks the rules."""

    kind = forms.ChoiceField(label=_("Loại chương trình"), choices=Program.Kind.choices)
    institution = forms.ModelChoiceField(label=_("Trường"), queryset=None)
    title = forms.CharField(label=_("Tên chương trình"), max_length=200)
    subject = forms.ModelChoiceField(
        label=_("Môn học (dạy thêm)"), queryset=Subject.objects.all(), required=False
    )
    category = forms.ChoiceField(
        label=_("Lĩnh vực (liên kết)"),
        choices=[("", "—"), *Program.Category.choices],
        required=False,
    )
    partner = forms.ModelChoiceField(
        label=_("Đối tác (liên kết)"), queryset=Partner.objects.all(), required=False
    )
    grades = forms.CharField(label=_("Khối lớp"), help_text=_("Ví dụ: 4, 5"))
    capacity = forms.IntegerField(label=_("Sĩ số tối đa"), min_value=0)
    starts_on = forms.DateField(label=_("Bắt đầu (dd/mm/yyyy)"))
    ends_on = forms.DateField(label=_("Kết thúc (dd/mm/yyyy)"))
    delivery_form = forms.ChoiceField(label=_("Hình thức"), choices=Program.DeliveryForm.choices)
    fee_amount = forms.IntegerField(label=_("Mức thu (đồng)"), initial=0)
    fee_unit = forms.ChoiceField(label=_("Đơn vị thu"), choices=Program.FeeUnit.choices)
    fee_legal_basis = forms.CharField(label=_("Căn cứ thu"), required=False, max_length=300)
    subject_hours = forms.CharField(
        label=_("Thời lượng từng môn theo khối (giờ mỗi tuần)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng: môn; khối; số giờ mỗi tuần. Ví dụ: Toán; 9; 1,5"),
    )
    staff = forms.CharField(
        label=_("Người dạy"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một người; thêm «(nước ngoài)» với giáo viên nước ngoài."),
    )
    alternative_activity = forms.CharField(
        label=_("Học sinh không tham gia làm gì trong giờ đó"), required=False, max_length=300
    )
    description = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        schools = institutions_editable_by(user).select_related("unit")
        self.fields["institution"].queryset = schools
        self.fields["institution"].error_messages["required"] = _(
            "Chọn trường tổ chức chương trình."
        )
        # Most users run one school: choose it for them.
        only = list(schools[:2])
        if len(only) == 1:
            self.fields["institution"].initial = only[0].pk
        for n in range(1, SESSION_ROWS + 1):
            self.fields[f"weekday_{n}"] = forms.ChoiceField(
                label=_("Thứ"), choices=WEEKDAYS, required=False
            )
            self.fields[f"start_{n}"] = forms.TimeField(label=_("Từ"), required=False)
            self.fields[f"end_{n}"] = forms.TimeField(label=_("Đến"), required=False)
            self.fields[f"place_{n}"] = forms.CharField(
                label=_("Địa điểm"), required=False, max_length=200
            )

    def clean_grades(self):
        raw = self.cleaned_data["grades"]
        if not re.fullmatch(r"\s*\d{1,2}(\s*,\s*\d{1,2})*\s*", raw):
            raise forms.ValidationError(
                _("Ghi các khối bằng số, cách nhau bởi dấu phẩy, ví dụ: 4, 5.")
            )
        return sorted({int(g) for g in raw.split(",")})

    def clean_subject_hours(self) -> list[dict]:
        rows = []
        for n, line in enumerate(self.cleaned_data.get("subject_hours", "").splitlines(), 1):
            if not line.strip():
                continue
            m = re.fullmatch(r"\s*([^;]+?)\s*;\s*(\d{1,2})\s*;\s*(\d+(?:[.,]\d+)?)\s*", line)
            if m is None:
                raise forms.ValidationError(
                    _("Dòng %(n)s: ghi theo mẫu «môn; khối; số giờ», ví dụ «Toán; 9; 2».")
                    % {"n": n}
                )
            rows.append(
                {
                    "subject": m[1],
                    "grade": int(m[2]),
                    "hours_per_week": float(m[3].replace(",", ".")),
                }
            )
        return rows

    def main_fields(self):
        """Every field but the session rows, which the template lays out as a table."""
        return [
            self[name]
            for name in self.fields
            if not re.fullmatch(r"(weekday|start|end|place)_\d", name)
        ]

    def session_rows(self):
        return [
            (self[f"weekday_{n}"], self[f"start_{n}"], self[f"end_{n}"], self[f"place_{n}"])
            for n in range(1, SESSION_ROWS + 1)
        ]

    def sessions(self) -> list[dict]:
        out = []
        for n in range(1, SESSION_ROWS + 1):
            d = self.cleaned_data
            if d.get(f"weekday_{n}"):
                out.append(
                    {
                        "weekday": int(d[f"weekday_{n}"]),
                        "start": d.get(f"start_{n}") or time(0),
                        "end": d.get(f"end_{n}") or time(0),
                        "place": d.get(f"place_{n}", ""),
                    }
                )
        return out

    def staff_list(self) -> list[dict]:
        people = []
        for line in self.cleaned_data.get("staff", "").splitlines():
            name = line.strip()
            foreign = "(nước ngoài)" in name
            name = name.replace("(nước ngoài)", "").strip()
            if name:
                people.append({"full_name": name, "is_foreign": foreign})
        return people


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=500)


class TeacherReportForm(forms.Form):
    """Form 03: what a teacher teaches outside the school."""

    subject = forms.ModelChoiceField(label=_("Môn dạy"), queryset=Subject.objects.all())
    facility_name = forms.CharField(label=_("Cơ sở dạy thêm"), max_length=200)
    place = forms.CharField(label=_("Địa điểm"), max_length=300)
    form = forms.ChoiceField(
        label=_("Hình thức"), choices=[("in_person", _("Trực tiếp")), ("online", _("Trực tuyến"))]
    )
    times = forms.CharField(label=_("Thời gian (ngày, giờ trong tuần)"), max_length=300)
    relationship = forms.ChoiceField(
        label=_("Quan hệ với chủ cơ sở"),
        choices=[
            ("none", _("Không có quan hệ")),
            ("employee", _("Làm thuê cho chủ cơ sở")),
            ("relative", _("Người thân của chủ cơ sở")),
            ("owner", _("Là chủ hoặc đồng sở hữu cơ sở")),
        ],
    )
    starts_on = forms.DateField(label=_("Bắt đầu dạy từ (dd/mm/yyyy)"))


class ContractForm(forms.Form):
    number = forms.CharField(label=_("Số hợp đồng"), max_length=80)
    signed_on = forms.DateField(label=_("Ngày ký (dd/mm/yyyy)"))
    valid_from = forms.DateField(label=_("Hiệu lực từ (dd/mm/yyyy)"))
    valid_to = forms.DateField(label=_("Hiệu lực đến (dd/mm/yyyy)"))
    key_terms = forms.CharField(
        label=_("Điều khoản chính"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label=_("Bản hợp đồng (PDF)"), required=False)


def hours_lines(subject_hours: list[dict]) -> str:
    """The text the form's `subject_hours` box shows for recorded hours."""
    return "\n".join(
        f"{h['subject']}; {h['grade']}; {h['hours_per_week']:g}".replace(".", ",")
        for h in subject_hours
    )


class TutoringGroupForm(forms.Form):
    """A group of an in-school plan: one grade of the plan, a teacher of the school."""

    name = forms.CharField(
        label=_("Tên nhóm"), max_length=60, help_text=_("Ví dụ: Toán 9 – nhóm 1")
    )
    grade = forms.TypedChoiceField(label=_("Khối"), coerce=int)
    teacher = forms.ModelChoiceField(label=_("Giáo viên dạy"), queryset=None, required=False)

    def __init__(self, *args, program, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [(g, g) for g in program.grades]
        self.fields["teacher"].queryset = teachers


class StudentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.code})"


class EligibilityForm(forms.Form):
    """Why one student of the group's grade may attend (TT29 Art. 5.1)."""

    student = StudentChoice(label=_("Học sinh"), queryset=None)
    basis = forms.ChoiceField(label=_("Căn cứ"), choices=EligibleStudent.Basis.choices)

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students


BLOCKS_PER_DAY = 3


def weekday_label(day: int) -> str:
    """«Thứ 2» … «Chủ nhật», in the language of the request (weekday 1 is Monday)."""
    return str(_("Chủ nhật")) if day == 7 else str(_("Thứ %(d)s") % {"d": day + 1})


class TimetableForm(forms.Form):
    """The main timetable of one school year: up to a few blocks on each weekday."""

    def __init__(self, *args, slots=(), **kwargs):
        by_day: dict[int, list] = {d: [] for d in range(1, 8)}
        for s in slots:
            by_day[s.weekday].append(s)
        self.blocks = max([BLOCKS_PER_DAY, *(len(v) for v in by_day.values())])
        initial = kwargs.pop("initial", None) or {}
        for day, day_slots in by_day.items():
            for n, s in enumerate(day_slots, start=1):
                initial[f"start_{day}_{n}"], initial[f"end_{day}_{n}"] = s.start, s.end
        super().__init__(*args, initial=initial, **kwargs)
        widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
        for day in range(1, 8):
            for n in range(1, self.blocks + 1):
                self.fields[f"start_{day}_{n}"] = forms.TimeField(
                    label=_("Từ"), required=False, widget=widget
                )
                self.fields[f"end_{day}_{n}"] = forms.TimeField(
                    label=_("Đến"), required=False, widget=widget
                )

    def days(self):
        """(weekday label, [(start field, end field), ...]) for each day, Monday first."""
        return [
            (
                weekday_label(day),
                [
                    (self[f"start_{day}_{n}"], self[f"end_{day}_{n}"])
                    for n in range(1, self.blocks + 1)
                ],
            )
            for day in range(1, 8)
        ]

    def clean(self):
        d = super().clean()
        for day in range(1, 8):
            for n in range(1, self.blocks + 1):
                start, end = d.get(f"start_{day}_{n}"), d.get(f"end_{day}_{n}")
                names = (f"start_{day}_{n}", f"end_{day}_{n}")
                if (start is None) != (end is None) and not any(map(self.has_error, names)):
                    raise forms.ValidationError(
                        _("%(day)s, khối giờ %(n)s: cần cả giờ bắt đầu và giờ kết thúc.")
                        % {"day": weekday_label(day), "n": n}
                    )
        return d

    def slots(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {"weekday": day, "start": d[f"start_{day}_{n}"], "end": d[f"end_{day}_{n}"]}
            for day in range(1, 8)
            for n in range(1, self.blocks + 1)
            if d.get(f"start_{day}_{n}") is not None and d.get(f"end_{day}_{n}") is not None
        ]


class YearForm(forms.Form):
    year = forms.ModelChoiceField(label=_("Năm học"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        from oversight.registry.models import SchoolYear

        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = SchoolYear.objects.order_by("-starts_on")
