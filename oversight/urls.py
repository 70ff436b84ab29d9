from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from oversight.api.api import api
from oversight.lib.middleware import switch_language

urlpatterns = [
    path("", include("oversight.portal.urls")),
    path("accounts/", include("oversight.accounts.urls")),
    path("registry/", include("oversight.registry.urls")),
    path("manage/programs/", include("oversight.programs.urls")),
    path("manage/enrollment/", include("oversight.enrollment.urls")),
    path("manage/compliance/", include("oversight.compliance.urls")),
    path("complaints/", include("oversight.complaints.urls")),
    path("manage/directives/", include("oversight.directives.urls")),
    path("inspections/", include("oversight.inspections.urls")),
    path("audit/", include("oversight.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("lang/<str:code>/", switch_language, name="switch_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "oversight.portal.views.not_found"
handler403 = "oversight.portal.views.forbidden"
