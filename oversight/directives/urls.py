from django.urls import path

from oversight.directives import views

app_name = "directives"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("documents/", views.documents, name="documents"),
    path("documents/new/", views.document_new, name="document_new"),
    path("documents/<int:document_id>/", views.document_detail, name="document"),
    path("documents/<int:document_id>/tasks/new/", views.task_new, name="task_new"),
    path("documents/<int:document_id>/send/", views.send_document, name="send"),
    path("documents/<int:document_id>/publish/", views.publish, name="publish"),
    path("received/<int:item_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("received/<int:item_id>/briefed/", views.brief, name="brief"),
    path("public/", views.public_documents, name="public_documents"),
    path("public/<int:document_id>/", views.public_document, name="public_document"),
    path("documents/<int:document_id>/agenda/", views.agenda, name="agenda"),
    path("documents/<int:document_id>/reports/new/", views.report_new, name="report_new"),
    path("execution-reports/<int:report_id>/", views.execution_report, name="execution_report"),
    path(
        "execution-reports/<int:report_id>/docx/",
        views.execution_report_docx_view,
        name="execution_report_docx",
    ),
    path(
        "execution-reports/<int:report_id>/send/",
        views.execution_report_send,
        name="execution_report_send",
    ),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/reports/", views.report, name="report"),
    path(
        "reports/<int:report_id>/<str:decision>/",
        views.review,
        name="review",
    ),
]
