from django.urls import path

from oversight.enrollment import views

app_name = "enrollment"
urlpatterns = [
    path("programs/<int:program_id>/", views.program_enrollment, name="program"),
    path("programs/<int:program_id>/paper/", views.record_paper, name="paper"),
    path("programs/<int:program_id>/fees/", views.add_fee, name="fee"),
]
