"""The template engine: sandboxed Jinja2 with locale-aware filters, and errors located in files."""

from __future__ import annotations

import base64
import contextvars
import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from types import TracebackType
from typing import Any

import babel.dates
import babel.numbers
import segno
from jinja2 import (
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    UndefinedError,
    nodes,
    pass_context,
    pass_eval_context,
)
from jinja2.filters import FILTERS as DEFAULT_FILTERS
from jinja2.runtime import Context, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from studio.core import markdown
from studio.core.channels import CHANNELS
from studio.core.limits import TimeLimitExceeded, check_time
from studio.core.messages import Message, msg
from studio.core.problems import Problem, ProblemError, error


class TrustedMarkdown(str):
    """Markdown produced by the engine itself (an included block): not escaped again."""

    __slots__ = ()


def _markdown_finalize(value: Any) -> Any:
    # Every printed value is data unless the engine made it: escape it for Markdown (which
    # also neutralises HTML, as raw HTML is off). Jinja never evaluates output again, so a
    # record holding "{{ 7*7 }}" is already inert.
    if isinstance(value, TrustedMarkdown):
        return value
    if value is None:
        return ""
    if type(value) is str and len(value) <= MAX_STRING:  # the common case, checked inline
        return markdown.escape(value)
    return markdown.escape(_as_text(value, "printing a value"))


def _text_finalize(value: Any) -> Any:
    if value is None:
        return ""
    if type(value) is not str or len(value) > MAX_STRING:
        _check_text_size(value, "printing a value")
    return value


# Filters -------------------------------------------------------------------------------------


def _locale(context: Context) -> str:
    return str(context.get("locale") or "en")


def _to_number(value: Any, name: str) -> Decimal | float | int:
    if isinstance(value, bool):
        raise TemplateError(f"{name}: expected a number, got {value!r}")
    if isinstance(value, int | float | Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise TemplateError(f"{name}: expected a number, got {value!r}") from None


def _to_datetime(value: Any, name: str) -> dt.date | dt.datetime:
    if isinstance(value, dt.date | dt.datetime):
        return value
    text = str(value).strip()
    try:
        if len(text) <= 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TemplateError(
            f"{name}: expected an ISO date like 2026-03-01, got {value!r}"
        ) from None


@pass_context
def f_currency(context: Context, value: Any, currency: str | None = None) -> str:
    code = currency or str(context.get("_currency") or "EUR")
    return babel.numbers.format_currency(
        _to_number(value, "currency"), code, locale=_locale(context)
    )


@pass_context
def f_number(context: Context, value: Any, digits: int | None = None) -> str:
    number = _to_number(value, "number")
    if digits is not None:
        pattern = "#,##0." + "0" * int(digits) if digits else "#,##0"
        return babel.numbers.format_decimal(number, format=pattern, locale=_locale(context))
    return babel.numbers.format_decimal(number, locale=_locale(context))


@pass_context
def f_decimal(context: Context, value: Any, places: int = 2) -> str:
    pattern = "#,##0." + "0" * int(places) if places else "#,##0"
    return babel.numbers.format_decimal(
        _to_number(value, "decimal"), format=pattern, locale=_locale(context)
    )


@pass_context
def f_percent(context: Context, value: Any, places: int = 0) -> str:
    pattern = "#,##0%" if not places else "#,##0." + "0" * int(places) + "%"
    return babel.numbers.format_percent(
        _to_number(value, "percent"), format=pattern, locale=_locale(context)
    )


@pass_context
def f_date(context: Context, value: Any, format: str = "long") -> str:  # noqa: A002
    when = _to_datetime(value, "date")
    if isinstance(when, dt.datetime):
        when = when.date()
    return babel.dates.format_date(when, format=format, locale=_locale(context))


@pass_context
def f_datetime(context: Context, value: Any, format: str = "medium") -> str:  # noqa: A002
    when = _to_datetime(value, "datetime")
    if not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time())
    tz = babel.dates.get_timezone(str(context.get("_timezone") or "UTC"))
    return babel.dates.format_datetime(when, format=format, tzinfo=tz, locale=_locale(context))


def f_mask(value: Any, keep: int = 4, char: str = "•") -> str:
    text = re.sub(r"\s+", "", str(value))
    keep = max(0, int(keep))
    shown = text[-keep:] if keep else ""
    return char * min(5, max(0, len(text) - keep)) + shown


# A QR code holds at most this many characters here: a URL or a short reference, never a page of
# text (the largest QR code holds ~2,900 bytes and no phone reads it from paper).
MAX_QR_TEXT = 1_000
_QR_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.I)


