"""Missiva Studio: design customer communications once, produce them on every channel."""

from importlib import metadata as _metadata

# The installed distribution's version (wheel, editable install, the built app's copied
# metadata); a bare source tree without metadata falls back to the version in pyproject.toml.
try:
    __version__ = _metadata.version("missiva-studio")
except _metadata.PackageNotFoundError:
    __version__ = "0.1.0"

# GitPython refuses to import when no git is on PATH; every command would then end in a
# traceback before `missiva doctor` could say "git is missing, install it". Quiet: the import
# works and a git call fails, as a problem we report, where git is really needed.
import os as _os

_os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
