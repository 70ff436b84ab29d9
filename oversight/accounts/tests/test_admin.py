from django.urls import reverse

from oversight.accounts.models import ApiToken, Role, RoleAssignment, User
from oversight.accounts.services import issue_token
from oversight.audit.models import AuditEvent
from oversight.audit.services import record_event
from oversight.testing import BaseTestCase


class AdminAccessTestCase(BaseTestCase):
    def test_staff_who_are_not_superusers_are_refused(self) -> None:
        self.principal.is_staff = True
        self.principal.save(update_fields=["is_staff"])
        self.client.force_login(self.principal)
        r = self.client.get("/admin/", follow=True)
        self.assertEqual(r.status_code, 403)
        r = self.client.get("/admin/audit/auditevent/", follow=True)
        self.assertEqual(r.status_code, 403)

    def test_anonymous_visitors_sign_in_on_the_sites_own_page(self) -> None:
        r = self.client.get("/admin/", follow=True)
        self.assertEqual(r.redirect_chain[-1][0], f"{reverse('accounts:login')}?next=/admin/")

    def test_a_superuser_gets_in(self) -> None:
        self.client.force_login(self.superuser)
        self.assertEqual(self.client.get("/admin/").status_code, 200)


class AuditEventAdminTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.event = record_event(
            actor=self.principal, action="test.happened", target=self.school_a
        )
        self.client.force_login(self.superuser)

    def test_a_superuser_can_read_the_trail(self) -> None:
        r = self.client.get("/admin/audit/auditevent/")
        self.assertContains(r, "test.happened")
        r = self.client.get(f"/admin/audit/auditevent/{self.event.pk}/change/")
        self.assertContains(r, "test.happened")
        self.assertNotContains(r, 'name="_save"')

    def test_nobody_can_add_change_or_delete_events(self) -> None:
        base = "/admin/audit/auditevent/"
        self.assertEqual(self.client.get(f"{base}add/").status_code, 403)
        r = self.client.post(f"{base}{self.event.pk}/change/", {"action": "changed"})
        self.assertEqual(r.status_code, 403)
        self.assertEqual(self.client.post(f"{base}{self.event.pk}/delete/").status_code, 403)
        self.client.post(base, {"action": "delete_selected", "_selected_action": [self.event.pk]})
        self.assertTrue(AuditEvent.objects.filter(pk=self.event.pk).exists())


class RoleAssignmentAdminTestCase(BaseTestCase):
    base = "/admin/accounts/roleassignment/"

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.superuser)

    def test_adding_goes_through_the_service_and_is_audited(self) -> None:
        data = {"user": self.outsider.pk, "role": Role.TEACHER, "institution": self.school_a.pk}
        r = self.client.post(f"{self.base}add/", data)
        self.assertEqual(r.status_code, 302)
        self.assertTrue(
            RoleAssignment.objects.active()
            .filter(user=self.outsider, role=Role.TEACHER, institution=self.school_a)
            .exists()
        )
        event = AuditEvent.objects.filter(action="role.assigned").latest("id")
        self.assertEqual((event.actor, event.target_id), (self.superuser, str(self.outsider.pk)))
        self.assertEqual(event.data["role"], Role.TEACHER)

    def test_an_assignment_needs_exactly_one_scope(self) -> None:
        data = {
            "user": self.outsider.pk,
            "role": Role.TEACHER,
            "institution": self.school_a.pk,
            "unit": self.city.pk,
        }
        r = self.client.post(f"{self.base}add/", data)
        self.assertContains(r, "Chọn đúng một phạm vi")
        self.assertFalse(
            RoleAssignment.objects.filter(user=self.outsider, role=Role.TEACHER).exists()
        )

    def test_the_revoke_action_revokes_and_audits(self) -> None:
        assignment = self.principal.role_assignments.get()
        data = {"action": "revoke", "_selected_action": [assignment.pk]}
        r = self.client.post(self.base, data)
        self.assertEqual(r.status_code, 302)
        assignment.refresh_from_db()
        self.assertIsNotNone(assignment.revoked_at)
        self.assertTrue(AuditEvent.objects.filter(action="role.revoked").exists())

    def test_assignments_cannot_be_edited_or_deleted(self) -> None:
        assignment = self.principal.role_assignments.get()
        r = self.client.post(f"{self.base}{assignment.pk}/change/", {"role": Role.INSPECTOR})
        self.assertEqual(r.status_code, 403)
        self.assertEqual(self.client.post(f"{self.base}{assignment.pk}/delete/").status_code, 403)
        assignment.refresh_from_db()
        self.assertEqual(assignment.role, Role.PRINCIPAL)


class ApiTokenAdminTestCase(BaseTestCase):
    base = "/admin/accounts/apitoken/"

    def setUp(self) -> None:
        super().setUp()
        self.token, self.key = issue_token(
            user=self.principal, name="Hệ thống A", by=self.principal
        )
        self.client.force_login(self.superuser)

    def test_the_admin_never_shows_the_key_or_its_hash(self) -> None:
        for url in (self.base, f"{self.base}{self.token.pk}/change/"):
            r = self.client.get(url)
            self.assertContains(r, "Hệ thống A")
            self.assertNotContains(r, self.key)
            self.assertNotContains(r, self.token.key_hash)

    def test_the_revoke_action_revokes(self) -> None:
        r = self.client.post(self.base, {"action": "revoke", "_selected_action": [self.token.pk]})
        self.assertEqual(r.status_code, 302)
        self.token.refresh_from_db()
        self.assertIsNotNone(self.token.revoked_at)

    def test_tokens_cannot_be_added_or_deleted_here(self) -> None:
        self.assertEqual(self.client.get(f"{self.base}add/").status_code, 403)
        self.assertEqual(self.client.post(f"{self.base}{self.token.pk}/delete/").status_code, 403)
        self.assertTrue(ApiToken.objects.filter(pk=self.token.pk).exists())


class UserAdminTestCase(BaseTestCase):
    base = "/admin/accounts/user/"

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.superuser)

    def test_a_superuser_can_open_a_user(self) -> None:
        r = self.client.get(f"{self.base}{self.principal.pk}/change/")
        self.assertContains(r, "ht_danghai")

    def test_adding_a_user_is_audited_without_the_password(self) -> None:
        password = "Mot-mat-khau-moi-rat-dai-2026"
        data = {
            "username": "can_bo_moi",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        }
        r = self.client.post(f"{self.base}add/", data)
        self.assertEqual(r.status_code, 302)
        user = User.objects.get(username="can_bo_moi")
        event = AuditEvent.objects.get(action="user.created", target_id=str(user.pk))
        self.assertNotIn("password", str(event.data))

    def test_setting_a_password_in_the_admin_is_audited(self) -> None:
        password = "Mot-mat-khau-moi-rat-dai-2026"
        url = f"{self.base}{self.principal.pk}/password/"
        r = self.client.post(url, {"password1": password, "password2": password})
        self.assertEqual(r.status_code, 302)
        self.assertTrue(AuditEvent.objects.filter(action="password.set_by_admin").exists())

    def test_users_cannot_be_deleted(self) -> None:
        r = self.client.post(f"{self.base}{self.principal.pk}/delete/")
        self.assertEqual(r.status_code, 403)
        self.assertTrue(User.objects.filter(pk=self.principal.pk).exists())
