"""The JSON API under /api/v1/: one NinjaAPI, one router per domain, errors as
{"error": {"code", "message"}} with a real status."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from oversight.accounts.services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Giám sát dạy thêm, học thêm và liên kết giáo dục",
    version="1.0.0",
    urls_namespace="api",
    auth=BearerToken(),
)


def error(request: HttpRequest, status: int, code: str, message: str):
    return api.create_response(
        request, {"error": {"code": code, "message": message}}, status=status
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error(
        request,
        401,
        "unauthenticated",
        "Cần đăng nhập: gửi mã truy cập trong tiêu đề Authorization: Bearer <mã>.",
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error(
        request, 404, "not_found", "Không tìm thấy đối tượng, hoặc bạn không có quyền xem."
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error(request, 403, "forbidden", "Bạn không có quyền thực hiện thao tác này.")


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    return error(
        request,
        422,
        "invalid",
        "Dữ liệu gửi lên không hợp lệ: "
        + "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', []))}: {e.get('msg', '')}" for e in exc.errors
        ),
    )


from oversight.api import routers  # noqa: E402,F401  (registers the routers)
