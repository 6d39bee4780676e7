"""The one record path: raw input (JSON text, a value, a sample, a file of records) to a record
checked against the project's data schema, or the Problem that refuses it.

Every front end gets its records here: `missiva render`/`route`/`batch` (`records_in` for a
file, `sample_record`), the batch's workers (`record_from_json` a line), the rendering server
(`record_from_value` a request's `data`), the studio's preview worker and `render()` itself
when handed a plain mapping. The Problem of a record the schema refuses carries the JSON
pointer of the field at fault (`Problem.pointer`, from jsonschema's `absolute_path`), so the
server can name it without reading the message.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.core.limits import json_depth, may_hold_unencodable
from studio.core.messages import msg
from studio.core.problems import Problem, ProblemError, error
from studio.core.schema import Positions, record_problems
from studio.core.sources import load_json

if TYPE_CHECKING:
    from studio.core.project import Project

NOT_AN_OBJECT = "a record must be a JSON object"


@dataclass(frozen=True)
class Record:
    """A record as read and checked: ready to render when `problem` is None.

    `data` is the parsed record; None when the input is not JSON or not an object. A record
    only the schema refuses keeps its data (routing still reads its fields), and its problem
    says which field, at the line of the offending value when the input had lines."""

    data: Mapping[str, Any] | None
    path: str = "(record)"  # where problems in it are reported
    label: str = "(record)"  # what a listing calls it: a sample's name, "<file>:<line>"
    index: int = 1  # 1-based position among the input's records
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def checked(self) -> Mapping[str, Any]:
        """The data of a record that passed; ProblemError with the problem otherwise."""
        if self.problem is not None:
            raise ProblemError(self.problem)
        assert self.data is not None
        return self.data


def record_from_value(
    schema: Mapping[str, Any] | None,
    value: Any,
    path: str = "(record)",
    *,
    label: str | None = None,
    index: int = 1,
    positions: Positions | None = None,
    text: str | None = None,
    line: int = 1,
) -> Record:
    """VALUE (a parsed record) checked against SCHEMA. POSITIONS put a problem at the line of
    the offending value; failing those, TEXT (the JSON it was parsed from, starting at LINE)
    is read for them, only when there is a problem to place."""
    label = path if label is None else label
    if not isinstance(value, Mapping):
        return Record(None, path, label, index,
                      dataclasses.replace(error(path, line, 1, NOT_AN_OBJECT), pointer=""))
    problems = record_problems(schema, value, path, positions)
    if problems and positions is None and text is not None:
        # Only a bad record pays for the positions that put its problem at the right line.
        problems = record_problems(schema, value, path, _positions(text, path, line))
    return Record(value, path, label, index, problems[0] if problems else None)


def record_from_json(
    schema: Mapping[str, Any] | None,
    text: str,
    path: str,
    *,
    line: int = 1,
    label: str | None = None,
    index: int = 1,
) -> Record:
    """One record's JSON TEXT (starting at LINE of the file PATH) parsed and checked: text that
    is not JSON, nests too deep or holds text no channel can encode is refused at its line and
    column."""
    label = path if label is None else label
    try:
        if json_depth(text) is not None or may_hold_unencodable(text):
            # Too deep, or it may hold a lone surrogate: load_json decides, and says where.
            raise json.JSONDecodeError("", text, 0)
        value = json.loads(text)
    except json.JSONDecodeError:
        try:
            value = load_json(text, path)[0]
        except ProblemError as exc:
            return Record(None, path, label, index, _shifted(exc.problem, line))
    return record_from_value(schema, value, path, label=label, index=index, text=text, line=line)


def sample_record(project: Project, name: str) -> Record:
    """The sample NAME of the project (data/samples/NAME.json), checked."""
    found = project.samples.get(name)
    if found is None:
        return Record(None, "data/samples", name, 1,
                      error("data/samples", 0, 0, msg("no sample {name!r}", name=name)))
    return record_from_value(project.schema, found.record, found.path, label=found.name,
                             positions=found.positions)


def records_in(schema: Mapping[str, Any] | None, text: str, label: str) -> Iterator[Record]:
    """The records of a file's TEXT: one JSON record (over as many lines as it likes), or NDJSON,
    one record a line (blank lines skipped), each checked. LABEL names the file in problems."""
    try:
        whole, positions = load_json(text, label)
        if isinstance(whole, dict):
            yield record_from_value(schema, whole, label, label=Path(label).stem,
                                    positions=positions)
            return
    except ProblemError as exc:
        if not _ndjson(text):
            # One record over several lines, refused as a whole (nested too deep, unencodable
            # text, a syntax error): say so once, not "bad line" for each of its lines.
            yield Record(None, label, Path(label).stem, 1, exc.problem)
            return
    index = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        index += 1
        yield record_from_json(schema, line, label, line=number, label=f"{label}:{number}",
                               index=index)


def _ndjson(text: str) -> bool:
    """Whether TEXT reads as NDJSON: one line, or a first line that is a record by itself (or
    is too deep to tell)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) <= 1 or json_depth(lines[0]) is not None:
        return True
    try:
        return isinstance(json.loads(lines[0]), dict)
    except ValueError:
        return False


def _positions(text: str, path: str, line: int) -> Positions:
    _, positions = load_json(text, path)
    if line == 1:
        return positions
    return {k: (row + line - 1, col) for k, (row, col) in positions.items()}


def _shifted(problem: Problem, line: int) -> Problem:
    return dataclasses.replace(problem, line=problem.line + line - 1) if line != 1 else problem
