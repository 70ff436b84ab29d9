from django.urls import reverse

from oversight.accounts.services import AccountError, change_password
from oversight.audit.models import AuditEvent
from oversight.testing import PASSWORD, BaseTestCase

NEW_PASSWORD = "Mot-mat-khau-moi-rat-dai-2026"


class PasswordChangeTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("accounts:password_change")
        self.client.force_login(self.principal)

    def post(self, old: str = PASSWORD, new: str = NEW_PASSWORD, again: str | None = None):
        data = {"old_password": old, "new_password1": new, "new_password2": again or new}
        return self.client.post(self.url, data)

    def test_the_page_labels_its_fields_in_vietnamese(self) -> None:
        r = self.client.get(self.url)
        self.assertContains(r, "Mật khẩu hiện tại")
        self.assertContains(r, '<label for="id_new_password2">')

    def test_it_refuses_a_wrong_current_password(self) -> None:
        r = self.post(old="khong-phai-mat-khau")
        self.assertContains(r, "Mật khẩu hiện tại không đúng.")
        self.assertContains(r, 'aria-invalid="true"')
        self.principal.refresh_from_db()
        self.assertTrue(self.principal.check_password(PASSWORD))
        self.assertFalse(AuditEvent.objects.filter(action="password.changed").exists())

    def test_it_refuses_two_different_new_passwords(self) -> None:
        r = self.post(again="Mot-mat-khau-khac-2026")
        self.assertContains(r, "Hai lần nhập mật khẩu mới không khớp nhau.")

    def test_it_changes_the_password_keeps_the_session_and_audits(self) -> None:
        r = self.post()
        self.assertRedirects(r, reverse("accounts:profile"))
        self.principal.refresh_from_db()
        self.assertTrue(self.principal.check_password(NEW_PASSWORD))
        event = AuditEvent.objects.get(action="password.changed")
        self.assertEqual(event.actor, self.principal)
        self.assertEqual(event.target_id, str(self.principal.pk))
        self.assertNotIn(NEW_PASSWORD, str(event.data))

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        self.client.logout()
        r = self.client.get(self.url)
        self.assertRedirects(r, f"{reverse('accounts:login')}?next={self.url}")


class ChangePasswordServiceTestCase(BaseTestCase):
    def test_the_service_applies_the_password_validators(self) -> None:
        with self.assertRaises(AccountError):
            change_password(user=self.principal, new_password="12345678", by=self.principal)
        self.principal.refresh_from_db()
        self.assertTrue(self.principal.check_password(PASSWORD))
