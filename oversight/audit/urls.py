from django.urls import path

from oversight.audit import views

app_name = "audit"
urlpatterns = [
    path("<str:kind>/<int:object_id>/", views.trail, name="trail"),
]
