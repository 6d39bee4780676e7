"""The user's own settings (author identity, …), shared by the CLI and the desktop studio."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from studio.core.files import write_atomic

SETTINGS_FILE = "missiva/user.yaml"


def settings_path() -> Path:
    """`$XDG_CONFIG_HOME/missiva/user.yaml`, by default `~/.config/missiva/user.yaml`."""
    base = os.environ.get("XDG_CONFIG_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / SETTINGS_FILE


def user_settings() -> dict[str, Any]:
    """The settings as a mapping; empty when the file is missing or unreadable.

    A broken settings file must never stop a command: it is treated as absent.
    """
    from studio.core.problems import ProblemError
    from studio.core.sources import load_yaml

    path = settings_path()
    try:
        # The bounded loader: an alias bomb in the settings is a broken file, not 4 GB.
        data = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError, ProblemError):
        return {}
    return dict(data) if isinstance(data, Mapping) else {}


def save_user_settings(settings: Mapping[str, Any]) -> Path:
    """Replace the settings file atomically (a crash leaves the old file or the new one)."""
    import yaml

    text = yaml.safe_dump(dict(settings), allow_unicode=True, sort_keys=True)
    return write_atomic(settings_path(), text)


def update_user_settings(**changes: Any) -> dict[str, Any]:
    """Merge top-level keys into the settings file and return the result."""
    settings = user_settings()
    settings.update(changes)
    save_user_settings(settings)
    return settings


def settings_author() -> tuple[str, str] | None:
    """The `author: {name, email}` of the settings, when both are set."""
    author = user_settings().get("author")
    if not isinstance(author, Mapping):
        return None
    name = str(author.get("name") or "").strip()
    email = str(author.get("email") or "").strip()
    return (name, email) if name and email else None
