"""Where the shipped defaults live: layouts, styles and the sample projects."""

from __future__ import annotations

import functools
from pathlib import Path


def _installed_or_checkout(package: str, folder: str) -> Path:
    # Installed (wheel or editable), the folders are the packages studio._resources and
    # studio._samples; run from a plain source checkout, they sit beside studio/.
    from importlib import resources  # not at import: 8 ms a command that never asks

    try:
        return Path(str(resources.files(package)))
    except ModuleNotFoundError:
        return Path(str(resources.files("studio"))).parent / folder


@functools.cache
def resources_dir() -> Path:
    """The folder of default layouts and styles (resources/ in the repository)."""
    return _installed_or_checkout("studio._resources", "resources")


@functools.cache
def samples_dir() -> Path:
    return _installed_or_checkout("studio._samples", "sample_projects")


def sample_project() -> Path:
    """The bundled sample project that `missiva open` shows by default."""
    return samples_dir() / "lumen-energia"
