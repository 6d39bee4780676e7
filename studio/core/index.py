"""The project index: which blocks include which, which templates use each block and through
what chain, the record fields each reads and which are regulatory, built once per loaded
project and linear in its size.

Status, review, validate, the explorer and *Where used* all ask the same questions ("which
templates does legal/privacy reach?"); answering each by walking the templates' blocks and
parsing their Jinja again made `missiva status` quadratic (4,950 walks on 1,000 blocks). Here
every block's sources are parsed once, the include graph is kept both ways, and a template's
blocks are one graph walk.

    index = index_of(project)      # cached for this Project value
    index.templates_using("common/contacts")
    index.where_used("common/contacts")  # [Use(template, chain, line), …]
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from studio.core.parsecache import MISSING, parse_cache
from studio.core.project import Project


@functools.lru_cache(maxsize=16384)
def includes(source: str) -> tuple[tuple[str, int], ...]:
    """The blocks a source includes with block("id") (constant ids only), with their lines.
    Kept by text, in this run and the next (the parse cache): a project loaded again, or one
    block edited, parses only what changed."""
    cache = parse_cache()
    found = cache.get("includes", source)
    if found is MISSING:
        found = _includes(source)
        cache.put("includes", source, found)
    return tuple((str(block), int(line)) for block, line in found)


def _includes(source: str) -> tuple[tuple[str, int], ...]:
    # here, not at the top: with every source in the parse cache, `missiva status` never
    # needs Jinja or Markdown (a fifth of a second of imports)
    from jinja2 import TemplateSyntaxError, nodes

    from studio.core.engine import parse

    try:
        tree = parse(source)
    except TemplateSyntaxError:
        return ()
    found = []
    for call in tree.find_all(nodes.Call):
        if (
            isinstance(call.node, nodes.Name)
            and call.node.name == "block"
            and call.args
            and isinstance(call.args[0], nodes.Const)
            and isinstance(call.args[0].value, str)
        ):
            found.append((call.args[0].value, call.lineno))
    return tuple(found)


@functools.lru_cache(maxsize=16384)
def fields_read(source: str) -> tuple[str, ...]:
    """The record fields a source reads, as dotted paths ("customer.name",
    "invoice.lines[].amount"), sorted; kept by text like includes(). A source Jinja cannot
    parse reads nothing here (validate reports it)."""
    cache = parse_cache()
    found = cache.get("fields", source)
    if found is MISSING:
        from studio.core.engine import variable_paths
        from studio.core.problems import ProblemError

        try:
            paths = variable_paths(source, "")
        except ProblemError:
            paths = []
        found = tuple(sorted({".".join(path).replace(".[]", "[]") for path, _ in paths}))
        cache.put("fields", source, found)
    return tuple(str(field) for field in found)


# The parse cache's kind for project_values_read (its entries are as old as this module)
_VALUES_KIND = "project values"
# The filters whose output depends on a value of studio.yaml besides the text they format.
_CONFIG_FILTERS = {"currency": "currency", "datetime": "timezone"}


@functools.lru_cache(maxsize=16384)
def project_values_read(source: str) -> tuple[str, ...]:
    """The values of studio.yaml a source prints, sorted: "brand.company" for each brand value
    it names, "brand" where it takes the whole mapping, "currency" where it formats an amount
    in the project's currency, "timezone" where it shows a time of day. Kept by text like
    includes(); a source Jinja cannot parse reads nothing here (validate reports it)."""
    cache = parse_cache()
    found = cache.get(_VALUES_KIND, source)
    if found is MISSING:
        found = _project_values_read(source)
        cache.put(_VALUES_KIND, source, found)
    return tuple(str(value) for value in found)


def _project_values_read(source: str) -> tuple[str, ...]:
    from jinja2 import TemplateSyntaxError, nodes

    from studio.core.engine import parse

    found = set()
    for field in fields_read(source):
        head, dot, key = field.partition(".")
        if head == "brand":
            # brand.company; brand.get(...) and brand.items() name no key: compare_values
            # then takes the whole mapping
            found.add(f"brand.{key.split('.')[0]}" if dot and key else "brand")
        elif field.startswith("brand["):  # brand[name]: any of its values
            found.add("brand")
        elif head in ("_currency", "_timezone"):  # what the filters read, read directly
            found.add(head[1:])
    try:
        tree = parse(source)
    except TemplateSyntaxError:
        return tuple(sorted(found))
    for node in tree.find_all(nodes.Filter):
        value = _CONFIG_FILTERS.get(node.name)
        # currency("CHF") names its own; a date without a time is the same in every zone
        if value and not (value == "currency" and (node.args or node.kwargs)):
            found.add(value)
    return tuple(sorted(found))


@dataclass(frozen=True)
class Use:
    """One way a template reaches a block: the chain of blocks from the template's body to it
    (the block itself last), and the line of the template's body entry that starts it."""

    template: str
    chain: tuple[str, ...]
    line: int

    @property
    def direct(self) -> bool:
        return len(self.chain) == 1

    def describe(self) -> str:
        """ "bill" or "bill via billing/payment → common/contacts" """
        if self.direct:
            return self.template
        return f"{self.template} via {' → '.join(self.chain[:-1])}"


