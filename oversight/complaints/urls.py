from django.urls import path

from oversight.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.public_form, name="new"),
    path("filed/", views.filed, name="filed"),
    path("track/", views.track, name="track"),
    path("track/add/", views.add_info, name="add_info"),
    path("figures/", views.figures, name="figures"),
    path("manage/", views.manage_list, name="manage"),
    path("manage/new/", views.log_new, name="log"),
    path("manage/<int:complaint_id>/", views.manage_detail, name="detail"),
    path("manage/<int:complaint_id>/reveal/", views.reveal, name="reveal"),
    path(
        "manage/<int:complaint_id>/files/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("manage/<int:complaint_id>/<str:action>/", views.step, name="step"),
    path("explanations/", views.explanations, name="explanations"),
    path("explanations/<int:request_id>/answer/", views.answer, name="answer"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("hotspots/<int:hotspot_id>/", views.hotspot_detail, name="hotspot"),
]
