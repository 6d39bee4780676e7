"""The project model: load a project folder into immutable values, collecting every problem."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.core.channels import CHANNEL_NAMES
from studio.core.delivery import DeliverySection, parse_delivery
from studio.core.located import LocatedDict, LocatedList
from studio.core.messages import Message, msg
from studio.core.parsecache import ParseCache, parse_cache
from studio.core.problems import Problem, ProblemError, error, warning
from studio.core.senddate import DEFAULT_TIMEZONE
from studio.core.sources import load_json, load_yaml, split_front_matter

CONFIG_FILE = "studio.yaml"
SCHEMA_FILE = "data/schema.json"
SAMPLES_DIR = "data/samples"
_LOCALE_LIKE = re.compile(r"^[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?$")


@dataclass(frozen=True)
class Config:
    """The project settings from studio.yaml."""

    name: str
    locales: tuple[str, ...]
    default_locale: str
    currency: str = "EUR"
    timezone: str = DEFAULT_TIMEZONE
    brand: Mapping[str, Any] = field(default_factory=dict)
    email: Mapping[str, Any] = field(default_factory=dict)
    print: Mapping[str, Any] = field(default_factory=dict)
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    compliance: Mapping[str, Any] = field(default_factory=dict)
    targets: Mapping[str, Any] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict)
    delivery: DeliverySection | None = None  # the default delivery rules (routing.py)


@dataclass(frozen=True)
class BlockSource:
    """One locale's file of a block."""

    path: str  # relative to the project, with forward slashes
    locale: str
    body: str
    body_line: int  # the file line where the body starts
    meta: Mapping[str, Any]
    variants: Mapping[str, str]


@dataclass(frozen=True)
class Block:
    id: str
    title: str
    owner: str | None
    regulatory: bool
    channels: frozenset[str] | None  # None: every channel
    params: Mapping[str, Any]
    sources: Mapping[str, BlockSource]  # locale -> source; the default locale is always present
    page_break: str | None = None  # print: "before", "after" or "both"
    keep_together: bool = False  # print: never split the block across pages

    def source(self, locale: str, default_locale: str) -> BlockSource:
        return self.sources.get(locale) or self.sources[default_locale]

    @property
    def path(self) -> str:
        return f"blocks/{self.id}.md"


@dataclass(frozen=True)
class BodyItem:
    """One entry of a template's body: a block, with its condition, parameters and channels."""

    block: str
    when: str | None
    with_: Mapping[str, Any]
    channels: frozenset[str] | None
    line: int
    col: int


@dataclass(frozen=True)
class Template:
    name: str
    path: str
    title: str | Mapping[str, str]
    channels: tuple[str, ...]
    email: Mapping[str, Any]
    sms: Mapping[str, Any]
    print: Mapping[str, Any]
    body: tuple[BodyItem, ...]
    raw: Mapping[str, Any]
    delivery: DeliverySection | None = None  # its own delivery rules, over the project's

    def localized(self, value: Any, locale: str, default_locale: str) -> str:
        """A setting that is a string, or a mapping of locale to string."""
        if isinstance(value, Mapping):
            found = value.get(locale, value.get(default_locale, ""))
            return "" if found is None else str(found)
        return "" if value is None else str(value)

    def where(self, *keys: str) -> tuple[int, int]:
        node: Any = self.raw
        line, col = 1, 1
        for key in keys:
            if not isinstance(node, LocatedDict) or key not in node:
                break
            line, col = node.where(key)
            node = node[key]
        return line, col


@dataclass(frozen=True)
class Sample:
    name: str
    path: str
    record: Mapping[str, Any]
    positions: Mapping[tuple[str | int, ...], tuple[int, int]]


@dataclass(frozen=True)
class Project:
    """A loaded project. Never edited in place: a change gives a new Project."""

    root: Path
    config: Config
    blocks: Mapping[str, Block]
    templates: Mapping[str, Template]
    samples: Mapping[str, Sample]
    schema: Mapping[str, Any] | None
    problems: tuple[Problem, ...]

    @property
    def name(self) -> str:
        return self.config.name

    def block_of(self, rel: str) -> str | None:
        """The block a project file stands for (see block_of_path), known or not."""
        return block_of_path(rel, self.config.locales)

    def file(self, relative: str) -> Path:
        return self.root / relative



