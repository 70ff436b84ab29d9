from django.urls import path

from oversight.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.index, name="index"),
    path("public/", views.public, name="public"),
    path("plans/new/", views.new_plan, name="new_plan"),
    path("targets/", views.targets, name="targets"),
    path("new/", views.new_inspection, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/targets/<int:target_id>/", views.checklist, name="checklist"),
    path("<int:pk>/items/<int:item_id>/", views.check, name="check"),
    path("<int:pk>/items/<int:item_id>/evidence/", views.evidence, name="evidence"),
    path("<int:pk>/conclude/", views.conclude, name="conclude"),
    path("<int:pk>/conclusion.docx", views.conclusion_docx, name="docx"),
    path("<int:pk>/sanctions/", views.add_sanction, name="add_sanction"),
    path("<int:pk>/actions/", views.add_action, name="add_action"),
    path("<int:pk>/suspend/", views.suspend, name="suspend"),
    path("actions/<int:action_id>/complete/", views.complete_action, name="complete_action"),
    path("actions/<int:action_id>/verify/", views.verify_action, name="verify_action"),
]
