from django.urls import path

from oversight.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_new, name="new"),
    path("reports/", views.teacher_reports, name="reports"),
    path(
        "reports/<int:report_id>/acknowledge/", views.acknowledge_teacher_report, name="acknowledge"
    ),
    path("reported/", views.reported_plans, name="reported"),
    path("timetables/<int:institution_id>/", views.timetable, name="timetable"),
    path("<int:program_id>/", views.program_detail, name="detail"),
    path("<int:program_id>/groups/", views.add_group, name="add_group"),
    path("<int:program_id>/groups/<int:group_id>/remove/", views.remove_group, name="remove_group"),
    path(
        "<int:program_id>/groups/<int:group_id>/students/",
        views.set_eligibility,
        name="set_eligibility",
    ),
    path(
        "<int:program_id>/groups/<int:group_id>/students/<int:entry_id>/remove/",
        views.remove_eligibility,
        name="remove_eligibility",
    ),
    path("<int:program_id>/edit/", views.program_edit, name="edit"),
    path("<int:program_id>/attachments/", views.add_attachment, name="attach"),
    path("<int:program_id>/contract/", views.program_contract, name="contract"),
    path(
        "<int:program_id>/attachments/<int:attachment_id>/",
        views.download_attachment,
        name="attachment",
    ),
    path("<int:program_id>/<str:action>/", views.program_transition, name="transition"),
]
