from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")
        self.fields["username"].error_messages["required"] = _("Hãy nhập tên đăng nhập.")
        self.fields["password"].error_messages["required"] = _("Hãy nhập mật khẩu.")


class ChangePasswordForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("Mật khẩu hiện tại không đúng."),
        "password_mismatch": _("Hai lần nhập mật khẩu mới không khớp nhau."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Mật khẩu hiện tại")
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password1"].help_text = _(
            "Ít nhất 8 ký tự, không quá giống tên đăng nhập, không phải mật khẩu phổ biến "
            "và không chỉ gồm chữ số."
        )
        self.fields["new_password2"].label = _("Nhập lại mật khẩu mới")


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app."""

    code = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}
        ),
        error_messages={"required": _("Hãy nhập mã gồm 6 chữ số trong ứng dụng xác thực.")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Mã xác thực gồm đúng 6 chữ số."))
        return code


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên mã truy cập"),
        max_length=100,
        help_text=_("Ghi rõ hệ thống nào sẽ dùng mã này, ví dụ: phần mềm quản lý trường."),
        error_messages={"required": _("Hãy đặt tên cho mã truy cập.")},
    )
