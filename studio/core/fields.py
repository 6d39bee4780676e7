"""Record fields as an author sees them: the schema's fields with titles and descriptions, the
`{{ … | filter }}` expression for a field in a chosen format, a sample's value for an
expression, and the fields an expression names that the schema does not have."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from studio.core.engine import compile_template, expression_paths, render_bounded
from studio.core.project import Project
from studio.core.schema import schema_has_path

# The formats an author picks from, as the project's filters write them (engine.py).
FORMATS: dict[str, str] = {
    "plain": "{{{{ {path} }}}}",
    "currency": "{{{{ {path} | currency }}}}",
    "date_long": "{{{{ {path} | date }}}}",
    "date_short": '{{{{ {path} | date("short") }}}}',
    "number": "{{{{ {path} | number }}}}",
}

# Names every block can read besides the record (compose.py's context).
CONTEXT_NAMES = frozenset({"locale", "channel", "brand", "params", "block", "loop"})


@dataclass(frozen=True)
class Field:
    path: str  # "invoice.total"
    title: str  # the schema's title, else the last name of the path
    description: str
    kind: str  # the JSON type: "string", "number", "object", "array" …
    format: str | None  # the schema's "format" ("date", "email" …)
    depth: int  # 0 for a top-level field

    @property
    def formats(self) -> tuple[str, ...]:
        """The formats that suit the field, the likeliest first."""
        if self.kind in ("number", "integer"):
            return ("currency", "number", "plain")
        if self.format in ("date", "date-time"):
            return ("date_long", "date_short", "plain")
        return ("plain",)


def schema_fields(schema: Any, prefix: str = "", depth: int = 0) -> list[Field]:
    """The schema's fields in order, objects before their members (lists are not entered: an
    item's fields only mean something inside a loop)."""
    found: list[Field] = []
    if not isinstance(schema, Mapping):
        return found
    for name, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, Mapping):
            continue
        path = f"{prefix}{name}"
        kind = sub.get("type")
        kind = kind if isinstance(kind, str) else "object" if "properties" in sub else "any"
        found.append(Field(path, str(sub.get("title") or name), str(sub.get("description") or ""),
                           kind, sub.get("format"), depth))
        if kind == "object":
            found += schema_fields(sub, path + ".", depth + 1)
    return found


def field_expression(path: str, format: str = "plain") -> str:  # noqa: A002 - the format's name
    """The Jinja expression that prints PATH in FORMAT, e.g. `{{ invoice.total | currency }}`."""
    return FORMATS[format].format(path=path)


def sample_values(project: Project, record: Mapping[str, Any], locale: str,
                  expressions: Iterable[str], params: Mapping[str, Any] | None = None,
                  ) -> dict[str, str | None]:
    """What each expression (the inside of `{{ … }}`) prints for RECORD, as plain text; None
    when it cannot be evaluated here (a loop variable, a missing field, an error)."""
    config = project.config
    context: dict[str, Any] = {
        **record, "locale": locale, "channel": "print", "brand": dict(config.brand),
        "_currency": config.currency, "_timezone": config.timezone, **(params or {}),
    }
    values: dict[str, str | None] = {}
    for expression in expressions:
        if expression in values:
            continue
        try:
            template = compile_template("{{ " + expression + " }}", "<field>", kind="text")
            values[expression] = render_bounded(template, context)
        except Exception:  # noqa: BLE001 - the chip shows the expression instead
            values[expression] = None
    return values


def unknown_fields(expression: str, schema: Mapping[str, Any] | None,
                   names: Iterable[str] = ()) -> list[str]:
    """The record paths EXPRESSION reads that the schema does not have (`customer.iban`).
    NAMES are other names the block can read (its parameters)."""
    if not isinstance(schema, Mapping):
        return []
    try:
        paths = expression_paths(expression)
    except Exception:  # noqa: BLE001 - a syntax error is validate's to report
        return []
    known = CONTEXT_NAMES | set(names)
    return [".".join(p) for p in paths
            if p and p[0] not in known and "[]" not in p and not schema_has_path(schema, p)]
