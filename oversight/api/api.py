"""The JSON API under /api/v1/: one NinjaAPI, one router per domain, errors as
{"error": {"code", "message"}} with a real status."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from oversight.accounts.middleware import two_factor_required
from oversight.accounts.services import user_for_token


class BearerToken(HttpBearer):
    """Integrations send `Authorization: Bearer <token>` (tokens are made in the UI or by
    POST /api/v1/auth/token)."""

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class VerifiedSession(SessionAuth):
    """The browser's session, once it has passed any second factor it owes."""

    def authenticate(self, request: HttpRequest, key: str | None):
        user = super().authenticate(request, key)
        if user is None or two_factor_required(request):
            return None
        return user


api = NinjaAPI(
    title="Giám sát dạy thêm, học thêm và liên kết giáo dục",
    description="API của hệ thống giám sát. Lỗi trả về dạng "
    '{"error": {"code": "...", "message": "..."}} với mã trạng thái HTTP tương ứng.',
    version="1.0.0",
    urls_namespace="api",
    auth=[BearerToken(), VerifiedSession()],
)

_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "too_many_requests",
}


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
    return error(request, 403, "forbidden", "Bạn không có quyền xem hoặc thay đổi nội dung này.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return error(request, exc.status_code, _CODES.get(exc.status_code, "error"), str(exc))


def _describe(e: dict) -> str:
    where = ".".join(str(p) for p in e.get("loc", []) if p not in ("query", "body", "path"))
    return f"{where}: {e.get('msg', '')}" if where else str(e.get("msg", ""))


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    return error(
        request,
        422,
        "invalid",
        "Dữ liệu gửi lên không hợp lệ: " + "; ".join(_describe(e) for e in exc.errors),
    )


from oversight.api import routers  # noqa: E402,F401  (registers the routers)
