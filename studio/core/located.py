"""YAML's mappings and lists with the place of each value in their file, for problems that
say where (made by studio.core.sources, kept by studio.core.parsecache)."""

from __future__ import annotations

from typing import Any


class LocatedDict(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers where it and each of its keys stand (1-based line, col)."""

    line: int = 0
    col: int = 0
    key_lines: dict[Any, tuple[int, int]]

    def where(self, key: Any) -> tuple[int, int]:
        return self.key_lines.get(key, (self.line, self.col))


class LocatedList(list):  # type: ignore[type-arg]
    line: int = 0
    col: int = 0
    item_lines: list[tuple[int, int]]

    def where(self, index: int) -> tuple[int, int]:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return (self.line, self.col)
