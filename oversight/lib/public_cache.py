"""Whole-page cache for anonymous visitors of public pages.

Public pages are the same for every anonymous visitor, and they are what the whole city
reads. They are cached per language and URL under a generation number that every change to
published content bumps (`bump_public_generation`), so a suspension shows at once while
unchanged pages cost a cache lookup. Signed-in users always get a fresh page.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import translation

GENERATION_KEY = "public-pages:generation"
TIMEOUT = 6 * 3600


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = 1
        cache.add(GENERATION_KEY, generation, None)
    return generation


def bump_public_generation() -> None:
    """Call after a change to anything public commits; every cached public page goes stale."""

    def bump() -> None:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # nothing cached yet
            cache.set(GENERATION_KEY, 2, None)

    transaction.on_commit(bump)


def public_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        raw = f"{_generation()}|{translation.get_language()}|{request.get_full_path()}"
        key = "public-page:" + hashlib.sha256(raw.encode()).hexdigest()
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        # Never store a page that sets a cookie (a CSRF token, a session): it is someone's.
        if response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
        return response

    return wrapper
