from django.urls import path

from oversight.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("programs/", views.public_programs, name="programs"),
    path("programs/<int:program_id>/", views.public_program, name="program"),
    path("programs/<int:program_id>/notice.pdf", views.program_notice, name="program_notice"),
    path("schools/<int:institution_id>/", views.public_school, name="school"),
]
