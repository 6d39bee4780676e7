"""The only way a layout or stylesheet loads a file: the project's assets and styles, and ours."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from studio.core.resources import resources_dir

ALLOWED_DIRS = ("assets", "styles")


class FetchRefused(Exception):
    """A URL outside the project (another file, the network): never fetched."""


class AssetResolver:
    """Maps URLs and relative references to files inside the allowed folders, or refuses."""

    def __init__(self, project_root: Path, extra_dirs: Iterable[Path] = ()) -> None:
        self.root = project_root.resolve()
        self.allowed = [self.root / d for d in ALLOWED_DIRS]
        self.allowed.append(resources_dir().resolve())
        self.allowed.extend(Path(d).resolve() for d in extra_dirs)
        self.refused: list[str] = []

    def path_for(self, url: str) -> Path:
        """The file a URL names, when it is one we serve; FetchRefused otherwise."""
        parts = urlsplit(url)
        if parts.scheme == "file":
            if parts.netloc not in ("", "localhost"):
                raise self._refuse(url, "a file URL on another host")
            candidate = Path(unquote(parts.path))
        elif parts.scheme == "" and not parts.netloc:
            candidate = self.root / unquote(parts.path)
        else:
            raise self._refuse(url, f"{parts.scheme or 'network'} URLs are not fetched")
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):
            raise self._refuse(url, "unresolvable path") from None
        if not any(resolved.is_relative_to(base) for base in self.allowed):
            raise self._refuse(url, "outside the project's assets/ and styles/")
        if not resolved.is_file():
            raise self._refuse(url, "no such file")
        return resolved

    def read(self, url: str) -> tuple[bytes, str]:
        path = self.path_for(url)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return path.read_bytes(), media_type

    def _refuse(self, url: str, why: str) -> FetchRefused:
        self.refused.append(f"{url}: {why}")
        return FetchRefused(f"refused {url}: {why}")
