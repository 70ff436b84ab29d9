"""Strict helpers that read settings from the environment (used only by settings.py)."""

from __future__ import annotations

import os
from pathlib import Path


class ConfigError(Exception):
    """An environment variable holds a value the project cannot use."""


def env_str(name: str, default: str | None = None) -> str | None:
    """The value of NAME, or of the file named by NAME_FILE (for secrets), or `default`."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Exactly `true` or `false`; anything else is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw == "true":
        return True
    if raw == "false":
        return False
    raise ConfigError(f"{name} must be 'true' or 'false', not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as e:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from e


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blanks are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