def block_of_path(rel: str, locales: Iterable[str]) -> str | None:
    """The block a file under blocks/ stands for, translations included:
    blocks/legal/privacy.en.md is block legal/privacy when en is one of LOCALES. None for a
    file that is not a block's. The one path → block function of the program."""
    rel = rel.replace(os.sep, "/")
    if not rel.startswith("blocks/") or not rel.endswith(".md"):
        return None
    stem = rel[len("blocks/") : -len(".md")]
    head, dot, suffix = stem.rpartition(".")
    if dot and "/" not in suffix and suffix in set(locales):
        return head
    return stem


def _rel(root: Path, path: Path | str) -> str:
    top, full = str(root), str(path)
    if full.startswith(top) and full[len(top) : len(top) + 1] == os.sep:
        # what relative_to gives, without pathlib's parsing (a 1,000-block load asks 4,000 times)
        return full[len(top) + 1 :].replace(os.sep, "/")
    return Path(path).relative_to(root).as_posix()


def inside(root: Path, path: Path) -> bool:
    """Whether a project file really is in the project (a symlink may point anywhere, and
    templates run on the rendering server: they must not read its files)."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


Overlay = Mapping[str, str]  # relative path -> text of an unsaved editor buffer


def _read_text(
    root: Path, path: Path | str, problems: list[Problem], overlay: Overlay | None = None,
    checked: bool = False,
) -> str | None:
    """The file's text, its line ends made \\n (as text mode reads it). CHECKED: the caller
    knows the file is in the project (no symlink on the way), so the real path is not worked
    out again."""
    if overlay:
        buffered = overlay.get(_rel(root, path))
        if buffered is not None:
            return buffered
    if not checked and not inside(root, Path(path)):
        problems.append(error(_rel(root, path), 0, 0, msg("links outside the project; not read")))
        return None
    try:
        # bytes, then decoded: half the time of a text-mode read (1,000 blocks: 20 ms)
        with open(path, "rb") as file:
            text = file.read().decode("utf-8")
        return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    except UnicodeDecodeError as exc:
        problems.append(error(_rel(root, path), 1, 0,
            msg("not UTF-8 text: {reason}", reason=exc.reason)))
    except OSError as exc:
        problems.append(error(_rel(root, path), 0, 0,
            msg("cannot read: {reason}", reason=exc.strerror)))
    return None


def _str_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


def load_config(root: Path, problems: list[Problem], overlay: Overlay | None = None) -> Config:
    path = root / CONFIG_FILE
    data: Any = None
    if not path.is_file():
        problems.append(error(CONFIG_FILE, 0, 0, msg("missing: a project needs a studio.yaml")))
    else:
        text = _read_text(root, path, problems, overlay)
        if text is not None:
            try:
                data = load_yaml(text, CONFIG_FILE)
            except ProblemError as exc:
                problems.append(exc.problem)
    if data is None:
        data = LocatedDict()
        data.key_lines = {}
    if not isinstance(data, Mapping):
        problems.append(error(CONFIG_FILE, 1, 1, msg("studio.yaml must be a mapping of settings")))
        data = LocatedDict()
        data.key_lines = {}

    def where(key: str) -> tuple[int, int]:
        return data.where(key) if isinstance(data, LocatedDict) else (1, 1)

    locales = _str_list(data.get("locales")) or ("en",)
    default_locale = str(data.get("default_locale") or locales[0])
    if default_locale not in locales:
        problems.append(
            error(
                CONFIG_FILE,
                *where("default_locale"),
                msg("default_locale {locale!r} is not one of locales {locales}",
                    locale=default_locale, locales=list(locales)),
            )
        )
        locales = (default_locale, *locales)
    mappings: dict[str, Mapping[str, Any]] = {}
    for key in ("brand", "email", "print", "roles", "compliance", "targets"):
        value = data.get(key) or {}
        if not isinstance(value, Mapping):
            problems.append(error(CONFIG_FILE, *where(key),
                msg("{key} must be a mapping", key=key)))
            value = {}
        mappings[key] = value
    roles = {str(k): _str_list(v) for k, v in mappings["roles"].items()}
    return Config(
        name=str(data.get("name") or root.name),
        locales=locales,
        default_locale=default_locale,
        currency=str(data.get("currency") or "EUR"),
        timezone=str(data.get("timezone") or DEFAULT_TIMEZONE),
        brand=mappings["brand"],
        email=mappings["email"],
        print=mappings["print"],
        roles=roles,
        compliance=mappings["compliance"],
        targets=mappings["targets"],
        raw=data,
        delivery=parse_delivery(data.get("delivery"), CONFIG_FILE, where("delivery"), problems),
    )


def _variants(meta: Mapping[str, Any], path: str, problems: list[Problem]) -> dict[str, str]:
    variants = meta.get("variants") or {}
    if not isinstance(variants, Mapping):
        line, col = meta.where("variants") if isinstance(meta, LocatedDict) else (1, 1)
        problems.append(error(path, line, col, msg("variants must map a channel to its wording")))
        return {}
    result = {}
    for channel, text in variants.items():
        line, col = variants.where(channel) if isinstance(variants, LocatedDict) else (1, 1)
        if channel not in CHANNEL_NAMES:
            problems.append(
                error(
                    path,
                    line,
                    col,
                    msg("unknown channel {channel!r} in variants (channels are {channels})",
                        channel=channel, channels=", ".join(CHANNEL_NAMES)),
                )
            )
            continue
        result[str(channel)] = "" if text is None else str(text)
    return result


def _block_file(config: Config, rel: str, problems: list[Problem]) -> tuple[str, str] | None:
    """The block id and locale the file REL (its path in the project, under blocks/) stands
    for."""
    name = rel.rpartition("/")[2]
    if not name.endswith(".md") or name.startswith("."):
        return None
    rel_id = rel[len("blocks/") : -len(".md")]
    block_id, locale = rel_id, config.default_locale
    head, dot, suffix = rel_id.rpartition(".")
    if dot and "/" not in suffix:
        if suffix in config.locales:
            block_id, locale = head, suffix
        elif _LOCALE_LIKE.match(suffix):
            problems.append(
                warning(
                    rel,
                    0,
                    0,
                    msg("{suffix!r} looks like a locale but is not in studio.yaml locales",
                        suffix=suffix),
                )
            )
    return block_id, locale


def load_blocks(
    root: Path, config: Config, problems: list[Problem], overlay: Overlay | None = None
) -> dict[str, Block]:
    base = root / "blocks"
    if not base.is_dir():
        return {}
    files: dict[str, dict[str, str]] = {}
    # The walk does not go into linked folders, so a file that is no link itself, under a
    # blocks/ folder that is in the project, is in the project: one check, not one a file
    walked: set[str] = set()
    base_inside = inside(root, base)
    for rel, path, link in _walk_files(str(base), "blocks"):
        found = _block_file(config, rel, problems)
        if found is not None:
            files.setdefault(found[0], {})[found[1]] = path
            if base_inside and not link:
                walked.add(path)
    texts = {}
    digest = hashlib.blake2b(f"{config.default_locale}\0".encode(), digest_size=20)
    for block_id, by_locale in sorted(files.items()):
        found_texts = _block_texts(root, config, block_id, by_locale, problems, overlay, walked)
        if found_texts is not None:
            texts[block_id] = found_texts
            for locale, (rel, text) in sorted(found_texts.items()):
                digest.update(f"{block_id}\0{locale}\0{rel}\0".encode())
                digest.update(text.encode("utf-8", "surrogatepass"))
                digest.update(b"\0")
    # The blocks made of these very texts (and this default locale) are one entry of the parse
    # cache, among the last few of its "blocks" slot: 1,000 blocks unpickled at once, not parsed
    # file by file (from 150 to 30 ms, what `missiva status` costs most). Nothing in them
    # depends on the folder (paths are the project's): a snapshot of a commit in a temporary
    # folder finds what the working tree's load kept, when the texts are the same.
    cache = parse_cache()  # once, not once a file (it looks at the environment)

    def made(found: list[Problem]) -> dict[str, Block]:
        blocks = {}
        for block_id, found_texts in texts.items():
            block = _block_from_texts(config, block_id, found_texts, found, cache)
            if block is not None:
                blocks[block_id] = block
        return blocks

    return _kept_or_made(cache, "blocks", digest.hexdigest(), problems, made)


def _kept_or_made(
    cache: ParseCache, slot: str, version: str, problems: list[Problem],
    make: Callable[[list[Problem]], dict[str, Any]],
) -> dict[str, Any]:
    """What SLOT of the cache keeps for VERSION, its problems added to PROBLEMS; else what
    MAKE gives (collecting its problems), kept there for the next load."""
    kept = cache.get_slot(slot, version)
    if (isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], dict)
            and isinstance(kept[1], list)):
        problems.extend(kept[1])
        return dict(kept[0])
    found: list[Problem] = []
    value = make(found)
    problems.extend(found)
    cache.put_slot(slot, version, (value, found))
    return value


def _walk_files(folder: str, rel: str, hidden: bool = False) -> Iterator[tuple[str, str, bool]]:
    """Every file under FOLDER (REL: its path in the project): its path in the project, its
    path, and whether it is a link. os.walk's rules (a link to a folder is not entered, an
    unreadable folder is skipped) without its lstat a file: scandir knows which are links.
    Hidden folders are entered only when HIDDEN; a folder's files in name order, then its
    folders."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        return
    folders = []
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if not is_folder:
            yield f"{rel}/{entry.name}", entry.path, entry.is_symlink()
        elif (hidden or not entry.name.startswith(".")) and not entry.is_symlink():
            folders.append(entry)
    for entry in folders:
        yield from _walk_files(entry.path, f"{rel}/{entry.name}", hidden)


