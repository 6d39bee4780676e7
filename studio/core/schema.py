"""The data schema: checking records against it, and knowing which variable paths it defines."""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import re
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError

from studio.core.messages import Message, msg
from studio.core.problems import Problem, error

Positions = Mapping[tuple[str | int, ...], tuple[int, int]]


@functools.lru_cache(maxsize=16)
def _validator(schema_json: str) -> Draft202012Validator:
    schema = json.loads(schema_json)
    cls = Draft202012Validator
    if not _known_valid(schema_json):
        cls.check_schema(schema)
        _remember_valid(schema_json)
    return cls(schema)


# Checking a schema against the 2020-12 meta-schema costs 200 ms a process (jsonschema resolves
# the meta-schema's vocabularies first): the studio's Data panel paid it at every opening, and
# every CLI command that reads a record. A schema found valid is remembered in the parse cache,
# by its text, the meta-schema's and jsonschema's checking code, so a project's schema is
# checked once, not once a run (an invalid one every time: its message is never cached).
_SCHEMA_CHECKED = "schema checked"


@functools.cache
def _meta_schema() -> str:
    import hashlib
    from pathlib import Path

    from jsonschema import validators

    try:
        code = hashlib.blake2b(Path(validators.__file__).read_bytes(), digest_size=16).hexdigest()
    except (OSError, TypeError):  # a build without the source (a frozen app): its own version
        from studio import __version__

        code = str(__version__)
    return json.dumps(Draft202012Validator.META_SCHEMA, sort_keys=True) + "\0" + code


def _known_valid(schema_json: str) -> bool:
    from studio.core.parsecache import parse_cache

    return parse_cache().get(_SCHEMA_CHECKED, _meta_schema() + "\0" + schema_json) is True


def _remember_valid(schema_json: str) -> None:
    from studio.core.parsecache import parse_cache

    cache = parse_cache()
    cache.put(_SCHEMA_CHECKED, _meta_schema() + "\0" + schema_json, True)
    cache.save()


def validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    return _validator(json.dumps(schema, sort_keys=True))