@pass_context
def f_qr(context: Context, value: Any, label: str = "") -> str:
    """A QR code of VALUE (a URL or a short reference) for paper: an SVG image (vector, sharp at
    any size) in print with LABEL as its alternative text. On a screen nobody can scan the
    screen they read it on, so email and mobile get a link (LABEL, or the URL, as its text)
    and SMS the bare text. Made in memory: the filter reads no file and fetches nothing."""
    text = str(value).strip()
    if not text:
        raise TemplateError("qr: nothing to encode")
    if len(text) > MAX_QR_TEXT:
        raise TemplateError(f"qr: {len(text)} characters is too long for a QR code on paper "
                            f"(at most {MAX_QR_TEXT})")
    channel = CHANNELS.get(str(context.get("channel")))
    alt = str(label).strip() or text
    if channel is not None and channel.paged:
        uri = qr_svg_data_uri(text)
        return TrustedMarkdown(f"![{markdown.escape(alt)}]({uri})")
    if channel is None or channel.segmented or not _QR_URL.match(text):
        return text
    return TrustedMarkdown(f"[{markdown.escape(alt)}](<{text}>)")


@functools.lru_cache(maxsize=256)
def qr_svg_data_uri(text: str) -> str:
    """The SVG QR code of TEXT as a data: URI (error correction M, the usual 4-module quiet
    zone); the same text always gives the same bytes, so renditions stay reproducible."""
    code = segno.make_qr(text, error="m", boost_error=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=1, border=4, xmldecl=False, svgns=True)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


FILTERS: dict[str, Callable[..., Any]] = {
    "qr": f_qr,
    "currency": f_currency,
    "number": f_number,
    "decimal": f_decimal,
    "percent": f_percent,
    "date": f_date,
    "datetime": f_datetime,
    "mask": f_mask,
}


# Resource limits. Templates run on the production server: a template may not make a render
# allocate gigabytes or loop for hours. Python cannot bound a render's memory from inside, so
# every way the template language can multiply work is capped at its source.
MAX_STRING = 1_000_000  # characters one operation may produce
MAX_POWER_BITS = 4_096  # size of a ** result
RANGE_BUDGET = 100_000  # elements all range() calls of one composition may produce
MAX_SIZE_ARGUMENT = 10_000  # widths and counts given to the layout filters, format widths
MAX_OUTPUT = 4 * MAX_STRING  # characters one block (or layout) may print
_SIZED_FILTERS = ("batch", "slice", "center", "indent", "wordwrap", "truncate")
# Filters that turn their value into text: a list of a million long strings is refused before
# it is spelled out, not after.
_TEXT_FILTERS = ("string", "e", "escape", "forceescape", "safe", "upper", "lower", "capitalize",
                 "title", "trim", "striptags", "urlencode", "urlize", "wordcount", "wordwrap",
                 "truncate", "center", "indent", "replace", "join", "tojson", "pprint")
# str methods whose result can be far larger than their input, and what bounds them.
_GROWING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "replace",
                              "join", "format", "format_map"})
_PRINTF_FIELD = re.compile(
    r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")
# Statements that make templates call templates: recursion and loading are closed doors; a
# block includes another with block("id").
_FORBIDDEN_NODES = {
    nodes.Macro: "macros",
    nodes.CallBlock: "call blocks",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "import",
    nodes.Extends: "extends",
}


class LimitExceeded(SecurityError):
    """A template asked for more work or memory than a rendition may use."""


_range_budget: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "range_budget", default=None
)


def render_budget() -> contextvars.Token[list[int] | None]:
    """Start a fresh range budget for one composition (reset with the returned token)."""
    return _range_budget.set([RANGE_BUDGET])


def reset_budget(token: contextvars.Token[list[int] | None]) -> None:
    _range_budget.reset(token)


def range_left() -> int:
    """The loop steps the composition running in this context may still take."""
    budget = _range_budget.get()
    return budget[0] if budget is not None else RANGE_BUDGET


def _limited_range(*args: int) -> range:
    values = range(*args)
    budget = _range_budget.get()
    remaining = budget if budget is not None else [RANGE_BUDGET]
    remaining[0] -= len(values)
    if remaining[0] < 0:
        raise LimitExceeded(f"range: more than {RANGE_BUDGET} loop steps in one rendition")
    return values