def block_files(root: Path, config: Config, block_id: str) -> dict[str, Path]:
    """The files of one block that exist: its original and its translations."""
    found = {}
    for locale in config.locales:
        suffix = ".md" if locale == config.default_locale else f".{locale}.md"
        path = root / "blocks" / f"{block_id}{suffix}"
        if path.is_file():
            found[locale] = path
    return found


def load_block(
    root: Path,
    config: Config,
    block_id: str,
    by_locale: Mapping[str, Path] | Mapping[str, str],
    problems: list[Problem],
    overlay: Overlay | None = None,
    checked: Collection[str] = (),
    cache: ParseCache | None = None,
) -> Block | None:
    """One block from its files BY_LOCALE (CHECKED: the paths, as strings, of those known to
    be in the project)."""
    texts = _block_texts(root, config, block_id, by_locale, problems, overlay, checked)
    return None if texts is None else _block_from_texts(config, block_id, texts, problems, cache)


def _block_texts(
    root: Path,
    config: Config,
    block_id: str,
    by_locale: Mapping[str, Path] | Mapping[str, str],
    problems: list[Problem],
    overlay: Overlay | None = None,
    checked: Collection[str] = (),
) -> dict[str, tuple[str, str]] | None:
    """The texts of a block's files that could be read, with their paths in the project, by
    locale; None when the block has no original in the default locale."""
    if config.default_locale not in by_locale:
        for path in by_locale.values():
            problems.append(
                error(
                    _rel(root, path),
                    0,
                    0,
                    msg("translation of block {block!r} without its {locale} original "
                        "blocks/{block}.md", block=block_id, locale=config.default_locale),
                )
            )
        return None
    texts = {}
    for locale, path in by_locale.items():
        text = _read_text(root, path, problems, overlay, str(path) in checked)
        if text is not None:
            texts[locale] = (_rel(root, path), text)
    return texts


