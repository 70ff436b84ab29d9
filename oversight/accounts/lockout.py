"""What a locked-out caller sees: the API error shape under /api/, the Vietnamese page elsewhere."""

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    status = settings.AXES_HTTP_RESPONSE_CODE
    cool_off = get_cool_off(request)
    if request.path.startswith("/api/"):
        minutes = int(cool_off.total_seconds() // 60) if cool_off else None
        message = "Tài khoản tạm bị khóa do nhập sai mật khẩu nhiều lần."
        if minutes:
            message += f" Hãy thử lại sau {minutes} phút."
        return JsonResponse({"error": {"code": "locked_out", "message": message}}, status=status)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_timedelta": cool_off,
    }
    return render(request, "accounts/locked_out.html", context, status=status)