def _sized(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[1:], *kwargs.values()):
            if (
                isinstance(value, int)
                and not isinstance(value, bool)
                and abs(value) > MAX_SIZE_ARGUMENT
            ):
                raise LimitExceeded(f"|{name}: {value} is over the limit of {MAX_SIZE_ARGUMENT}")
        return function(*args, **kwargs)

    return guarded


def _limited_replace(eval_ctx: Any, value: Any, old: Any, new: Any, count: Any = None) -> Any:
    text, old, new = str(value), str(old), str(new)
    occurrences = text.count(old) if old else len(text) + 1
    if count is not None:
        occurrences = min(occurrences, int(count))
    if len(text) + occurrences * max(0, len(new) - len(old)) > MAX_STRING:
        raise LimitExceeded(f"|replace: the result would be over {MAX_STRING} characters")
    return _BUILTIN_REPLACE(eval_ctx, value, old, new, count)


_BUILTIN_REPLACE = DEFAULT_FILTERS["replace"]
_limited_replace = pass_eval_context(_limited_replace)  # type: ignore[assignment]


def _text_size_over(value: Any, limit: int) -> bool:
    """Whether VALUE spelled out as text (str() of it) would be longer than LIMIT characters,
    found without spelling it out: containers are walked, stopping as soon as it is."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + 2 * len(item)
            if total <= limit:
                stack.extend(item)
        elif isinstance(item, Mapping):
            total += 2 + 4 * len(item)
            if total <= limit:
                stack.extend(item.keys())
                stack.extend(item.values())
        else:
            total += 24  # a number (** is bounded), a date, None
        if total > limit:
            return True
    return False


def _check_text_size(value: Any, what: str, limit: int = MAX_STRING) -> None:
    if isinstance(value, str):
        if len(value) > limit:
            raise LimitExceeded(f"{what}: over {limit} characters")
    elif _text_size_over(value, limit):
        raise LimitExceeded(f"{what}: over {limit} characters")


def _as_text(value: Any, what: str) -> str:
    _check_text_size(value, what)
    return str(value)


def _text_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that spells out its value, refused when that would be too long."""
    first = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if len(args) > first:
            _check_text_size(args[first], f"|{name}")
        return function(*args, **kwargs)

    return guarded