def _block_from_texts(
    config: Config, block_id: str, texts: Mapping[str, tuple[str, str]],
    problems: list[Problem], cache: ParseCache | None = None,
) -> Block | None:
    """The block its TEXTS (path and text by locale) make."""
    sources: dict[str, BlockSource] = {}
    for locale, (rel, text) in texts.items():
        try:
            meta, body, body_line = split_front_matter(text, rel, cache)
        except ProblemError as exc:
            problems.append(exc.problem)
            continue
        sources[locale] = BlockSource(
            rel, locale, body, body_line, meta, _variants(meta, rel, problems)
        )
    if config.default_locale not in sources:
        return None
    main = sources[config.default_locale]
    front: Mapping[str, Any] = main.meta
    rel = main.path
    return Block(
        id=block_id,
        title=str(front.get("title") or block_id),
        owner=None if front.get("owner") is None else str(front.get("owner")),
        regulatory=bool(front.get("regulatory", False)),
        channels=_channels(front, "channels", rel, problems),
        params=_params(front, rel, problems),
        sources=sources,
        page_break=_page_break(front, rel, problems),
        keep_together=bool(front.get("keep_together", False)),
    )


def _channels(
    node: Mapping[str, Any], key: str, path: str, problems: list[Problem]
) -> frozenset[str] | None:
    if node.get(key) is None:
        return None
    line, col = node.where(key) if isinstance(node, LocatedDict) else (1, 1)
    values = node[key]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        problems.append(error(path, line, col,
            msg("{key} must be a list of channel names", key=key)))
        return None
    for index, value in enumerate(values):
        if value not in CHANNEL_NAMES:
            vline, vcol = values.where(index) if isinstance(values, LocatedList) else (line, col)
            problems.append(
                error(
                    path,
                    vline,
                    vcol,
                    msg("unknown channel {channel!r} (channels are {channels})",
                        channel=value, channels=", ".join(CHANNEL_NAMES)),
                )
            )
    return frozenset(v for v in values if v in CHANNEL_NAMES)


