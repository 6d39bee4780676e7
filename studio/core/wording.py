"""Regulatory wording shown as written.

An approval covers a regulatory block's text; what a customer reads is that text after the
template, the project's layouts and stylesheets and the blocks around it have had their say.
An author who may not edit the block can still change what it says on the page: a block that
includes it through a filter (`{{ block("legal/privacy") | replace("30", "60") }}`), a layout
override that filters `{{ content }}`, a stylesheet that hides it (`display: none`, white on
white, a 1 px font, clipped away) or adds to it (`::after { content: "…" }`). The text gate in
compliance.py sees none of these: the block's file is untouched.

So the wording is checked where it ends up:

- an include: the block including a regulatory one must show the included output as is
  (compose.check_include, at every render: a render that changes it fails);
- a section: every section of a rendition that carries regulatory wording (the block is
  regulatory, or includes one) must show, legibly, exactly the text the block composed to.
  Print is read from WeasyPrint's laid-out boxes; email and mobile are laid out the same way
  from their final HTML (a screen, not a page), or, where no layout is asked for, their
  sections' text is compared (what a layout override's filter would change).

Line breaks, hyphenation and letter case (`text-transform`) are not wording and are not
compared; words, numbers and punctuation are.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from studio.core.compose import canonical
from studio.core.messages import Message, msg
from studio.core.problems import Problem, error

# A text is legible at this size and above (CSS pixels: 6 px is 4.5 pt, under any legal small
# print) and with this contrast against what it is drawn on (WCAG's ratio: 1 is none, #d0d0d0
# on white 1.6; body text asks 4.5, large text 3).
_LEGIBLE_PX = 6.0
_LEGIBLE_CONTRAST = 2.0
# Generated content (::before, ::after) with a letter or a digit adds wording; a bullet, a
# dash or a quotation mark does not.
_WORDLIKE = re.compile(r"[^\W_]")


def words(text: str) -> list[str]:
    return text.split()


# What carries regulatory wording ---------------------------------------------------------------

def carriers(project: Any) -> frozenset[str]:
    """The blocks whose output holds regulatory wording: the regulatory ones, and every block
    that includes one (at any depth). Kept with the project's index."""
    from studio.core.index import index_of

    return index_of(project).carriers


# Text of HTML sections -------------------------------------------------------------------------

