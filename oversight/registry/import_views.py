from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def import_start(request):
    return render(request, "registry/import.html", {})