def schema_problems(schema: Mapping[str, Any], path: str) -> list[Problem]:
    try:
        validator(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "(root)"
        return [error(path, 1, 1, msg("not a valid JSON Schema at {where}: {reason}",
                                      where=where, reason=exc.message))]
    return []


def record_problems(
    schema: Mapping[str, Any] | None, record: Any, path: str, positions: Positions | None = None
) -> list[Problem]:
    """Each way the record breaks the schema, at the line of the offending value. (Text no
    channel can encode and nesting past limits.MAX_DEPTH are refused where records are parsed:
    sources.load_json, the batch, the server.)"""
    if schema is None:
        return []
    try:
        check = validator(schema)
    except SchemaError:
        return []  # reported once, against the schema file
    problems = []
    failures = list(check.iter_errors(record))
    missing = _missing_properties(failures)
    for failure in sorted(failures, key=lambda e: list(map(str, e.path))):
        location = tuple(failure.absolute_path)
        line, col = _position(positions, location)
        field = ".".join(str(p) for p in location) or msg("(record)")
        at = (*location, missing[id(failure)]) if id(failure) in missing else location
        problem = error(path, line, col, msg("{field}: {reason}", field=field,
                                             reason=schema_reason(failure)))
        problems.append(dataclasses.replace(problem, pointer=json_pointer(at)))
    return problems


def schema_reason(failure: ValidationError) -> Message | str:
    """Why a value breaks the schema, as a message the studio can translate: jsonschema's
    own English for the common keywords, its plain text for the rest."""
    value = repr(failure.instance)
    expected = failure.validator_value
    candidates: list[Message] = []
    match failure.validator:
        case "required":
            missing = failure.message.rsplit(" is a required property", 1)[0]
            candidates.append(msg("{name} is a required property", name=missing))
        case "type":
            types = expected if isinstance(expected, list) else [expected]
            candidates.append(msg("{value} is not of type {types}", value=value,
                                  types=", ".join(repr(t) for t in types)))
        case "enum":
            candidates.append(msg("{value} is not one of {allowed}", value=value,
                                  allowed=repr(expected)))
        case "const":
            candidates.append(msg("{expected} was expected", expected=repr(expected)))
        case "minimum":
            candidates.append(msg("{value} is less than the minimum of {limit}",
                                  value=value, limit=repr(expected)))
        case "maximum":
            candidates.append(msg("{value} is greater than the maximum of {limit}",
                                  value=value, limit=repr(expected)))
        case "pattern":
            candidates.append(msg("{value} does not match {pattern}", value=value,
                                  pattern=repr(expected)))
        case "minLength" | "minItems":
            candidates += [msg("{value} should be non-empty", value=value),
                           msg("{value} is too short", value=value)]
        case "maxLength" | "maxItems":
            candidates.append(msg("{value} is too long", value=value))
        case "additionalProperties" if isinstance(failure.instance, Mapping):
            known = set((failure.schema or {}).get("properties") or {}) if isinstance(
                failure.schema, Mapping) else set()
            extras = sorted((k for k in failure.instance if k not in known), key=str)
            names = ", ".join(repr(k) for k in extras)
            candidates += [
                msg("Additional properties are not allowed ({names} was unexpected)",
                    names=names),
                msg("Additional properties are not allowed ({names} were unexpected)",
                    names=names),
            ]
    for candidate in candidates:
        if str(candidate) == failure.message:  # the same words jsonschema wrote
            return candidate
    return failure.message


def json_pointer(parts: tuple[Any, ...]) -> str:
    """The JSON pointer (RFC 6901) of a value's path: ("customer", "name") → "/customer/name"."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _missing_properties(failures: list[Any]) -> dict[int, str]:
    """For each `required` failure, the property it is about. jsonschema yields one failure a
    missing property, in the order the schema lists them, and says which only in its message:
    the n-th failure of a `required` keyword is about its n-th missing property."""
    named: dict[int, str] = {}
    seen: dict[tuple[Any, ...], int] = {}
    for failure in failures:
        if failure.validator != "required" or not isinstance(failure.instance, Mapping):
            continue
        key = (tuple(failure.absolute_path), tuple(failure.absolute_schema_path))
        absent = [p for p in failure.validator_value if p not in failure.instance]
        n = seen.get(key, 0)
        seen[key] = n + 1
        if n < len(absent):
            named[id(failure)] = absent[n]
    return named


def _position(positions: Positions | None, location: tuple[Any, ...]) -> tuple[int, int]:
    if not positions:
        return 1, 1
    probe = location
    while probe not in positions and probe:
        probe = probe[:-1]
    return positions.get(probe, (1, 1))


def schema_has_path(schema: Mapping[str, Any], parts: tuple[str, ...]) -> bool:
    """Whether a variable path like ("invoice", "lines", "[]", "amount") exists in the schema.

    A level the schema leaves open (an object with no properties listed) accepts anything
    below it; a path that goes on below a string or number is a method call on the value.
    """
    return _has(schema, schema, parts)


_COMBINERS = ("allOf", "anyOf", "oneOf")
_SCALARS = ("string", "number", "integer", "boolean")


def _has(root: Mapping[str, Any], node: Any, parts: tuple[str, ...]) -> bool:
    node = _resolve(root, node)
    if not parts or not isinstance(node, Mapping):
        return True
    combined = [option for key in _COMBINERS for option in node.get(key, ())]
    if any(_has(root, option, parts) for option in combined):
        return True
    part, rest = parts[0], parts[1:]
    kind = node.get("type")
    if kind in _SCALARS or (isinstance(kind, list) and not {"object", "array"} & set(kind)):
        return True
    if part == "[]":
        if "items" in node:
            return _has(root, node["items"], rest)
        return kind in (None, "array") and not combined
    properties = node.get("properties")
    if isinstance(properties, Mapping) and part in properties:
        return _has(root, properties[part], rest)
    extra = node.get("additionalProperties")
    if isinstance(extra, Mapping):
        return _has(root, extra, rest)
    if properties is None and not combined:
        return kind in (None, "object") and extra is not False
    return False


def _resolve(root: Mapping[str, Any], node: Any) -> Any:
    seen = 0
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and seen < 32:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return {}
        target: Any = root
        for key in ref[2:].split("/"):
            key = key.replace("~1", "/").replace("~0", "~")
            target = target.get(key, {}) if isinstance(target, Mapping) else {}
        node = target
        seen += 1
    return node


def fit_record(schema: Mapping[str, Any] | None, record: Any) -> tuple[Any, list[str]]:
    """RECORD without the fields SCHEMA does not allow, and the dotted names of those dropped.

    A schema that gained a field is the normal life of a project: a record written for today's
    schema is still the right record for an older revision once the new fields are left out.
    Only fields refused by ``additionalProperties`` are dropped; any other mismatch stays for
    the render's own check to report."""
    if schema is None or not isinstance(record, Mapping):
        return record, []
    try:
        check = validator(schema)
    except SchemaError:
        return record, []
    fitted = copy.deepcopy(record)
    dropped: list[str] = []
    for _ in range(32):  # each pass removes at least one field; nesting bounds the passes
        removed = False
        for failure in check.iter_errors(fitted):
            if failure.validator != "additionalProperties" or not isinstance(
                failure.instance, dict
            ):
                continue
            sub = failure.schema if isinstance(failure.schema, Mapping) else {}
            known = set(sub.get("properties") or {})
            patterns = list((sub.get("patternProperties") or {}).keys())
            node: Any = fitted
            for part in failure.absolute_path:
                node = node[part]
            for key in [k for k in node if k not in known]:
                if any(re.search(p, key) for p in patterns):
                    continue
                del node[key]
                dropped.append(".".join([*map(str, failure.absolute_path), key]))
                removed = True
        if not removed:
            break
    return fitted, sorted(set(dropped))
