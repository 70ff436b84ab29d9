from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from oversight.accounts.access import can_import_anything
from oversight.registry.forms import ImportForm
from oversight.registry.imports import (
    COLUMNS,
    KIND_LABELS,
    ImportFileError,
    start_import,
    template_file,
)
from oversight.registry.models import ImportJob


@login_required
def import_start(request):
    if not can_import_anything(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = start_import(
                by=request.user,
                kind=data["kind"],
                upload=data["file"],
                institution=data["institution"],
                school_year=data["school_year"],
                dry_run=data["dry_run"],
            )
        except ImportFileError as e:
            form.add_error("file", str(e))
        else:
            return redirect("registry:import_job", job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user)[:10]
    columns = [(k, KIND_LABELS[k], cols) for k, cols in COLUMNS.items()]
    return render(request, "registry/import.html", {"form": form, "jobs": jobs, "columns": columns})


@login_required
def import_job(request, job_id: int):
    # A job belongs to whoever uploaded it: its report may quote the file's rows.
    job = get_object_or_404(
        ImportJob.objects.select_related("institution", "school_year"),
        pk=job_id,
        created_by=request.user,
    )
    template = "registry/_import_status.html" if request.htmx else "registry/import_job.html"
    return render(request, template, {"job": job, "report": job.report})


@login_required
def import_template(request, kind: str, fmt: str):
    if kind not in COLUMNS or fmt not in ("xlsx", "csv"):
        raise Http404
    data, name, content_type = template_file(kind, fmt)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
