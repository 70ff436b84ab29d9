from django.urls import path

from oversight.directives import views

app_name = "directives"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("documents/", views.documents, name="documents"),
    path("documents/new/", views.document_new, name="document_new"),
    path("documents/<int:document_id>/", views.document_detail, name="document"),
    path("documents/<int:document_id>/tasks/new/", views.task_new, name="task_new"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/reports/", views.report, name="report"),
    path(
        "reports/<int:report_id>/<str:decision>/",
        views.review,
        name="review",
    ),
]
