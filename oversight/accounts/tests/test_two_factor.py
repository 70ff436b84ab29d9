from base64 import b32encode

from django.test import override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts.tests import current_code, make_totp_device, wrong_code
from oversight.audit.models import AuditEvent
from oversight.testing import PASSWORD, BaseTestCase


class TwoFactorSetupTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("accounts:two_factor_setup")
        self.client.force_login(self.principal)

    def test_the_page_shows_a_qr_code_and_the_secret_for_manual_entry(self) -> None:
        r = self.client.get(self.url)
        device = TOTPDevice.objects.get(user=self.principal)
        self.assertFalse(device.confirmed)
        self.assertContains(r, "<svg")
        secret = r.context["secret"].replace(" ", "")
        self.assertEqual(secret, b32encode(device.bin_key).decode())
        self.assertContains(r, r.context["secret"])

    def test_reloading_the_page_keeps_the_same_pending_secret(self) -> None:
        first = self.client.get(self.url).context["secret"]
        second = self.client.get(self.url).context["secret"]
        self.assertEqual(first, second)
        self.assertEqual(TOTPDevice.objects.filter(user=self.principal).count(), 1)

    def test_a_current_code_confirms_the_device_verifies_the_session_and_audits(self) -> None:
        self.client.get(self.url)
        device = TOTPDevice.objects.get(user=self.principal)
        r = self.client.post(self.url, {"code": current_code(device)})
        self.assertRedirects(r, reverse("accounts:profile"))
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertEqual(self.client.session[DEVICE_ID_SESSION_KEY], device.persistent_id)
        event = AuditEvent.objects.get(action="two_factor.enabled")
        self.assertEqual(event.actor, self.principal)

    def test_a_wrong_code_is_refused_in_vietnamese(self) -> None:
        self.client.get(self.url)
        device = TOTPDevice.objects.get(user=self.principal)
        r = self.client.post(self.url, {"code": wrong_code(device)})
        self.assertContains(r, "Mã xác thực không đúng hoặc đã hết hạn.")
        self.assertContains(r, 'role="alert"')
        device.refresh_from_db()
        self.assertFalse(device.confirmed)
        self.assertFalse(AuditEvent.objects.filter(action="two_factor.enabled").exists())

    def test_a_code_that_is_not_six_digits_is_refused(self) -> None:
        r = self.client.post(self.url, {"code": "12ab"})
        self.assertContains(r, "Mã xác thực gồm đúng 6 chữ số.")

    def test_with_a_confirmed_device_the_page_offers_to_turn_it_off(self) -> None:
        make_totp_device(self.principal)
        r = self.client.get(self.url)
        self.assertTemplateUsed(r, "accounts/two_factor_enabled.html")
        self.assertContains(r, reverse("accounts:two_factor_disable"))


class TwoFactorDisableTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("accounts:two_factor_disable")
        self.device = make_totp_device(self.principal)
        self.client.force_login(self.principal)

    def test_it_needs_a_current_code(self) -> None:
        r = self.client.post(self.url, {"code": wrong_code(self.device)})
        self.assertContains(r, "Mã xác thực không đúng", status_code=400)
        self.assertTrue(TOTPDevice.objects.filter(pk=self.device.pk).exists())

    def test_a_current_code_turns_it_off_and_audits(self) -> None:
        r = self.client.post(self.url, {"code": current_code(self.device)})
        self.assertRedirects(r, reverse("accounts:profile"))
        self.assertFalse(TOTPDevice.objects.filter(user=self.principal).exists())
        self.assertTrue(AuditEvent.objects.filter(action="two_factor.disabled").exists())

    @override_settings(REQUIRE_2FA=True)
    def test_roles_that_must_use_it_cannot_turn_it_off(self) -> None:
        device = make_totp_device(self.inspector)
        self.client.force_login(self.inspector)
        session = self.client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        r = self.client.post(self.url, {"code": current_code(device)})
        self.assertContains(r, "bắt buộc xác thực hai bước", status_code=400)
        self.assertTrue(TOTPDevice.objects.filter(pk=device.pk).exists())

    def test_it_refuses_a_get(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 405)


class TwoFactorVerifyTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("accounts:two_factor")

    def test_a_user_without_a_confirmed_device_is_sent_to_setup(self) -> None:
        self.client.force_login(self.inspector)
        r = self.client.get(self.url + "?next=/registry/units/")
        self.assertRedirects(
            r,
            reverse("accounts:two_factor_setup") + "?next=%2Fregistry%2Funits%2F",
            fetch_redirect_response=False,
        )

    def test_a_current_code_verifies_the_session_and_follows_next(self) -> None:
        device = make_totp_device(self.inspector)
        self.client.force_login(self.inspector)
        r = self.client.post(self.url, {"code": current_code(device), "next": "/registry/units/"})
        self.assertRedirects(r, "/registry/units/", fetch_redirect_response=False)
        self.assertEqual(self.client.session[DEVICE_ID_SESSION_KEY], device.persistent_id)

    def test_a_wrong_code_is_refused(self) -> None:
        device = make_totp_device(self.inspector)
        self.client.force_login(self.inspector)
        r = self.client.post(self.url, {"code": wrong_code(device)})
        self.assertContains(r, "Mã xác thực không đúng hoặc đã hết hạn.")
        self.assertNotIn(DEVICE_ID_SESSION_KEY, self.client.session)

    def test_repeated_wrong_codes_are_throttled(self) -> None:
        device = make_totp_device(self.inspector)
        self.client.force_login(self.inspector)
        self.client.post(self.url, {"code": wrong_code(device)})
        r = self.client.post(self.url, {"code": current_code(device)})
        self.assertContains(r, "Đã nhập sai quá nhiều lần.")
        self.assertNotIn(DEVICE_ID_SESSION_KEY, self.client.session)

    def test_an_already_verified_session_goes_straight_on(self) -> None:
        device = make_totp_device(self.inspector)
        self.client.force_login(self.inspector)
        self.client.post(self.url, {"code": current_code(device)})
        r = self.client.get(self.url + "?next=/registry/units/")
        self.assertRedirects(r, "/registry/units/", fetch_redirect_response=False)

    def test_next_to_another_host_is_ignored(self) -> None:
        device = make_totp_device(self.inspector)
        self.client.force_login(self.inspector)
        r = self.client.post(
            self.url, {"code": current_code(device), "next": "https://evil.example/"}
        )
        self.assertRedirects(r, reverse("portal:home"), fetch_redirect_response=False)


@override_settings(REQUIRE_2FA=True)
class RequireTwoFactorTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.page = reverse("accounts:profile")

    def assert_sent_to_verify(self, user) -> None:
        self.client.force_login(user)
        r = self.client.get(self.page)
        self.assertRedirects(
            r,
            reverse("accounts:two_factor") + "?next=%2Faccounts%2Fprofile%2F",
            fetch_redirect_response=False,
        )

    def test_an_inspector_must_pass_the_second_factor(self) -> None:
        self.assert_sent_to_verify(self.inspector)

    def test_a_department_officer_must_pass_the_second_factor(self) -> None:
        self.assert_sent_to_verify(self.department_officer)

    def test_a_superuser_must_pass_the_second_factor(self) -> None:
        self.assert_sent_to_verify(self.superuser)

    def test_a_principal_goes_straight_in(self) -> None:
        self.client.force_login(self.principal)
        self.assertEqual(self.client.get(self.page).status_code, 200)

    def test_a_verified_session_passes(self) -> None:
        device = make_totp_device(self.inspector)
        self.client.force_login(self.inspector)
        self.client.post(reverse("accounts:two_factor"), {"code": current_code(device)})
        self.assertEqual(self.client.get(self.page).status_code, 200)

    def test_tokens_and_password_wait_for_the_second_factor(self) -> None:
        self.client.force_login(self.inspector)
        for name in ("accounts:tokens", "accounts:password_change"):
            r = self.client.post(reverse(name), {"name": "Hệ thống X"})
            self.assertEqual(r.status_code, 302, name)
            self.assertTrue(r.url.startswith(reverse("accounts:two_factor")), name)
        self.assertFalse(self.inspector.api_tokens.exists())

    def test_signing_in_leads_an_inspector_to_the_verify_step(self) -> None:
        r = self.client.post(
            reverse("accounts:login"), {"username": "thanhtra", "password": PASSWORD}
        )
        self.assertRedirects(
            r, reverse("accounts:two_factor") + "?next=%2F", fetch_redirect_response=False
        )
        # With no authenticator yet, the verify step sends the inspector to set one up.
        r = self.client.get(r.url)
        self.assertRedirects(
            r, reverse("accounts:two_factor_setup") + "?next=%2F", fetch_redirect_response=False
        )
        self.assertEqual(self.client.get(r.url).status_code, 200)
