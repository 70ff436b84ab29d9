from django.urls import path

from oversight.portal import family, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("programs/", views.public_programs, name="programs"),
    path("programs/<int:program_id>/", views.public_program, name="program"),
    path("programs/<int:program_id>/notice.pdf", views.program_notice, name="program_notice"),
    path("schools/<int:institution_id>/", views.public_school, name="school"),
    path("receipts/", family.receipt_lookup, name="receipt_lookup"),
    path("receipts/<str:code>/", family.receipt, name="receipt"),
    path("family/", family.family_home, name="family"),
    path("family/login/", family.family_login, name="family_login"),
    path("family/login/code/", family.family_code, name="family_code"),
    path("family/children/<int:student_id>/", family.family_child, name="family_child"),
    path(
        "family/children/<int:student_id>/programs/<int:program_id>/decide/",
        family.family_decide,
        name="family_decide",
    ),
    path(
        "family/children/<int:student_id>/decisions/",
        family.family_decisions,
        name="family_decisions",
    ),
    path("family/children/<int:student_id>/data.json", family.family_data, name="family_data"),
    path("family/confirm/<str:code>/", family.family_confirm, name="family_confirm"),
]
