"""Problems: the errors and warnings a user must see, as values that travel to every front end."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from studio.core.messages import Message


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
    ``message`` is English; ``parts``, when the core wrote it with messages.msg(), are the
    same words as values the studio shows in its own language (`in_language`).
    """

    path: str
    line: int
    col: int
    severity: Severity
    message: str
    pointer: str | None = field(default=None, compare=False, repr=False)
    parts: tuple[Message | str, ...] = field(default=(), compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"

    def as_json(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "col": self.col,
                "severity": str(self.severity), "message": self.message}

    def in_language(self, language: str | None) -> str:
        """The message in LANGUAGE ("it"), as far as its catalogue goes; English otherwise."""
        if not self.parts:
            return self.message
        return "".join(p.in_language(language) if isinstance(p, Message) else p
                       for p in self.parts)

    def with_suffix(self, suffix: Message | str) -> Problem:
        """The same problem with more words after its message (a trial render's context)."""
        parts = self.parts or (self.message,)
        return Problem(self.path, self.line, self.col, self.severity,
                       self.message + str(suffix), pointer=self.pointer, parts=(*parts, suffix))

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def problem(path: str, line: int, col: int, severity: Severity,
            message: Message | str) -> Problem:
    parts = (message,) if isinstance(message, Message) else ()
    return Problem(path, line, col, severity, str(message), parts=parts)


def error(path: str, line: int, col: int, message: Message | str) -> Problem:
    return problem(path, line, col, Severity.ERROR, message)


def warning(path: str, line: int, col: int, message: Message | str) -> Problem:
    return problem(path, line, col, Severity.WARNING, message)


class ProblemError(Exception):
    """Aborts one operation (a render, a load) and carries the problem that stopped it."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem

    def __reduce__(self) -> tuple[type[ProblemError], tuple[Problem]]:
        # Back from a worker process with its Problem, not just the message.
        return ProblemError, (self.problem,)
