"""The canonical Markdown of block files, and `missiva fmt`: rewriting blocks into it.

The canonical form is what the visual block editor writes, so a block written by hand in it
and then edited visually changes only the lines the author touched. It is the style the
sample project is written in:

- **Front matter** is left exactly as written (YAML, with its comments).
- **Units** (paragraphs, headings, lists, tables, Jinja statement lines) are separated by
  exactly one blank line; the body starts right after the front matter and the file ends
  with one newline.
- **No hard wrapping**: a paragraph is one line, however long (diffs then show the sentence
  that changed, and no re-wrap moves the others). Line breaks the author made stay: a hard
  break is a backslash at the end of the line (`\\`), never two trailing spaces; a soft break
  (a newline inside a paragraph) is kept where it is.
- **Headings** are ATX, `#` to `######` and one space; never underlined (setext).
- **Emphasis**: `**bold**` and `*italic*` (never `__` or `_`); links `[text](url)`; code in
  single backticks. Whitespace sits outside emphasis (`**word** next`).
- **Lists**: `- ` for bullets; `1. ` `2. ` … numbered in order from the list's start for
  ordered lists; one item a line (an item's soft break continues on an unindented line).
- **Tables**: one row a line, `| cell | cell |` (an empty cell `| |`, a `|` in a cell `\\|`),
  the delimiter row `|:---|---:|` (`---` unaligned, `:---:` centred). A table with Jinja
  between its rows (a `{% for %}` row) is left as written.
- **Named styles**: a paragraph in one of the project's styles (the `p.NAME` classes of its
  print stylesheets) ends with one space and `{.NAME}`.
- **Escapes** only where Markdown would otherwise read markup: `\\*`, `\\[`, `\\]`, `` \\` ``,
  `\\_` at a word's edge, a backslash before punctuation, and `#`, `>`, `-`, `+`, `1.` at the
  start of a line.
- **Jinja** (`{{ … }}`, `{% … %}`, `{# … #}`) is kept byte for byte, wherever it is.
- Units the editor does not model (quotes, code, nested lists, lines of statements)
  are left as written, apart from the blank lines between them.

`canonical_text()` never changes what a block renders to: each rewritten unit, and then the
whole body, is compared as rendered Markdown (Jinja replaced by stand-ins) with the original,
and a change that would render differently is not made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from studio.core.blockdoc import _ATOM, _MD, BlockDocument, parse_block
from studio.core.files import write_atomic


def _rendered(body: str) -> str:
    """The Markdown `body` renders to, each Jinja field replaced by a numbered stand-in and the
    whitespace Jinja removes around it removed (the studio's environment: trim_blocks, and
    `-` whitespace control), so two bodies compare as the same Markdown or not."""
    out: list[str] = []
    position = 0
    strip_next = False
    for n, match in enumerate(_ATOM.finditer(body)):
        text = body[position:match.start()]
        if strip_next:
            text = text.lstrip()
        tag = match.group(0)
        if tag[2:3] == "-":
            text = text.rstrip()
        # a statement renders nothing (as if every branch were taken once); a field, a value
        out.append(text + (f"\ue000{n}\ue001" if tag[:2] == "{{" else ""))
        position = match.end()
        strip_next = tag[-3:-2] == "-"
        if not strip_next and tag[:2] != "{{" and tag[-3:-2] != "+" \
                and body.startswith("\n", position):
            position += 1  # trim_blocks: the newline right after a block tag is dropped
    rest = body[position:]
    out.append(rest.lstrip() if strip_next else rest)
    return _MD.render("".join(out))


def _units_canonical(doc: BlockDocument) -> list[str]:
    """Each unit's canonical Markdown where it renders as the original did, else its text."""
    out = []
    for unit in doc.units:
        text = unit.markdown()
        if text != unit.source and _rendered(text) != _rendered(unit.source):
            text = unit.source
        out.append(text)
    return out


def canonical_text(text: str) -> str:
    """The block file `text` in the canonical form (see the module docstring)."""
    doc = parse_block(text)
    if not doc.units:
        return text
    body = text[len(doc.front):]
    target = _rendered(body)
    units = _units_canonical(doc)
    gaps = ["\n\n"] * (len(units) - 1) + ["\n"]
    candidate = "".join(u + g for u, g in zip(units, gaps, strict=True))
    if candidate == body or _rendered(candidate) == target:
        return doc.front + candidate
    # Some blank lines matter (after a Jinja tag that trims its newline): keep those as written
    lead = "" if _rendered(body[len(doc.lead):]) == target else doc.lead
    chosen = list(doc.gaps)
    for n in range(len(chosen)):
        trial = chosen[:n] + [gaps[n]] + chosen[n + 1:]
        attempt = lead + "".join(u + g for u, g in zip(units, trial, strict=True))
        if _rendered(attempt) == target:
            chosen = trial
    result = lead + "".join(u + g for u, g in zip(units, chosen, strict=True))
    return doc.front + (result if _rendered(result) == target else body)


def is_canonical(text: str) -> bool:
    return canonical_text(text) == text


@dataclass(frozen=True)
class Formatted:
    path: str  # relative to the project, e.g. "blocks/legal/privacy.md"
    regulatory: bool  # rewriting it asks its owners for a new sign-off
    owner: str | None = None  # a regulatory block's owning role
    locked: bool = False  # regulatory and not the author's: listed, never rewritten


_REGULATORY = re.compile(r"^regulatory:\s*(true|yes|on)\s*(#.*)?$", re.M | re.I)


def format_project(root: Path, write: bool = True, author: str | None = None, *,
                   guarded: bool = False) -> list[Formatted]:
    """The block files of the project at `root` that are not canonical — rewritten in place
    when `write` (each atomically). Files that cannot be read as UTF-8 are left alone.
    GUARDED (a project under compliance: a git repository): the files of a regulatory block,
    its translations too, are rewritten only when AUTHOR (an email) is in the block's owner
    role — anyone else's rewrite would be a change of regulatory wording by a non-owner, which
    verify reports and sync refuses to send; they are listed as `locked`."""
    from studio.core.project import load_project

    project = load_project(root)
    found = []
    for path in sorted((root / "blocks").rglob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        new = canonical_text(text)
        if new == text:
            continue
        rel = path.relative_to(root).as_posix()
        block = project.blocks.get(project.block_of(rel) or "")
        if block is not None:
            regulatory, owner = block.regulatory, block.owner
        else:
            regulatory, owner = bool(_REGULATORY.search(parse_block(text).front)), None
        members = {str(e).strip().lower() for e in project.config.roles.get(owner or "", ())}
        locked = guarded and regulatory and (author or "").strip().lower() not in members
        found.append(Formatted(rel, regulatory, owner, locked))
        if write and not locked:
            write_atomic(path, new)
    return found
