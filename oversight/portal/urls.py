from django.urls import path

from oversight.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("programs/<int:program_id>/", views.public_program, name="program"),
]
