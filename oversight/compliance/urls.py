from django.urls import path

from oversight.compliance import views

app_name = "compliance"
urlpatterns = [
    path("", views.findings, name="findings"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding"),
    path("findings/<int:finding_id>/<str:action>/", views.finding_action, name="finding_action"),
    path("institutions/<int:institution_id>/", views.institution_risk, name="institution"),
    path("rules/", views.rules, name="rules"),
    path("rules/thresholds/<str:code>/", views.tune_threshold, name="tune_threshold"),
    path("rules/hours-window/", views.hours_window, name="hours_window"),
]