class _Sections(HTMLParser):
    """The text of each element marked data-block="ID" (a section of print and mobile, a div of
    the email), in document order; the text of nested marked elements counts for both. A marked
    element ends at the end tag of its own name and depth, whatever a layout left unclosed in
    it."""

    _HIDDEN = frozenset({"style", "script", "title", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marked: list[list[Any]] = []  # [block, tag, depth of that tag inside it]
        self.texts: dict[str, list[str]] = {}
        self.hidden: str | None = None  # inside <style>, <script>, <title>: not shown

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden = tag
            return
        for entry in self.marked:
            if entry[1] == tag:
                entry[2] += 1
        block = dict(attrs).get("data-block")
        if block:
            self.marked.append([block, tag, 0])
            self.texts.setdefault(block, [])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <br/>, <img/>: no text, no depth

    def handle_endtag(self, tag: str) -> None:
        if tag == self.hidden:
            self.hidden = None
            return
        for index in range(len(self.marked) - 1, -1, -1):
            entry = self.marked[index]
            if entry[1] != tag:
                continue
            if entry[2] == 0:
                del self.marked[index]
                return
            entry[2] -= 1

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        for block, _, _ in self.marked:
            self.texts[block].append(data)


def section_texts(html: str) -> dict[str, str]:
    parser = _Sections()
    parser.feed(html)
    parser.close()
    return {block: " ".join(parts) for block, parts in parser.texts.items()}


def html_text(fragment: str) -> str:
    """The text of an HTML fragment (a composed block's), as a browser shows it."""
    parser = _Sections()
    parser.feed(f'<div data-block="-">{fragment}</div>')
    parser.close()
    return " ".join(parser.texts.get("-", []))


# Text of laid-out sections ---------------------------------------------------------------------

@dataclass
class Shown:
    """What a laid-out section shows: its legible text, and what it holds that no one can read
    (hidden, invisible, too small, clipped away) or that CSS generated."""

    text: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    generated: list[str] = field(default_factory=list)


def _rgb(color: Any) -> tuple[float, float, float, float] | None:
    try:
        srgb = color.to("srgb")
        red, green, blue = (float(c) for c in srgb.coordinates)
        return red, green, blue, float(srgb.alpha)
    except (AttributeError, TypeError, ValueError):
        return None


def _luminance(rgb: tuple[float, float, float, float]) -> float:
    def channel(c: float) -> float:
        c = min(max(c, 0.0), 1.0)
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    red, green, blue, _ = rgb
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def _contrast(text: tuple[float, float, float, float],
              ground: tuple[float, float, float, float]) -> float:
    one, two = sorted((_luminance(text), _luminance(ground)), reverse=True)
    return (one + 0.05) / (two + 0.05)


def laid_out_sections(document: Any, wanted: Iterable[str]) -> dict[str, Shown]:
    """The sections of a WeasyPrint document whose data-block is in WANTED, as shown."""
    from weasyprint.formatting_structure.boxes import ParentBox, ReplacedBox, TextBox

    wanted = frozenset(wanted)
    found: dict[str, Shown] = {}
    white = (1.0, 1.0, 1.0, 1.0)
    # Where each piece of the wording lies on its page, and what is painted over it: a box
    # painted after it (positioned, or a stacking context: CSS paints those after the page's
    # text, by z-index then tree order) with a background or an image. LAYER orders painting:
    # (phase, z-index, tree order) of the nearest box that made one; the page's flow is 0.
    read: list[tuple[tuple[str, ...], str, bool, tuple[float, float], tuple[int, int, int]]] = []
    covers: list[tuple[tuple[float, float, float, float], tuple[int, int, int]]] = []
    made = [0]

    def walk(box: Any, blocks: tuple[str, ...], opacity: float,
             ground: tuple[float, float, float, float],
             clip: tuple[float, float, float, float] | None, transformed: bool,
             layer: tuple[int, int, int], inert: bool = False) -> None:
        element = getattr(box, "element", None)
        tag = getattr(box, "element_tag", "")
        style = box.style
        if element is not None and "::" not in tag:
            block = element.get("data-block")
            if block in wanted and (not blocks or blocks[-1] != block):
                blocks = (*blocks, block)
                found.setdefault(block, Shown())
                inert = False
            elif block and not blocks:
                inert = True  # a section without the wording: only what it paints over it
        if inert:
            _look_for_covers(box, layer)
            return
        own_opacity = float(style["opacity"])
        opacity *= own_opacity
        # Drawn scaled, rotated or moved: where it lands is not where the boxes say.
        transformed = transformed or bool(style["transform"])
        layer = layer_of(style, own_opacity, layer)
        background = _rgb(style["background_color"])
        if background is not None and background[3] > 0.5:
            ground = background
        if layer[0] > 0 and opacity > 0.5:
            may_cover(box, background, layer)
        if style["overflow"] != "visible" and isinstance(box, ParentBox):
            x, y = box.padding_box_x(), box.padding_box_y()
            own = (x, y, x + box.padding_width(), y + box.padding_height())
            clip = own if clip is None else (max(clip[0], own[0]), max(clip[1], own[1]),
                                             min(clip[2], own[2]), min(clip[3], own[3]))
        if not isinstance(box, TextBox):
            for child in getattr(box, "children", ()):
                walk(child, blocks, opacity, ground, clip, transformed, layer, inert)
            return
        if not blocks or not box.text.strip() or tag.endswith("::marker"):
            return  # outside the wording, blank, or a list's bullet or number
        if "::" in tag:  # ::before, ::after: not the block's, wording or not
            if _WORDLIKE.search(box.text):
                for block in blocks:
                    found[block].generated.append(box.text)
            return
        color = _rgb(style["color"])
        size = float(style["font_size"])
        spacing = style["letter_spacing"]
        legible = (
            style["visibility"] == "visible"
            and opacity > 0.2
            and not transformed
            and size >= _LEGIBLE_PX
            and (not isinstance(spacing, int | float) or spacing > -0.2 * size)
            and (color is None or (color[3] > 0.5
                                   and _contrast(color, ground) >= _LEGIBLE_CONTRAST))
            and (clip is None or (box.position_x + box.width > clip[0] + 0.5
                                  and box.position_x < clip[2] - 0.5
                                  and box.position_y + box.height > clip[1] + 0.5
                                  and box.position_y < clip[3] - 0.5))
        )
        middle = (float(box.position_x + box.width / 2), float(box.position_y + box.height / 2))
        read.append((blocks, box.text, legible, middle, layer))

    def layer_of(style: Any, own_opacity: float,
                 layer: tuple[int, int, int]) -> tuple[int, int, int]:
        """The painting layer of a box: its own when it is positioned or a stacking context."""
        if (style["position"] in ("relative", "absolute", "fixed") or own_opacity < 1
                or style["transform"]):
            z_index = style["z_index"]
            z_index = z_index if isinstance(z_index, int) else 0
            made[0] += 1
            return (1 if z_index >= 0 else -1, z_index, made[0])
        return layer

    def may_cover(box: Any, background: tuple[float, float, float, float] | None,
                  layer: tuple[int, int, int]) -> None:
        """Record BOX as painted over what lies under it, when it paints anything."""
        style = box.style
        if isinstance(box, TextBox) or style["visibility"] != "visible":
            return
        if ((background is not None and background[3] > 0.5) or isinstance(box, ReplacedBox)
                or any(image != ("none", None) for image in style["background_image"] or ())):
            with contextlib.suppress(AttributeError, TypeError):
                x, y = float(box.border_box_x()), float(box.border_box_y())
                covers.append(((x, y, x + float(box.border_width()),
                                y + float(box.border_height())), layer))

    def _look_for_covers(box: Any, layer: tuple[int, int, int], opacity: float = 1.0) -> None:
        """A section without the wording, walked only for what it paints over the rest."""
        own_opacity = float(box.style["opacity"])
        opacity *= own_opacity
        layer = layer_of(box.style, own_opacity, layer)
        if layer[0] > 0 and opacity > 0.5 and not isinstance(box, TextBox):
            may_cover(box, _rgb(box.style["background_color"]), layer)
        for child in getattr(box, "children", ()):
            _look_for_covers(child, layer, opacity)

    for page in document.pages:
        page_box = page._page_box
        area = (0.0, 0.0, float(page_box.margin_width()), float(page_box.margin_height()))
        read.clear()
        covers.clear()
        walk(page_box, (), 1.0, white, area, False, (0, 0, 0))
        for blocks, text, legible, (x, y), layer in read:
            covered = any(above > layer and left <= x <= right and top <= y <= bottom
                          for (left, top, right, bottom), above in covers)
            for block in blocks:
                (found[block].text if legible and not covered
                 else found[block].unreadable).append(text)
    return found


# A media query's feature, as a phone or a mail client on one shows it: its width, light mode,
# held upright. A feature not named here is false.
_FEATURE = re.compile(r"\(\s*([a-z-]+)\s*(?::\s*([^)]*?))?\s*\)")
_STYLE_ELEMENT = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S | re.I)


def _length_px(value: str) -> float | None:
    match = re.fullmatch(r"\s*([0-9.]+)\s*(px|em|rem)?\s*", value)
    if not match:
        return None
    number = float(match.group(1))
    return number * 16 if match.group(2) in ("em", "rem") else number


def _feature(name: str, value: str | None, width: int, scheme: str = "light") -> bool:
    if name in ("min-width", "max-width", "min-device-width", "max-device-width"):
        length = _length_px(value or "")
        if length is None:
            return False
        return width >= length if name.startswith("min") else width <= length
    if name == "prefers-color-scheme":
        return (value or "").strip() == scheme
    if name == "orientation":
        return (value or "").strip() == "portrait"
    return name == "color" and value is None


def media_applies(prelude: str, width: int, scheme: str = "light") -> bool:
    """Whether a screen WIDTH CSS pixels wide, its reader's colour SCHEME light or dark,
    matches the media query list PRELUDE."""
    for query in prelude.lower().split(","):
        words_ = query.split()
        negated = bool(words_) and words_[0] == "not"
        rest = re.sub(r"^\s*(only|not)\s+", "", query.strip())
        kind = re.match(r"^([a-z]+)\b(?!\s*:)", rest)
        kind_ok = kind is None or kind.group(1) in ("all", "screen", "and")
        features = _FEATURE.findall(rest)
        matched = kind_ok and all(_feature(n, v or None, width, scheme) for n, v in features)
        if matched != negated:
            return True
    return False


def screen_stylesheets(html: str, width: int, scheme: str = "light") -> str:
    """HTML with each <style>'s media queries decided for a screen WIDTH pixels wide in colour
    SCHEME: the rules of a matching query under `@media all`, of another under a type no
    screen has.
    (WeasyPrint reads media types only: a query with a feature would be dropped, and a rule
    hiding the wording on phones with it.)"""
    import tinycss2

    def rewrite(css: str) -> str:
        out = []
        for rule in tinycss2.parse_stylesheet(css, skip_comments=True):
            if (rule.type == "at-rule" and rule.lower_at_keyword == "media"
                    and rule.content is not None):
                kind = ("all" if media_applies(tinycss2.serialize(rule.prelude), width, scheme)
                        else "speech")
                out.append(f"@media {kind} {{{rewrite(tinycss2.serialize(rule.content))}}}")
            else:
                out.append(tinycss2.serialize([rule]))
        return "\n".join(out)

    return _STYLE_ELEMENT.sub(lambda m: m.group(1) + rewrite(m.group(2)) + m.group(3), html)


# The comparison --------------------------------------------------------------------------------

def expected(composition: Any) -> dict[str, str]:
    """The text each section carrying regulatory wording composed to."""
    carrying = carriers(composition.project)
    return {b.block: html_text(b.html) for b in composition.blocks if b.block in carrying}


def _difference(wanted: str, seen: str) -> Message | str:
    """The first place two texts part, in a few words of each."""
    one, two = words(wanted), words(seen)
    matcher = difflib.SequenceMatcher(a=[w.casefold() for w in one],
                                      b=[w.casefold() for w in two], autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal" or canonical(" ".join(one[a0:a1])) == canonical(" ".join(two[b0:b1])):
            continue  # the same words, broken at another place (a long address over two lines)
        before = " ".join(one[a0:a1][:12]) + (" …" if a1 - a0 > 12 else "")
        after = " ".join(two[b0:b1][:12]) + (" …" if b1 - b0 > 12 else "")
        if tag == "delete":
            return msg("«{words}» left out", words=before)
        if tag == "insert":
            return msg("«{words}» added", words=after)
        if tag == "replace":
            return f"«{before}» → «{after}»"
    return ""


def compare(composition: Any, shown: Mapping[str, Shown | str],
            where: str | Message) -> list[Problem]:
    """Problems for the sections carrying regulatory wording that SHOWN does not show as
    composed. SHOWN maps a block to its laid-out Shown, or to its text (sections read from HTML);
    WHERE names the rendition ("print", "email", …)."""
    return [problem for _block, problem in _compared(composition, shown, where)]


def _compared(composition: Any, shown: Mapping[str, Shown | str],
              where: str | Message) -> list[tuple[str, Problem]]:
    """compare's problems, each with the block it is about."""
    template = composition.template
    lines = {item.block: (item.line, item.col) for item in template.body}
    problems: list[tuple[str, Problem]] = []
    for block, text in expected(composition).items():
        line, col = lines.get(block, (0, 0))
        seen = shown.get(block)
        if seen is None:
            if canonical(text):
                problems.append((block, error(template.path, line, col, msg(
                    "the regulatory wording in block {block} is not in {channel} at all (a "
                    "layout or stylesheet of the project leaves it out)", block=block,
                    channel=where))))
            continue
        if isinstance(seen, Shown):
            if seen.generated:
                problems.append((block, error(template.path, line, col, msg(
                    "words are added to the regulatory wording in block {block} in {channel}: "
                    "{words} (a stylesheet's content: property)", channel=where, block=block,
                    words=" ".join(words(" ".join(seen.generated)))[:80]))))
                continue
            if seen.unreadable:
                problems.append((block, error(template.path, line, col, msg(
                    "part of the regulatory wording in block {block} is hidden in {channel}: "
                    "{words} (hidden, invisible, too small or clipped by a stylesheet)",
                    channel=where, block=block,
                    words=" ".join(words(" ".join(seen.unreadable)))[:80]))))
                continue
            seen_text = " ".join(seen.text)
        else:
            seen_text = seen
        if canonical(seen_text) != canonical(text):
            problems.append((block, error(template.path, line, col, msg(
                "the regulatory wording in block {block} does not show as written in {channel}: "
                "{difference} (a layout or stylesheet of the project changes it)",
                channel=where, block=block, difference=_difference(text, seen_text)))))
    return problems


def check_html(composition: Any, html: str, where: str, *,
               layout: Callable[[str, frozenset[str]], Any] | None) -> list[Problem]:
    """An HTML rendition's sections (the email's, the mobile page's, print's before layout):
    laid out by LAYOUT (the page and the blocks whose content it must keep) and read as shown;
    without one, the sections' text as the layout handed it over."""
    wanted = expected(composition)
    if not wanted:
        return []
    if layout is not None:
        return compare(composition, laid_out_sections(layout(html, frozenset(wanted)), wanted),
                       where)
    if not own_layout(composition.project, where):
        return []  # the shipped layouts hand the content over as it is
    return compare(composition, section_texts(html), where)


def to_check(composition: Any, channel: str, laid_out: bool) -> bool:
    """Whether a channel has anything to check: sections carrying regulatory wording, and a
    layout to do (LAID_OUT) or a layout of the project's own to read the text of."""
    return bool(expected(composition)) and (laid_out or own_layout(composition.project, channel))


def styled(project: Any, channel: str) -> bool:
    """Whether the project shapes CHANNEL's page itself: a stylesheet or a layout of its own,
    or the brand's text colour (the shipped stylesheets set body text in it). Without any, the
    shipped layout and stylesheets show every word, and laying a screen out finds nothing:
    validate skips it (the export gate does not)."""
    from studio.core.layouts import style_files

    return (own_layout(project, channel) or len(style_files(project, channel)) > 1
            or bool(project.config.brand.get("text")))


def dark_styled(project: Any, channel: str) -> bool:
    """Whether the project's own stylesheet or layout for CHANNEL styles a dark colour scheme
    (`prefers-color-scheme`): then the screen is laid out dark too, where a rule for readers
    in dark mode could hide the wording from them only. The shipped stylesheets' dark rules
    show every word: without the project's own, one light layout says it all."""
    from studio.core.layouts import layout_file, style_files

    files = [path for path, label in style_files(project, channel)
             if not label.startswith("(default)")]
    if own_layout(project, channel):
        files.append(layout_file(project, channel)[0])
    for path in files:
        try:
            if "prefers-color-scheme" in path.read_text(encoding="utf-8").lower():
                return True
        except (OSError, UnicodeDecodeError):
            continue
    return False


def check_screens(composition: Any, html: str, channel: str,
                  layout: Callable[[str, frozenset[str], str], Any] | None) -> list[Problem]:
    """An email's or a mobile page's wording (check_html), laid out by LAYOUT (the page, the
    blocks to keep, the colour scheme) for a light screen, and a dark one too where the
    project styles dark mode itself (a block found wanting in the light one is not said
    twice)."""
    wanted = expected(composition)
    if layout is None or not wanted:
        return check_html(composition, html, channel, layout=None)
    kept = frozenset(wanted)
    light = _compared(composition, laid_out_sections(layout(html, kept, "light"), wanted),
                      channel)
    if not dark_styled(composition.project, channel):
        return [problem for _block, problem in light]
    said = {block for block, _problem in light}
    dark = _compared(composition, laid_out_sections(layout(html, kept, "dark"), wanted),
                     msg("{channel} in dark mode", channel=channel))
    return [problem for _block, problem in light] + [
        problem for block, problem in dark if block not in said]


def own_layout(project: Any, channel: str) -> bool:
    """Whether the project has a layout of its own for CHANNEL (layouts/): one that may do
    what it likes with the content, on some records only."""
    from studio.core.layouts import layout_file

    return layout_file(project, channel)[1].startswith("layouts/")


def check_document(composition: Any, document: Any) -> list[Problem]:
    """The print letter as WeasyPrint laid it out."""
    wanted = expected(composition)
    if not wanted:
        return []
    return compare(composition, laid_out_sections(document, wanted), "print")


__all__ = ["carriers", "check_html", "check_document", "compare", "expected",
           "laid_out_sections", "own_layout", "section_texts", "Shown", "styled", "to_check"]