def _bounded_join(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def guarded(eval_ctx: Any, value: Any, d: Any = "", attribute: Any = None) -> Any:
        if attribute is None:
            items = value if isinstance(value, list | tuple) else None
            if items is not None:
                size = len(str(d)) * max(0, len(items) - 1)
                for item in items:
                    size += len(item) if isinstance(item, str) else 0
                    if size > MAX_STRING or (
                        not isinstance(item, str) and _text_size_over(item, MAX_STRING)
                    ):
                        raise LimitExceeded(f"|{name}: the result would be over {MAX_STRING} "
                                            "characters")
            else:
                _check_text_size(value, f"|{name}")
        result = function(eval_ctx, value, d, attribute)
        _check_text_size(result, f"|{name}")
        return result

    return guarded


def _steps(iterable: Any) -> Any:
    """A loop's items, checking the rendition's deadline as it goes (every 64 steps)."""
    for step, item in enumerate(iterable):
        if not step & 63:
            check_time()
        yield item


@pass_eval_context
def _concat(eval_ctx: Any, items: list[Any]) -> str:
    """`a ~ b ~ c`, refused before it is built when it would be too long."""
    size = 0
    for item in items:
        if isinstance(item, str):
            size += len(item)
        elif _text_size_over(item, MAX_STRING):
            size = MAX_STRING + 1
        else:
            size += len(str(item))
        if size > MAX_STRING:
            raise LimitExceeded(f"~: the result would be over {MAX_STRING} characters")
    return markup_join(items) if eval_ctx.autoescape else str_join(items)


def _check_printf(text: str, values: Any) -> None:
    for match in _PRINTF_FIELD.finditer(text):
        for size in match.groups():
            if size == "*":
                raise LimitExceeded("%: a width from the arguments (*) is not available")
            if size is not None and int(size) > MAX_SIZE_ARGUMENT:
                raise LimitExceeded(f"%: width {size} is over the limit of {MAX_SIZE_ARGUMENT}")
    _check_text_size(values, "%")


def _check_format(text: str, args: Any, kwargs: Any) -> None:
    import string

    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return  # str.format reports it
    for _, _name, spec, _ in fields:
        if not spec:
            continue
        if "{" in spec:
            raise LimitExceeded("format: a width from the arguments ({}) is not available")
        for size in re.findall(r"\d+", spec):
            if int(size) > MAX_SIZE_ARGUMENT:
                raise LimitExceeded(f"format: width {size} is over the limit of "
                                    f"{MAX_SIZE_ARGUMENT}")
    _check_text_size((args, kwargs), "format")


def _check_method(method: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """Bounds for the str methods that can make much more text than they are given."""
    text: str = method.__self__
    name = method.__name__
    if name in ("center", "ljust", "rjust", "zfill"):
        width = args[0] if args else kwargs.get("width", 0)
        if isinstance(width, int) and width > MAX_STRING:
            raise LimitExceeded(f"{name}: width {width} is over the limit of {MAX_STRING}")
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int) and size * (text.count("\t") + 1) + len(text) > MAX_STRING:
            raise LimitExceeded(f"expandtabs: the result would be over {MAX_STRING} characters")
    elif name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        occurrences = text.count(old) if old else len(text) + 1
        if len(text) + occurrences * max(0, len(new) - len(old)) > MAX_STRING:
            raise LimitExceeded(f"replace: the result would be over {MAX_STRING} characters")
    elif name == "join" and args:
        items = args[0]
        if isinstance(items, list | tuple):
            size = len(text) * max(0, len(items) - 1) + sum(
                len(i) for i in items if isinstance(i, str))
            if size > MAX_STRING:
                raise LimitExceeded(f"join: the result would be over {MAX_STRING} characters")


class _Bound(NodeTransformer):
    """Rewrites a parsed template so loops check the deadline and `~` checks its size."""

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 - the visitor's naming
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "_steps", [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802
        self.generic_visit(node)
        items = nodes.List(list(node.nodes), lineno=node.lineno)
        return nodes.Filter(items, "_concat", [], [], None, None, lineno=node.lineno)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with bounded work: every way the template language can multiply
    time or memory is capped at its source, loops and calls check the rendition's deadline
    (limits.within), and a template prints at most MAX_OUTPUT characters. Blocks and layouts
    both run in one."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        # No constant folding at compile time: it would compute 9**9**9 outside the guarded
        # operators.
        options.setdefault("optimized", False)
        super().__init__(**options)
        # printf-style |format reads attributes of its arguments; the sandbox already guards
        # str.format, this removes the last formatting door entirely.
        self.filters.pop("format", None)
        self.filters.pop("xmlattr", None)
        for name in _SIZED_FILTERS:
            self.filters[name] = _sized(name, self.filters[name])
        self.filters["replace"] = _limited_replace
        for name in _TEXT_FILTERS:
            if name in self.filters and name not in ("join", "replace"):
                self.filters[name] = _text_filter(name, self.filters[name])
        self.filters["join"] = pass_eval_context(_bounded_join("join", DEFAULT_FILTERS["join"]))
        self.filters["_steps"] = _steps
        self.filters["_concat"] = _concat
        # Globals: nothing stateful or decorative (cycler, joiner, lipsum, namespace), and a
        # range that counts against the rendition's budget.
        for name in ("cycler", "joiner", "lipsum", "dict", "namespace"):
            self.globals.pop(name, None)
        self.globals["range"] = _limited_range

    def _generate(self, source: Any, name: str | None, filename: str | None,
                  defer_init: bool = False) -> str:
        if isinstance(source, nodes.Template):
            source = _Bound().visit(source)
        return super()._generate(source, name, filename, defer_init)  # type: ignore[misc]

    def call(__self, __context: Context, __obj: Any, *args: Any,  # noqa: N805
             **kwargs: Any) -> Any:
        check_time()
        if (getattr(__obj, "__name__", None) in _GROWING_METHODS
                and isinstance(getattr(__obj, "__self__", None), str)):
            _check_method(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text = value.__self__

        def guarded(*args: Any, **kwargs: Any) -> str:
            _check_format(text, args, kwargs)
            result = wrapped(*args, **kwargs)
            _check_text_size(result, "format")
            return result

        return guarded

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and abs(left) > 1
                and right * max(1, abs(left).bit_length()) > MAX_POWER_BITS
            ):
                raise LimitExceeded(f"{left} ** {right} is too large a number")
        elif operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if (
                    isinstance(sequence, str | list | tuple)
                    and isinstance(times, int)
                    and len(sequence) * times > MAX_STRING
                ):
                    raise LimitExceeded(f"repeating a value {times} times is over the limit")
        elif operator == "+":
            if (isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple)
                    and len(left) + len(right) > MAX_STRING):
                raise LimitExceeded(f"+: the result would be over {MAX_STRING} characters")
        elif operator == "%" and isinstance(left, str):
            _check_printf(left, right)
            result = super().call_binop(context, operator, left, right)
            _check_text_size(result, "%")
            return result
        return super().call_binop(context, operator, left, right)


class _Environment(BoundedSandbox):
    """The blocks' sandbox: strict about undefined names, no template loading."""

    def __init__(self, finalize: Callable[[Any], Any]) -> None:
        super().__init__(
            undefined=StrictUndefined,
            finalize=finalize,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            cache_size=0,
        )
        self.filters.update(FILTERS)


def render_bounded(template: Any, context: Mapping[str, Any]) -> str:
    """A compiled template's output, refused past MAX_OUTPUT characters as it is produced
    (a loop printing a long value a million times never gets to hold it all)."""
    parts: list[str] = []
    append = parts.append
    size = 0
    for piece in template.generate(context):
        size += len(piece)
        if size > MAX_OUTPUT:
            raise LimitExceeded(f"the output would be over {MAX_OUTPUT} characters")
        append(piece)
    return "".join(parts)


def forbidden_statements(source: str, path: str, first_line: int = 1) -> Problem | None:
    """Macros, includes, imports and extends are not part of the block language."""
    try:
        tree = parse(source)
    except TemplateSyntaxError:
        return None
    for node_type, name in _FORBIDDEN_NODES.items():
        for node in tree.find_all(node_type):
            return error(
                path,
                node.lineno + first_line - 1,
                0,
                msg("{statements} are not available in blocks; include another block with "
                    '{{{{ block("id") }}}}', statements=name),
            )
    return None


MARKDOWN_ENV = _Environment(_markdown_finalize)
TEXT_ENV = _Environment(_text_finalize)


@functools.lru_cache(maxsize=4096)
def _compile(env_kind: str, source: str, filename: str) -> Any:
    env = MARKDOWN_ENV if env_kind == "markdown" else TEXT_ENV
    code = env.compile(source, name=filename, filename=filename)
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def compile_template(source: str, path: str, first_line: int = 1, kind: str = "markdown") -> Any:
    """Compile a Jinja source found at `first_line` of `path`; errors carry that file and line.

    Padding with newlines makes Jinja count lines as the file does, for free.
    """
    padded = "\n" * (first_line - 1) + source
    try:
        template = _compile(kind, padded, path)
    except TemplateSyntaxError as exc:
        raise ProblemError(
            error(path, exc.lineno or first_line, 0, msg("Jinja: {reason}", reason=exc.message))
        ) from None
    except (ValueError, OverflowError, RecursionError, MemoryError) as exc:
        raise ProblemError(error(path, first_line, 0,
                                 msg("cannot compile: {reason}", reason=exc))) from None
    forbidden = _forbidden_cached(padded, path)
    if forbidden is not None:
        raise ProblemError(forbidden)
    return template


@functools.lru_cache(maxsize=4096)
def _forbidden_cached(source: str, path: str) -> Problem | None:
    return forbidden_statements(source, path)


@functools.lru_cache(maxsize=4096)
def _compile_expression(source: str) -> Any:
    return TEXT_ENV.compile_expression(source, undefined_to_none=False)


def compile_expression(source: str, path: str, line: int, col: int) -> Any:
    try:
        return _compile_expression(source)
    except TemplateSyntaxError as exc:
        raise ProblemError(
            error(path, line, col, msg("in expression {source!r}: {reason}", source=source,
                                       reason=exc.message))
        ) from None


def located_error(exc: BaseException, path: str, line: int, col: int = 0) -> Problem:
    """Turn an exception raised while rendering into a Problem at the template line where it
    happened (Jinja rewrites tracebacks so template frames carry the file name and line)."""
    found_path, found_line = path, line
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".md", ".yaml", ".html")) and not filename.endswith(".py"):
            found_path, found_line = filename, tb.tb_lineno
        tb = tb.tb_next
    return error(
        found_path,
        found_line,
        col if found_path == path and found_line == line else 0,
        describe(exc),
    )