def _page_break(meta: Mapping[str, Any], path: str, problems: list[Problem]) -> str | None:
    value = meta.get("page_break")
    if value is None or value is False:
        return None
    if value not in ("before", "after", "both"):
        line, col = meta.where("page_break") if isinstance(meta, LocatedDict) else (1, 1)
        problems.append(error(path, line, col, msg("page_break must be before, after or both")))
        return None
    return str(value)


def _params(meta: Mapping[str, Any], path: str, problems: list[Problem]) -> dict[str, Any]:
    params = meta.get("params")
    if params is None:
        return {}
    if isinstance(params, list):
        return {str(name): None for name in params}
    if isinstance(params, Mapping):
        return {str(k): v for k, v in params.items()}
    line, col = meta.where("params") if isinstance(meta, LocatedDict) else (1, 1)
    problems.append(error(path, line, col, msg("params must be a mapping of name to default")))
    return {}


def load_template(
    root: Path, path: Path, problems: list[Problem], overlay: Overlay | None = None
) -> Template | None:
    rel = _rel(root, path)
    text = _read_text(root, path, problems, overlay)
    return None if text is None else template_from_text(rel, text, problems)


def template_from_text(rel: str, text: str, problems: list[Problem]) -> Template | None:
    """The template the file REL (its path in the project) with TEXT makes."""
    try:
        data = load_yaml(text, rel)
    except ProblemError as exc:
        problems.append(exc.problem)
        return None
    if not isinstance(data, LocatedDict):
        problems.append(error(rel, 1, 1,
            msg("a template must be a mapping (title, channels, body)")))
        return None
    name = rel[len("templates/") : -len(".yaml")]
    channels = _channels(data, "channels", rel, problems)
    if channels is None and "channels" not in data:
        problems.append(error(rel, 1, 1, msg("a template must list its channels")))
    sections = {}
    for key in ("email", "sms", "print"):
        value = data.get(key) or {}
        if not isinstance(value, Mapping):
            problems.append(error(rel, *data.where(key),
                msg("{key} must be a mapping of settings", key=key)))
            value = {}
        sections[key] = value
    body_items: list[BodyItem] = []
    body = data.get("body")
    if body is None:
        problems.append(error(rel, 1, 1, msg("a template needs a body: a list of blocks")))
    elif not isinstance(body, LocatedList):
        problems.append(error(rel, *data.where("body"), msg("body must be a list of {{block: …}}")))
    else:
        for index, item in enumerate(body):
            line, col = body.where(index)
            if isinstance(item, str):
                item = {"block": item}
            if not isinstance(item, Mapping) or not isinstance(item.get("block"), str):
                problems.append(error(rel, line, col, msg("a body item needs `block: <id>`")))
                continue
            unknown = set(item) - {"block", "when", "with", "channels"}
            if unknown:
                problems.append(
                    warning(
                        rel, line, col, msg("unknown key(s) in body item: {keys}",
                            keys=", ".join(sorted(unknown)))
                    )
                )
            with_ = item.get("with") or {}
            if not isinstance(with_, Mapping):
                problems.append(error(rel, line, col, msg("with must be a mapping of parameters")))
                with_ = {}
            when = item.get("when")
            item_channels = (
                _channels(item, "channels", rel, problems)
                if isinstance(item, LocatedDict)
                else None
            )
            body_items.append(
                BodyItem(
                    block=item["block"].strip().removesuffix(".md"),
                    when=None if when is None else str(when),
                    with_=with_,
                    channels=item_channels,
                    line=line,
                    col=col,
                )
            )
    ordered = tuple(c for c in CHANNEL_NAMES if channels and c in channels)
    return Template(
        name=name,
        path=rel,
        title=data.get("title") or name,
        channels=ordered,
        email=sections["email"],
        sms=sections["sms"],
        print=sections["print"],
        body=tuple(body_items),
        raw=data,
        delivery=parse_delivery(data.get("delivery"), rel, data.where("delivery"), problems),
    )


