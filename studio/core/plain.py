"""Plain words: the problems an author meets in a block, said without Jinja's vocabulary.

The engine reports what Jinja says ("Jinja: unexpected end of template, expected 'end of
print statement'.", "variable 'customer.iban' is not in the data schema"); a marketing or
legal editor needs the same fact as a sentence about their text and their data ("The field
customer.iban does not exist in the sample data. Did you mean customer.name?"). `plain()`
rewrites the problems it recognises, in English and (through msg()) Italian, and leaves the
others as they were; the file, line and severity never change. The CLI keeps the technical
wording (scripts and logs grep it); the studio shows these.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from studio.core.messages import Message, msg
from studio.core.problems import Problem

_NO_FILTER = re.compile(r"no filter named '([^']+)'", re.I)
_UNCLOSED_PRINT = re.compile(r"unexpected end of template, expected 'end of print statement'",
                             re.I)
_UNCLOSED_TAG = re.compile(r"unexpected end of template\. Jinja was looking for the following "
                           r"tags: (.*?)\. The innermost block that needs to be closed is "
                           r"'(\w+)'", re.I | re.S)
_UNKNOWN_TAG = re.compile(r"Encountered unknown tag '([^']+)'", re.I)
_UNEXPECTED_CHAR = re.compile(r"unexpected '([^']+)'", re.I)
_EXPECTED_TOKEN = re.compile(r"expected token '([^']+)', got '([^']+)'", re.I)
_ENDS = {"if": "endif", "for": "endfor", "macro": "endmacro", "with": "endwith",
         "filter": "endfilter", "set": "endset", "raw": "endraw"}


def field_paths(schema: Any, prefix: str = "", *, item_prefix: bool = True) -> list[str]:
    """The dotted paths of a JSON Schema's properties (objects followed, lists' items too).
    A list's item fields come under the list's path ("invoice.lines.amount"), or bare
    ("amount": what a loop variable offers, for completion) without ITEM_PREFIX."""
    found: list[str] = []
    if not isinstance(schema, Mapping):
        return found
    for name, sub in (schema.get("properties") or {}).items():
        path = f"{prefix}{name}"
        found.append(path)
        if isinstance(sub, Mapping):
            found += field_paths(sub, path + ".", item_prefix=item_prefix)
            items = sub.get("items")
            if isinstance(items, Mapping):
                found += field_paths(items, path + "." if item_prefix else "",
                                     item_prefix=item_prefix)
    return found


def _fields(message: Message) -> Mapping[str, Any]:
    return dict(message.fields)


def _closest(name: str, known: Iterable[str]) -> str | None:
    """The known name NAME was probably meant to be: a sibling (same parent) whose last part
    is spelt nearly the same ("customer.nmae" → "customer.name", not "customer.iban" →
    "customer.id")."""
    parent, _, last = name.rpartition(".")
    siblings = {path.rpartition(".")[2]: path for path in known
                if path.rpartition(".")[0] == parent}
    found = difflib.get_close_matches(last, list(siblings), n=1, cutoff=0.7)
    return siblings[found[0]] if found else None


def _field_missing(path: str, fields: Iterable[str]) -> Message:
    suggestion = _closest(path, fields)
    if suggestion:
        return msg("The field {field} does not exist in the sample data. "
                   "Did you mean {suggestion}?", field=path, suggestion=suggestion)
    return msg("The field {field} does not exist in the sample data.", field=path)


def plain_message(message: Message, fields: Iterable[str] = (),
                  formats: Iterable[str] = (), line: str = "") -> Message | None:
    """MESSAGE in plain words, or None when it is not one this module knows. FIELDS are the
    record's field paths (for "did you mean"), FORMATS the filters' names, LINE the source
    line the problem is on (Jinja names only the last part of a missing field: the line has
    the whole path)."""
    values = _fields(message)
    if message.text == "undefined field {name!r} (on {value})":
        name = str(values["name"])
        paths = re.findall(r"[A-Za-z_][\w.]*\." + re.escape(name) + r"\b", line)
        return _field_missing(paths[0] if paths else name, fields)
    if message.text == "variable {name!r} is not in the data schema ({schema})":
        return _field_missing(str(values["name"]), fields)
    if message.text == "undefined variable {name!r}":
        return _field_missing(str(values["name"]), fields)
    if message.text != "Jinja: {reason}":
        return None
    reason = str(values.get("reason", ""))
    if found := _NO_FILTER.search(reason):
        name = found.group(1)
        suggestion = _closest(name, formats)
        if suggestion:
            return msg("There is no format called {name}. Did you mean {suggestion}?",
                       name=name, suggestion=suggestion)
        return msg("There is no format called {name}.", name=name)
    if _UNCLOSED_PRINT.search(reason):
        return msg("A field opened with {open} is not closed: add {close} after its name.",
                   open="{{", close="}}")
    if found := _UNCLOSED_TAG.search(reason):
        tag = found.group(2)
        return msg("A {tag} is not closed: add {end} where it should end.",
                   tag="{% " + tag + " %}", end="{% " + _ENDS.get(tag, "end" + tag) + " %}")
    if found := _UNKNOWN_TAG.search(reason):
        return msg("{tag} is not an instruction the studio knows.",
                   tag="{% " + found.group(1) + " %}")
    if found := _EXPECTED_TOKEN.search(reason):
        return msg("The expression cannot be read near {word}: a word, an operator or the "
                   "closing {close} is missing.", word=found.group(2), close="}}")
    if found := _UNEXPECTED_CHAR.search(reason):
        return msg("The character {char} is out of place here.", char=found.group(1))
    return None


def plain(problem: Problem, fields: Iterable[str] = (), formats: Iterable[str] = (),
          source: str = "") -> Problem:
    """PROBLEM with its message in plain words when there are some; the same problem else.
    SOURCE is the text of the problem's file, when at hand."""
    if not problem.parts or not isinstance(problem.parts[0], Message):
        return problem
    lines = source.splitlines()
    line = lines[problem.line - 1] if 0 < problem.line <= len(lines) else ""
    said = plain_message(problem.parts[0], list(fields), list(formats), line)
    if said is None:
        return problem
    parts = (said, *problem.parts[1:])
    text = "".join(str(part) for part in parts)
    return Problem(problem.path, problem.line, problem.col, problem.severity, text,
                   pointer=problem.pointer, parts=parts)
