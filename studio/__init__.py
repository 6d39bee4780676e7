"""Missiva Studio: design customer communications once, produce them on every channel."""

from importlib import metadata as _metadata

# The installed distribution's version (wheel, editable install, the built app's copied
# metadata); a bare source tree without metadata falls back to the version in pyproject.toml.
try:
    __version__ = _metadata.version("missiva-studio")
except _metadata.PackageNotFoundError:
    __version__ = "0.1.0"