def load_templates(
    root: Path, problems: list[Problem], overlay: Overlay | None = None
) -> dict[str, Template]:
    base = root / "templates"
    if not base.is_dir():
        return {}
    base_inside = inside(root, base)
    texts: list[tuple[str, str]] = []
    digest = hashlib.blake2b(digest_size=20)
    found = sorted(_walk_files(str(base), "templates", hidden=True),
                   key=lambda entry: entry[0].split("/"))  # as pathlib orders paths
    for rel, path, link in found:
        if rel.endswith(".yml"):
            problems.append(warning(rel, 0, 0, msg("templates end in .yaml; ignored")))
        if not rel.endswith(".yaml") or not os.path.isfile(path):
            continue
        text = _read_text(root, path, problems, overlay, checked=base_inside and not link)
        if text is not None:
            texts.append((rel, text))
            digest.update(f"{rel}\0".encode())
            digest.update(text.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
    # Made of these very texts, the templates are one entry of the parse cache (see
    # load_blocks): 50 templates of 20 blocks, 35 ms parsed file by file.

    def made(found: list[Problem]) -> dict[str, Template]:
        templates = {}
        for rel, text in texts:
            template = template_from_text(rel, text, found)
            if template is not None:
                templates[template.name] = template
        return templates

    return _kept_or_made(parse_cache(), "templates", digest.hexdigest(), problems, made)


def _read_json(
    root: Path, path: Path, problems: list[Problem], overlay: Overlay | None, what: Message
) -> tuple[dict[str, Any], Mapping[tuple[str | int, ...], tuple[int, int]]] | None:
    """A JSON object file (the schema, a sample), its problems collected, never raised."""
    rel = _rel(root, path)
    text = _read_text(root, path, problems, overlay)
    if text is None:
        return None
    try:
        value, positions = load_json(text, rel)
    except ProblemError as exc:
        problems.append(exc.problem)
        return None
    if not isinstance(value, dict):
        problems.append(error(rel, 1, 1, msg("{what} must be a JSON object", what=what)))
        return None
    return value, positions


def load_schema(
    root: Path, problems: list[Problem], overlay: Overlay | None = None
) -> Mapping[str, Any] | None:
    path = root / SCHEMA_FILE
    if not path.is_file():
        return None
    found = _read_json(root, path, problems, overlay, msg("a JSON Schema"))
    return found[0] if found else None


def load_samples(
    root: Path, problems: list[Problem], overlay: Overlay | None = None
) -> dict[str, Sample]:
    base = root / SAMPLES_DIR
    samples: dict[str, Sample] = {}
    if not base.is_dir():
        return samples
    for path in sorted(base.glob("*.json")):
        sample = load_sample(root, path, problems, overlay)
        if sample is not None:
            samples[sample.name] = sample
    return samples


def load_sample(
    root: Path, path: Path, problems: list[Problem], overlay: Overlay | None = None
) -> Sample | None:
    found = _read_json(root, path, problems, overlay, msg("a sample record"))
    return Sample(path.stem, _rel(root, path), *found) if found else None


def load_project(root: str | os.PathLike[str], overlay: Overlay | None = None) -> Project:
    """Load a project folder. Problems in its files are collected, never raised.

    `overlay` maps relative paths to the text of unsaved editor buffers, read instead of the
    file on disk.
    """
    root_path = Path(root).resolve()
    if not root_path.is_dir():
        raise ProblemError(error(str(root), 0, 0, msg("not a project folder")))
    problems: list[Problem] = []
    config = load_config(root_path, problems, overlay)
    project = Project(
        root=root_path,
        config=config,
        blocks=load_blocks(root_path, config, problems, overlay),
        templates=load_templates(root_path, problems, overlay),
        samples=load_samples(root_path, problems, overlay),
        schema=load_schema(root_path, problems, overlay),
        problems=tuple(problems),
    )
    parse_cache().save()  # what this load parsed, for the next run
    return project


def reload(project: Project, paths: Iterable[str], overlay: Overlay | None = None) -> Project:
    """The project with only the given files (relative paths) read again.

    A keystroke in a block re-reads that block, not the project: on a 1,000-block project
    the difference is between a fraction of a millisecond and a fifth of a second.
    """
    changed = {p.replace("\\", "/") for p in paths}
    root, config = project.root, project.config
    if any(p == CONFIG_FILE for p in changed):
        return load_project(root, overlay)
    problems = [p for p in project.problems if p.path not in changed]
    blocks = dict(project.blocks)
    templates = dict(project.templates)
    samples = dict(project.samples)
    schema = project.schema
    block_ids: set[str] = set()
    for rel in changed:
        path = root / rel
        if rel.startswith("blocks/"):
            found = _block_file(config, rel, [])
            if found is not None:
                block_ids.add(found[0])
        elif rel.startswith("templates/") and rel.endswith(".yaml"):
            name = rel[len("templates/") : -len(".yaml")]
            templates.pop(name, None)
            if path.is_file():
                template = load_template(root, path, problems, overlay)
                if template is not None:
                    templates[template.name] = template
        elif rel.startswith(SAMPLES_DIR + "/") and rel.endswith(".json"):
            samples.pop(Path(rel).stem, None)
            if path.is_file():
                sample = load_sample(root, path, problems, overlay)
                if sample is not None:
                    samples[sample.name] = sample
        elif rel == SCHEMA_FILE:
            schema = load_schema(root, problems, overlay)
    for block_id in block_ids:
        stale = {s.path for s in blocks[block_id].sources.values()} if block_id in blocks else set()
        problems = [p for p in problems if p.path not in stale]
        blocks.pop(block_id, None)
        block = load_block(
            root, config, block_id, block_files(root, config, block_id), problems, overlay
        )
        if block is not None:
            blocks[block_id] = block
    return Project(
        root,
        config,
        dict(sorted(blocks.items())),
        dict(sorted(templates.items())),
        dict(sorted(samples.items())),
        schema,
        tuple(problems),
    )
