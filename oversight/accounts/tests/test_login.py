import axes.utils
from django.conf import settings
from django.urls import reverse

from oversight.accounts.tests import current_code, make_totp_device
from oversight.testing import PASSWORD, BaseTestCase


class LoginTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        axes.utils.reset()
        self.url = reverse("accounts:login")

    def sign_in(self, username: str = "ht_danghai", password: str = PASSWORD, **extra: str):
        return self.client.post(self.url, {"username": username, "password": password, **extra})

    def test_the_page_has_labelled_fields(self) -> None:
        r = self.client.get(self.url)
        self.assertContains(r, '<label for="id_username">')
        self.assertContains(r, '<label for="id_password">')

    def test_it_signs_in_with_the_right_password(self) -> None:
        r = self.sign_in()
        self.assertRedirects(r, reverse("portal:home"), fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.principal.pk)

    def test_it_says_in_vietnamese_that_the_password_is_wrong(self) -> None:
        r = self.sign_in(password="sai-mat-khau")
        self.assertContains(r, "Tên đăng nhập hoặc mật khẩu không đúng.")
        self.assertContains(r, 'role="alert"')
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_refuses_a_deactivated_account(self) -> None:
        self.principal.is_active = False
        self.principal.save(update_fields=["is_active"])
        r = self.sign_in()
        self.assertContains(r, "Tên đăng nhập hoặc mật khẩu không đúng.")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_locks_the_account_out_after_the_failure_limit(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            self.assertEqual(self.sign_in(password="sai-mat-khau").status_code, 200)
        r = self.sign_in(password="sai-mat-khau")
        self.assertEqual(r.status_code, 429)
        self.assertTemplateUsed(r, "accounts/locked_out.html")
        self.assertContains(r, "Tạm khóa đăng nhập", status_code=429)
        self.assertContains(r, "Hãy thử lại sau 15 phút.", status_code=429)
        self.assertContains(r, "Sở Giáo dục và Đào tạo Hải Phòng", status_code=429)

    def test_a_locked_out_account_stays_out_even_with_the_right_password(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.sign_in(password="sai-mat-khau")
        r = self.sign_in()
        self.assertEqual(r.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_lockout_does_not_touch_other_accounts(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.sign_in(password="sai-mat-khau")
        r = self.sign_in(username="thanhtra")
        self.assertEqual(r.status_code, 302)

    def test_it_follows_a_next_inside_the_site(self) -> None:
        r = self.sign_in(next="/registry/units/?q=Le")
        self.assertRedirects(r, "/registry/units/?q=Le", fetch_redirect_response=False)

    def test_it_does_not_follow_a_next_to_another_host(self) -> None:
        for target in ("https://evil.example/", "//evil.example/x", "https:evil.example"):
            self.client.logout()
            r = self.sign_in(next=target)
            self.assertRedirects(r, reverse("portal:home"), fetch_redirect_response=False)

    def test_an_account_with_an_authenticator_is_asked_for_the_code(self) -> None:
        device = make_totp_device(self.principal)
        r = self.sign_in(next="/registry/units/")
        self.assertRedirects(
            r,
            reverse("accounts:two_factor") + "?next=%2Fregistry%2Funits%2F",
            fetch_redirect_response=False,
        )
        # The password alone does not open the site, even for a role that may skip two-factor.
        r = self.client.get(reverse("accounts:profile"))
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r.url.startswith(reverse("accounts:two_factor")))
        r = self.client.post(
            reverse("accounts:two_factor"),
            {"code": current_code(device), "next": "/registry/units/"},
        )
        self.assertRedirects(r, "/registry/units/", fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("accounts:profile")).status_code, 200)


class LogoutTestCase(BaseTestCase):
    def test_logout_refuses_a_get(self) -> None:
        self.client.force_login(self.principal)
        r = self.client.get(reverse("accounts:logout"))
        self.assertEqual(r.status_code, 405)
        self.assertIn("_auth_user_id", self.client.session)

    def test_logout_by_post_ends_the_session(self) -> None:
        self.client.force_login(self.principal)
        r = self.client.post(reverse("accounts:logout"))
        self.assertRedirects(r, reverse("accounts:login"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)
