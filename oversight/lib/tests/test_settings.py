import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from oversight.lib.env import ConfigError, env_bool, env_list, env_str

ROOT = Path(__file__).resolve().parents[3]


def test_env_bool_accepts_exactly_true_or_false(monkeypatch):
    monkeypatch.setenv("X_FLAG", "true")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "false")
    assert env_bool("X_FLAG", True) is False
    for bad in ("1", "yes", "True", "on"):
        monkeypatch.setenv("X_FLAG", bad)
        with pytest.raises(ConfigError):
            env_bool("X_FLAG", False)


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_str("X_SECRET") == "s3cr3t"


def test_env_list_drops_blanks(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, ,b.example")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]


def _manage(*args, **env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_debug_off_and_a_secret():
    r = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="giamsat.example.vn",
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_production_refuses_to_start_without_a_secret():
    r = _manage("check", DEBUG="false")
    assert r.returncode != 0
    assert "SECRET_KEY" in r.stderr


def test_the_stylesheet_is_found_by_the_static_files_finders():
    from django.contrib.staticfiles import finders

    assert finders.find("css/site.css")


def test_vietnamese_is_the_default_whatever_the_browser_asks(client, db):
    r = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert r["Content-Language"] == "vi"
    client.cookies["django_language"] = "en"
    assert client.get("/")["Content-Language"] == "en"


def test_every_setting_read_from_the_environment_is_in_the_example_file():
    read = set(
        re.findall(r'env_[a-z]+\("([A-Z0-9_]+)"', (ROOT / "oversight/settings.py").read_text())
    )
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z0-9_]+)=", example, flags=re.M))
    assert len(read) > 20
    assert read - listed == set()


def _database_options(**env):
    r = _manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold'))",
        **env,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout.strip().splitlines()[-1]  # after the shell's own notices


def test_postgresql_prepares_the_hot_statements_unless_told_not_to():
    url = "postgres://oversight@127.0.0.1:5432/oversight"
    assert _database_options(DATABASE_URL=url) == "5"
    assert _database_options(DATABASE_URL=url, DATABASE_PREPARED="false") == "None"
    assert _database_options() == "None"  # SQLite has no such option
