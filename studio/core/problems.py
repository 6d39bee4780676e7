"""Problems: the errors and warnings a user must see, as values that travel to every front end."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a project, located in a file (relative to the project) and a line.

    ``line`` and ``col`` are 1-based; 0 means "the whole file" (or unknown column).
    ``pointer``, for a record's problem, is the JSON pointer (RFC 6901) of the field at fault
    ("/customer/name"; "" for the record itself): a front end names the field by it, never by
    the message. It is not part of the problem's identity nor of its JSON.
    """

    path: str
    line: int
    col: int
    severity: Severity
    message: str
    pointer: str | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"

    def as_json(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "col": self.col,
                "severity": str(self.severity), "message": self.message}

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(path: str, line: int, col: int, message: str) -> Problem:
    return Problem(path, line, col, Severity.ERROR, message)


def warning(path: str, line: int, col: int, message: str) -> Problem:
    return Problem(path, line, col, Severity.WARNING, message)


class ProblemError(Exception):
    """Aborts one operation (a render, a load) and carries the problem that stopped it."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem

    def __reduce__(self) -> tuple[type[ProblemError], tuple[Problem]]:
        # Back from a worker process with its Problem, not just the message.
        return ProblemError, (self.problem,)
