from django.urls import reverse

from oversight.accounts.models import Role
from oversight.accounts.services import assign_role, revoke_role
from oversight.testing import BaseTestCase


class ProfileTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("accounts:profile")

    def test_it_lists_the_users_roles_with_their_scopes(self) -> None:
        self.client.force_login(self.principal)
        r = self.client.get(self.url)
        self.assertContains(r, "Hiệu trưởng")
        self.assertContains(r, "Trường Tiểu học Đằng Hải")

    def test_a_revoked_role_is_not_listed(self) -> None:
        extra = assign_role(
            user=self.principal, role=Role.TEACHER, institution=self.school_b, by=None
        )
        revoke_role(assignment=extra, by=None)
        self.client.force_login(self.principal)
        r = self.client.get(self.url)
        self.assertNotContains(r, "Trường THCS An Thành")

    def test_it_links_to_password_two_factor_and_tokens(self) -> None:
        self.client.force_login(self.commune_officer)
        r = self.client.get(self.url)
        for name in ("accounts:password_change", "accounts:two_factor_setup", "accounts:tokens"):
            self.assertContains(r, reverse(name))

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        r = self.client.get(self.url)
        self.assertRedirects(r, f"{reverse('accounts:login')}?next={self.url}")