def describe(exc: BaseException) -> Message | str:
    if isinstance(exc, UndefinedError):
        message = str(exc.message or exc)
        match = re.match(r"'(.+?)' is undefined", message)
        if match:
            return msg("undefined variable {name!r}", name=match.group(1))
        match = re.match(r"'(.+?)' has no attribute '(.+?)'", message)
        if match:
            return msg("undefined field {name!r} (on {value})", name=match.group(2),
                       value=match.group(1))
        return msg("undefined: {reason}", reason=message)
    if isinstance(exc, TimeLimitExceeded):
        return str(exc)
    if isinstance(exc, MemoryError):
        return msg("rendering needed more memory than its budget")
    if isinstance(exc, SecurityError):
        return msg("refused by the sandbox: {reason}", reason=exc)
    if isinstance(exc, TemplateError):
        return msg("Jinja: {reason}", reason=exc.message or exc)
    return f"{type(exc).__name__}: {exc}"


# Static analysis: which variables a source uses -----------------------------------------------


@functools.lru_cache(maxsize=8192)
def parse(source: str) -> nodes.Template:
    """A Jinja source's syntax tree, parsed once however many checks read it (validation
    looks at every block for syntax, variables, includes and forbidden statements)."""
    return TEXT_ENV.parse(source)


def variable_paths(source: str, path: str) -> list[tuple[tuple[str, ...], int]]:
    """Every record path a Jinja source reads (e.g. ("customer", "name")), with its line.

    Loop variables map back to their iterable with "[]" standing for "any item", so
    `{% for line in invoice.lines %}{{ line.amount }}` yields ("invoice", "lines", "[]", "amount").
    """
    try:
        tree = parse(source)
    except TemplateSyntaxError as exc:
        raise ProblemError(error(path, exc.lineno or 1, 0,
                                 msg("Jinja: {reason}", reason=exc.message))) from None
    found: list[tuple[tuple[str, ...], int]] = []
    _walk(tree, {}, found)
    return found


