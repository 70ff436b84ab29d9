from django.urls import path

from oversight.audit import views

app_name = "audit"
urlpatterns: list = []