class ProjectIndex:
    """The include graph of one Project value, both ways, and what follows from it."""

    def __init__(self, project: Project) -> None:
        self.project = project
        includes_of: dict[str, frozenset[str]] = {}
        for block_id, block in project.blocks.items():
            found: set[str] = set()
            for source in block.sources.values():
                for text in (source.body, *source.variants.values()):
                    if "block" in text:  # most blocks include nothing: skip the parse
                        found.update(included for included, _ in includes(text))
            includes_of[block_id] = frozenset(found)
        self.includes: Mapping[str, frozenset[str]] = includes_of
        # the sources parsed for their includes, for the next run: after a load, not after
        # each edit (the whole cache is written each time)
        parse_cache().save(at_least=50)
        included_by: dict[str, set[str]] = {}
        for block_id, targets in includes_of.items():
            for target in targets:
                included_by.setdefault(target, set()).add(block_id)
        self.included_by: Mapping[str, frozenset[str]] = {
            k: frozenset(v) for k, v in included_by.items()}
        self._template_blocks: dict[str, frozenset[str]] = {}
        self._users: dict[str, tuple[str, ...]] | None = None
        self._lock = threading.Lock()

    @functools.cached_property
    def regulatory(self) -> frozenset[str]:
        """The blocks flagged regulatory (their sign-off state is compliance's, from git)."""
        return frozenset(b.id for b in self.project.blocks.values() if b.regulatory)

    @functools.cached_property
    def carriers(self) -> frozenset[str]:
        """The blocks whose output holds regulatory wording: the regulatory ones, and every
        block that includes one, at any depth (up the included_by edges, once)."""
        found = set(self.regulatory)
        todo = list(found)
        while todo:
            for user in self.included_by.get(todo.pop(), ()):
                if user not in found:
                    found.add(user)
                    todo.append(user)
        return frozenset(found)

    def regulatory_in(self, template: str) -> frozenset[str]:
        """The regulatory blocks a template reaches, through includes too."""
        return self.template_blocks(template) & self.regulatory

    def fields(self, block_id: str, *, through_includes: bool = True) -> frozenset[str]:
        """The record fields a block reads (every language and channel wording), and with
        THROUGH_INCLUDES those of the blocks it includes, transitively. Only fields of the
        record: names the schema does not declare at its top (params, locale, loop
        variables…) are left out when the project has a schema."""
        ids = self.reach([block_id]) if through_includes else frozenset([block_id])
        top = set((self.project.schema or {}).get("properties") or {})
        found: set[str] = set()
        for text in self._jinja_texts(ids):
            found.update(fields_read(text))
        if top:
            found = {f for f in found if f.split(".")[0].split("[")[0] in top}
        return frozenset(found)

    def project_values(self, block_id: str) -> frozenset[str]:
        """The values of studio.yaml a block prints (project_values_read), through the blocks
        it includes: what its wording depends on besides its own files, the record and the
        template's parameters."""
        found: set[str] = set()
        for text in self._jinja_texts(self.reach([block_id])):
            found.update(project_values_read(text))
        return frozenset(found)

    def _jinja_texts(self, ids: Iterable[str]) -> Iterator[str]:
        """Every wording (each language, each channel's variant) of the blocks IDS that holds
        Jinja at all."""
        for one in ids:
            block = self.project.blocks.get(one)
            if block is None:
                continue
            for source in block.sources.values():
                for text in (source.body, *source.variants.values()):
                    if "{" in text:
                        yield text

    def template_fields(self, template: str) -> frozenset[str]:
        """The record fields a template's blocks read, through includes."""
        found: set[str] = set()
        for block_id in self.template_blocks(template):
            found |= self.fields(block_id, through_includes=False)
        return frozenset(found)

    def reach(self, roots: Iterable[str]) -> frozenset[str]:
        """ROOTS and every block they include, transitively (unknown ids kept: they are what
        validate reports)."""
        found: set[str] = set()
        todo = list(roots)
        while todo:
            block_id = todo.pop()
            if block_id in found:
                continue
            found.add(block_id)
            todo.extend(self.includes.get(block_id, ()))
        return frozenset(found)

    def template_blocks(self, template: str) -> frozenset[str]:
        """The blocks a template uses: its body's, and what they include, transitively."""
        with self._lock:
            cached = self._template_blocks.get(template)
        if cached is None:
            found = self.project.templates.get(template)
            cached = self.reach(item.block for item in found.body) if found else frozenset()
            with self._lock:
                self._template_blocks[template] = cached
        return cached

    def templates_using(self, block_id: str) -> tuple[str, ...]:
        """The templates that reach BLOCK_ID, directly or through other blocks, sorted."""
        with self._lock:
            users = self._users
        if users is None:
            collected: dict[str, list[str]] = {}
            for name in sorted(self.project.templates):
                for used in self.template_blocks(name):
                    collected.setdefault(used, []).append(name)
            users = {k: tuple(v) for k, v in collected.items()}
            with self._lock:
                self._users = users
        return users.get(block_id, ())

    def where_used(self, block_id: str) -> list[Use]:
        """Every template reaching BLOCK_ID, each with its shortest chain of blocks."""
        uses: list[Use] = []
        for name in self.templates_using(block_id):
            template = self.project.templates[name]
            best: Use | None = None
            for item in template.body:
                chain = self._chain(item.block, block_id)
                if chain is not None and (best is None or len(chain) < len(best.chain)):
                    best = Use(name, chain, item.line)
            if best is not None:
                uses.append(best)
        return uses

    def _chain(self, start: str, goal: str) -> tuple[str, ...] | None:
        """The shortest include chain from START to GOAL (breadth first), both included."""
        paths: dict[str, tuple[str, ...]] = {start: (start,)}
        frontier = [start]
        while frontier:
            following: list[str] = []
            for block_id in frontier:
                if block_id == goal:
                    return paths[block_id]
                for target in sorted(self.includes.get(block_id, ())):
                    if target not in paths:
                        paths[target] = (*paths[block_id], target)
                        following.append(target)
            frontier = following
        return None