def expression_paths(source: str) -> list[tuple[str, ...]]:
    tree = TEXT_ENV.parse("{{ " + source + " }}")
    found: list[tuple[tuple[str, ...], int]] = []
    _walk(tree, {}, found)
    return [p for p, _ in found]


def _chain(node: nodes.Node) -> tuple[nodes.Name, list[str]] | None:
    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem):
            arg = node.arg
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                parts.append(arg.value)
            else:
                parts.clear()
                parts.append("[]")
            node = node.node
        elif isinstance(node, nodes.Name):
            return node, list(reversed(parts))
        else:
            return None


def _names(target: nodes.Node) -> list[nodes.Name]:
    """The names a for or set statement binds (find_all skips the node itself)."""
    if isinstance(target, nodes.Name):
        return [target]
    return list(target.find_all(nodes.Name))


def _walk(
    node: nodes.Node,
    scope: Mapping[str, tuple[str, ...] | None],
    found: list[tuple[tuple[str, ...], int]],
) -> None:
    if isinstance(node, nodes.For):
        _walk(node.iter, scope, found)
        iter_chain = _chain(node.iter)
        inner = dict(scope)
        if iter_chain is not None and iter_chain[0].name not in scope:
            base: tuple[str, ...] | None = (iter_chain[0].name, *iter_chain[1], "[]")
        elif iter_chain is not None and scope.get(iter_chain[0].name) is not None:
            base = (*scope[iter_chain[0].name], *iter_chain[1], "[]")  # type: ignore[misc]
        else:
            base = None
        for target in _names(node.target):
            inner[target.name] = base if isinstance(node.target, nodes.Name) else None
        inner["loop"] = None
        for child in (*node.body, *node.else_):
            _walk(child, inner, found)
        if node.test is not None:
            _walk(node.test, inner, found)
        return
    if isinstance(node, nodes.Assign | nodes.AssignBlock):
        if isinstance(node, nodes.Assign):
            _walk(node.node, scope, found)
        else:
            for child in node.body:
                _walk(child, scope, found)
        if isinstance(scope, dict):
            for target in _names(node.target):
                scope[target.name] = None
        return
    if isinstance(node, nodes.Test) and node.name in ("defined", "undefined"):
        return  # guarded lookups are allowed to be absent from the schema
    if isinstance(node, nodes.Filter) and node.name == "default":
        return
    if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name):
        chain = _chain(node)
        if chain is not None:
            name, parts = chain
            if isinstance(node, nodes.Name) and node.ctx != "load":
                return
            if name.name in scope:
                base_path = scope[name.name]
                if base_path is not None:
                    found.append(((*base_path, *parts), name.lineno))
            else:
                found.append(((name.name, *parts), name.lineno))
            if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
                _walk(node.arg, scope, found)
            return
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
        for child in (*node.args, *node.kwargs):
            _walk(child, scope, found)
        return
    for child in node.iter_child_nodes():
        _walk(child, scope, found)
