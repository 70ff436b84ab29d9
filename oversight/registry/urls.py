from django.urls import path

from oversight.registry import import_views, views

app_name = "registry"
urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("institutions/", views.institutions, name="institutions"),
    path("institutions/<int:institution_id>/", views.institution_detail, name="institution"),
    path(
        "institutions/<int:institution_id>/managing-agency/",
        views.set_institution_agency,
        name="institution_agency",
    ),
    path(
        "institutions/<int:institution_id>/<str:tab>/",
        views.institution_detail,
        name="institution_tab",
    ),
    path("students/<int:student_id>/", views.student_detail, name="student"),
    # Imports (import_views.py)
    path("import/", import_views.import_start, name="import"),
    path("import/<int:job_id>/", import_views.import_job, name="import_job"),
    path(
        "import/template/<str:kind>.<str:fmt>", import_views.import_template, name="import_template"
    ),
]
