"""Missiva Studio: design customer communications once, produce them on every channel."""

import os as _os
from typing import Any as _Any


def __getattr__(name: str) -> _Any:
    """`__version__`: the installed distribution's version (wheel, editable install, the built
    app's copied metadata); a bare source tree without metadata falls back to the version in
    pyproject.toml. Looked up when first asked: importlib.metadata is a twentieth of a second
    to import, which `missiva status` would pay for nothing."""
    if name != "__version__":
        raise AttributeError(f"module 'studio' has no attribute {name!r}")
    from importlib import metadata

    try:
        version = metadata.version("missiva-studio")
    except metadata.PackageNotFoundError:
        version = "0.1.0"
    globals()["__version__"] = version
    return version


# GitPython refuses to import when no git is on PATH; every command would then end in a
# traceback before `missiva doctor` could say "git is missing, install it". Quiet: the import
# works and a git call fails, as a problem we report, where git is really needed.
_os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
