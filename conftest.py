import os

import pytest

from oversight.testing import make_world

# Live-server browser tests run Django's sync code from Playwright's event loop thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    from django.conf import settings

    # Argon2 is deliberately slow; tests only need passwords to round-trip.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Persistent connections outlive the live server's thread and block dropping the test
    # database on PostgreSQL.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture
def world(db):
    """The small city of oversight.testing.make_world, rolled back after each test."""
    return make_world()


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def page(live_server):
    """A Playwright page in Debian's Chromium. Skipped where Chromium is missing, except when
    REQUIRE_BROWSER=true (CI), where a missing browser is a failure."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "true":
            pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium package")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
        pg = context.new_page()
        pg.set_default_timeout(15000)
        yield pg
        context.close()
        browser.close()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (public pages are cached across requests)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _queue_unknown():
    """Each test starts without this process's memory of the task queue: a rolled-back test's
    queued runs are gone, and SQLite may hand their ids out again."""
    from oversight.compliance.services import forget_known_runs

    forget_known_runs()
    yield