_CACHE: dict[int, tuple[weakref.ref[Project], ProjectIndex]] = {}
_CACHE_LOCK = threading.RLock()  # a collection inside the lock may call forget()


def index_of(project: Project) -> ProjectIndex:
    """The index of this Project value, built on first use and kept while the value lives (a
    Project is never changed in place: an edit gives a new one, and a new index)."""
    key = id(project)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None and found[0]() is project:
            return found[1]
    index = ProjectIndex(project)

    def forget(_gone: weakref.ref[Project], cache: dict[int, Any] = _CACHE,
               lock: Any = _CACHE_LOCK) -> None:
        # bound now: at interpreter exit the module's globals may already be gone
        with lock:
            cache.pop(key, None)

    with _CACHE_LOCK:
        _CACHE[key] = (weakref.ref(project, forget), index)
    return index


@dataclass(frozen=True)
class Match:
    """One line of a block's source holding the phrase searched for."""

    block: str
    path: str  # the file (a translation has its own)
    line: int
    text: str  # the line, stripped


def search_blocks(project: Project, phrase: str, limit: int = 2000) -> list[Match]:
    """Every line of every block's text (body and channel wordings, every locale) holding
    PHRASE, ignoring case, in block order; at most LIMIT lines."""
    needle = phrase.strip().casefold()
    found: list[Match] = []
    if not needle:
        return found
    default = project.config.default_locale
    for block_id, block in project.blocks.items():
        # the original first, then its translations
        for source in sorted(block.sources.values(), key=lambda s: (s.locale != default,
                                                                     s.locale)):
            variants = source.meta.get("variants")
            texts = [(source.body, source.body_line)]
            for channel, text in source.variants.items():
                where = getattr(variants, "where", None)
                texts.append((text, where(channel)[0] if where else 1))
            for text, first in texts:
                if needle not in text.casefold():
                    continue
                for offset, line in enumerate(text.splitlines()):
                    if needle in line.casefold():
                        found.append(Match(block_id, source.path, first + offset, line.strip()))
                        if len(found) >= limit:
                            return found
    return found
