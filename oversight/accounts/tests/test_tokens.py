from django.urls import reverse

from oversight.accounts.models import ApiToken
from oversight.accounts.services import issue_token, user_for_token
from oversight.audit.models import AuditEvent
from oversight.testing import BaseTestCase


class TokensTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("accounts:tokens")
        self.client.force_login(self.principal)

    def test_creating_a_token_shows_the_key_once(self) -> None:
        r = self.client.post(self.url, {"name": "Phần mềm quản lý trường"})
        self.assertTemplateUsed(r, "accounts/token_created.html")
        key = r.context["key"]
        self.assertContains(r, key)
        self.assertContains(r, "Mã chỉ hiển thị một lần")
        self.assertIn("no-store", r.headers["Cache-Control"])
        token = ApiToken.objects.get(user=self.principal)
        self.assertNotEqual(token.key_hash, key)
        self.assertEqual(user_for_token(key), self.principal)
        r = self.client.get(self.url)
        self.assertContains(r, "Phần mềm quản lý trường")
        self.assertContains(r, token.prefix)
        self.assertNotContains(r, key)
        self.assertTrue(AuditEvent.objects.filter(action="api_token.created").exists())

    def test_a_token_needs_a_name(self) -> None:
        r = self.client.post(self.url, {"name": "  "})
        self.assertContains(r, "Hãy đặt tên cho mã truy cập.")
        self.assertFalse(ApiToken.objects.exists())

    def test_the_list_shows_only_the_users_own_tokens(self) -> None:
        issue_token(user=self.principal, name="Của tôi", by=self.principal)
        issue_token(user=self.outsider, name="Của trường khác", by=self.outsider)
        r = self.client.get(self.url)
        self.assertContains(r, "Của tôi")
        self.assertNotContains(r, "Của trường khác")

    def test_revoking_a_token_stops_it_working(self) -> None:
        token, key = issue_token(user=self.principal, name="Hệ thống A", by=self.principal)
        r = self.client.post(reverse("accounts:token_revoke", args=[token.pk]))
        self.assertRedirects(r, self.url)
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertIsNone(user_for_token(key))
        self.assertContains(self.client.get(self.url), "Đã thu hồi")

    def test_revoking_someone_elses_token_is_404(self) -> None:
        token, key = issue_token(user=self.outsider, name="Hệ thống B", by=self.outsider)
        r = self.client.post(reverse("accounts:token_revoke", args=[token.pk]))
        self.assertEqual(r.status_code, 404)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)
        self.assertEqual(user_for_token(key), self.outsider)

    def test_revoking_refuses_a_get(self) -> None:
        token, _key = issue_token(user=self.principal, name="Hệ thống A", by=self.principal)
        r = self.client.get(reverse("accounts:token_revoke", args=[token.pk]))
        self.assertEqual(r.status_code, 405)

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        self.client.logout()
        r = self.client.post(self.url, {"name": "X"})
        self.assertEqual(r.status_code, 302)
        self.assertFalse(ApiToken.objects.exists())
