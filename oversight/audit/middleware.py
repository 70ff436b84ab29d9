from oversight.audit.context import Origin, reset_origin, set_origin


class RequestContextMiddleware:
    """Remember the caller's address and browser for the audit trail of this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        via = "api" if request.path.startswith("/api/") else "web"
        token = set_origin(
            Origin(
                ip_address=request.META.get("REMOTE_ADDR") or None,
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                via=via,
            )
        )
        try:
            return self.get_response(request)
        finally:
            reset_origin(token)
