from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from oversight.accounts.access import can_read_audit, get_institution_for_user, get_student_for_user
from oversight.audit.selectors import trail_of
from oversight.lib.pagination import paginate

# The objects whose trail has a page, each fetched through its access helper.
_GETTERS = {"institution": get_institution_for_user, "student": get_student_for_user}


@login_required
def trail(request, kind: str, object_id: int):
    getter = _GETTERS.get(kind)
    if getter is None:
        raise Http404
    target = getter(request.user, object_id)
    if not can_read_audit(request.user):
        raise PermissionDenied
    page = paginate(request, trail_of(target), per_page=100)
    return render(request, "audit/trail.html", {"target": target, "page": page, "kind": kind})
