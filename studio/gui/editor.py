"""The source editor: line numbers, highlighting, problem marks and completion for project files."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QHelpEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QCompleter, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from studio.core.problems import Problem, Severity
from studio.gui.formats import problem_text

LANGUAGES = ("block", "yaml", "json", "css", "html", "text")
"""The kinds `CodeEditor.set_language` accepts."""

INDENT = "  "  # YAML and the project's Markdown both read best with two-space indents

_SEVERITY_RANK = {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 0}


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    """`a` moved `amount` (0..1) of the way towards `b`."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    )


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def severity_color(severity: Severity | str, palette: QPalette) -> QColor:
    """The colour that marks a problem of `severity` on a background from `palette`."""
    dark = _is_dark(palette)
    # Fixed hues (red, orange, blue) are what every IDE uses, so they need no legend; only the
    # lightness follows the palette so the marks stay visible on a dark background.
    names = {
        Severity.ERROR: ("#ff6b6b", "#d32f2f"),
        Severity.WARNING: ("#ffa94d", "#e07800"),
        Severity.INFO: ("#74b9ff", "#1e6fd0"),
    }
    dark_name, light_name = names[Severity(severity)]
    return QColor(dark_name if dark else light_name)


# Highlighting ------------------------------------------------------------------------------


class _Formats:
    """The character formats of every highlighted role, derived from one palette."""

    def __init__(self, palette: QPalette) -> None:
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        dark = _is_dark(palette)

        def hue(h: int, saturation: int = 170) -> QColor:
            # Same hues in both palettes; lightness flips so contrast with Base stays ~5:1.
            return QColor.fromHsl(h, saturation, 180 if dark else 85)

        def fmt(
            color: QColor | None = None,
            *,
            bold: bool = False,
            italic: bool = False,
            background: QColor | None = None,
            underline: bool = False,
        ) -> QTextCharFormat:
            f = QTextCharFormat()
            if color is not None:
                f.setForeground(color)
            if bold:
                f.setFontWeight(QFont.Weight.Bold)
            if italic:
                f.setFontItalic(True)
            if background is not None:
                f.setBackground(background)
            if underline:
                f.setFontUnderline(True)
            return f

        muted = _mix(text, base, 0.45)
        jinja = hue(280, 140)
        # A faint tint behind Jinja shows at a glance which words of the prose are data.
        jinja_bg = _mix(base, jinja, 0.09)

        self.muted = fmt(muted)
        self.comment = fmt(muted, italic=True)
        self.key = fmt(hue(212))
        self.string = fmt(hue(125, 150))
        self.number = fmt(hue(24, 190))
        self.keyword = fmt(hue(330, 150), bold=True)
        self.front_matter = fmt(muted, bold=True)
        self.heading = fmt(hue(212), bold=True)
        self.marker = fmt(hue(24, 190))
        self.strong = fmt(bold=True)
        self.emphasis = fmt(italic=True)
        self.code = fmt(hue(190, 120), background=_mix(base, text, 0.06))
        self.link = fmt(hue(200), underline=True)
        self.tag = fmt(hue(212))
        self.attribute = fmt(hue(24, 190))
        self.property = fmt(hue(180, 160))
        self.jinja = fmt(jinja, background=jinja_bg)
        self.jinja_delimiter = fmt(jinja, bold=True, background=jinja_bg)
        self.jinja_keyword = fmt(hue(330, 150), bold=True, background=jinja_bg)
        self.jinja_filter = fmt(hue(190, 150), background=jinja_bg)
        self.jinja_string = fmt(hue(125, 150), background=jinja_bg)
        self.jinja_comment = fmt(muted, italic=True, background=jinja_bg)


# Block states: bits 0-1 the region of a block file, bits 2-3 an unclosed Jinja tag, bit 4 an
# unclosed host comment (HTML `<!--`, CSS `/*`). States carry these across lines.
_REGION_NONE, _REGION_FRONT, _REGION_BODY = 0, 1, 2
_JINJA_NONE, _JINJA_EXPR, _JINJA_STMT, _JINJA_COMMENT = 0, 1, 2, 3
_HOST_COMMENT = 16

_JINJA_OPEN = re.compile(r"\{([{%#])")
_JINJA_KIND = {"{": _JINJA_EXPR, "%": _JINJA_STMT, "#": _JINJA_COMMENT}
_JINJA_CLOSE = {_JINJA_EXPR: "}}", _JINJA_STMT: "%}", _JINJA_COMMENT: "#}"}
_JINJA_DELIMITER = re.compile(r"\{[{%][-+]?|[-+]?[}%]\}")
_JINJA_STRING = re.compile(r""""(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?""")
_JINJA_KEYWORD = re.compile(
    r"\b(?:for|in|if|elif|else|endif|endfor|set|endset|is|not|and|or|defined|with|endwith"
    r"|true|false|none|True|False|None|loop)\b"
)
_JINJA_FILTER = re.compile(r"\|\s*([A-Za-z_]\w*)")

_FRONT_DELIMITER = re.compile(r"^---[ \t]*$")
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t].*)?$")
_MD_QUOTE = re.compile(r"^ {0,3}>")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])(?=\s)")
_MD_RULE = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
_MD_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_MD_PIPE = re.compile(r"(?<!\\)\|")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EMPHASIS = re.compile(r"(?<![*\w])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![*\w])")
_MD_CODE = re.compile(r"`[^`]+`")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_MD_AUTOLINK = re.compile(r"<(?:https?|mailto|tel):[^>\s]+>")

_YAML_COMMENT_LINE = re.compile(r"^\s*#")
_YAML_DOCUMENT = re.compile(r"^(?:---|\.\.\.)\s*$")
_YAML_KEY = re.compile(
    r"""^(\s*(?:-\s+)*)([^\s#'"\-\[{][^#]*?|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*:(?=\s|$)"""
)
_YAML_FLOW_KEY = re.compile(r"[{,]\s*([\w-]+)\s*:(?=\s)")
# A template's `when:` is a Jinja expression written without braces.
_YAML_WHEN = re.compile(r"^\s*(?:-\s+)?when:\s*(\S.*)$")
_YAML_DASH = re.compile(r"^\s*(-)(?=\s|$)")
_YAML_STRING = re.compile(r""""(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?""")
_YAML_COMMENT = re.compile(r"(?:^|(?<=\s))#.*$")
_YAML_SCALAR = re.compile(
    r"(?:(?<=: )|(?<=- )|(?<=\[)|(?<=, )|(?<=\{))"
    r"(?:true|false|null|True|False|Null|~|-?\d+(?:\.\d+)?)(?=\s*(?:$|#|,|\]|\}))"
)

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?')
_JSON_KEY_AFTER = re.compile(r"\s*:")
_JSON_NUMBER = re.compile(r"-?\b\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b")
_JSON_CONSTANT = re.compile(r"\b(?:true|false|null)\b")

_CSS_AT_RULE = re.compile(r"@[\w-]+")
_CSS_PROPERTY = re.compile(r"(?:^|(?<=[{;]))\s*(-?[A-Za-z][\w-]*)\s*:")
_CSS_VALUE = re.compile(r"#[0-9A-Fa-f]{3,8}\b|(?<![\w#-])-?\d*\.?\d+(?:[A-Za-z%]+)?")
_CSS_STRING = re.compile(r""""[^"]*"?|'[^']*'?""")
_CSS_IMPORTANT = re.compile(r"!important\b")

_HTML_TAG = re.compile(r"</?[A-Za-z][\w:-]*[^>]*>?|<!DOCTYPE[^>]*>?", re.IGNORECASE)
_HTML_TAG_NAME = re.compile(r"</?([A-Za-z!][\w:-]*)")
_HTML_ATTRIBUTE = re.compile(r"\s([A-Za-z_:@][-\w:.]*)(?=\s*=)")
_HTML_ATTRIBUTE_VALUE = re.compile(r""""[^"]*"?|'[^']*'?""")
_HTML_ENTITY = re.compile(r"&#?\w+;")


class SourceHighlighter(QSyntaxHighlighter):
    """Highlights one of `LANGUAGES`, with Jinja on top wherever the engine runs Jinja."""

    _JINJA_KINDS = frozenset({"block", "yaml", "html"})

    def __init__(self, document: QTextDocument, kind: str, palette: QPalette) -> None:
        super().__init__(document)
        self._kind = kind
        self._formats = _Formats(palette)

    def kind(self) -> str:
        return self._kind

    def set_kind(self, kind: str) -> None:
        self._kind = kind
        self.rehighlight()

    def set_palette(self, palette: QPalette) -> None:
        self._formats = _Formats(palette)
        self.rehighlight()

    # QSyntaxHighlighter ------------------------------------------------------------------

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        previous = self.previousBlockState()
        first = previous == -1
        previous = max(previous, 0)
        region = previous & 3
        jinja_open = (previous >> 2) & 3
        host_comment = bool(previous & _HOST_COMMENT)
        kind = self._kind

        if kind == "block":
            if first:
                region = _REGION_BODY
                if _FRONT_DELIMITER.match(text):
                    self.setFormat(0, len(text), self._formats.front_matter)
                    self.setCurrentBlockState(_REGION_FRONT)
                    return
            elif region == _REGION_FRONT and _FRONT_DELIMITER.match(text):
                # The closing `---`: everything after it is the Markdown body.
                self.setFormat(0, len(text), self._formats.front_matter)
                self.setCurrentBlockState(_REGION_BODY)
                return
            if region == _REGION_FRONT:
                self._yaml(text)
            else:
                self._markdown(text)
        elif kind == "yaml":
            self._yaml(text)
        elif kind == "json":
            self._json(text)
        elif kind == "css":
            host_comment = self._css(text, host_comment)
        elif kind == "html":
            host_comment = self._html(text, host_comment)
        else:
            self.setCurrentBlockState(0)
            return

        jinja_open = self._jinja(text, jinja_open) if kind in self._JINJA_KINDS else _JINJA_NONE
        self.setCurrentBlockState(
            region | (jinja_open << 2) | (_HOST_COMMENT if host_comment else 0)
        )

    # Helpers -----------------------------------------------------------------------------

    def _merge(self, start: int, end: int, fmt: QTextCharFormat) -> None:
        """Add `fmt` to what is already there (bold inside a heading stays a heading)."""
        run_start = start
        while run_start < end:
            current = self.format(run_start)
            run_end = run_start + 1
            while run_end < end and self.format(run_end) == current:
                run_end += 1
            merged = QTextCharFormat(current)
            merged.merge(fmt)
            self.setFormat(run_start, run_end - run_start, merged)
            run_start = run_end

    def _span(self, start: int, end: int, fmt: QTextCharFormat) -> None:
        if end > start:
            self.setFormat(start, end - start, fmt)

    # Jinja -------------------------------------------------------------------------------

    def _jinja(self, text: str, open_kind: int) -> int:
        """Colour every Jinja tag in `text`; return the kind of a tag left open at its end."""
        pos = 0
        kind = open_kind
        while True:
            if kind == _JINJA_NONE:
                match = _JINJA_OPEN.search(text, pos)
                if match is None:
                    return _JINJA_NONE
                kind = _JINJA_KIND[match.group(1)]
                start, search_from = match.start(), match.end()
            else:
                start = search_from = pos
            end = text.find(_JINJA_CLOSE[kind], search_from)
            if end == -1:
                self._jinja_tag(text, start, len(text), kind)
                return kind
            end += 2
            self._jinja_tag(text, start, end, kind)
            pos, kind = end, _JINJA_NONE

    def _jinja_tag(self, text: str, start: int, end: int, kind: int) -> None:
        f = self._formats
        if kind == _JINJA_COMMENT:
            self._span(start, end, f.jinja_comment)
            return
        self._span(start, end, f.jinja)
        inner = text[start:end]
        strings = []
        for match in _JINJA_STRING.finditer(inner):
            strings.append((start + match.start(), start + match.end()))
        for match in _JINJA_KEYWORD.finditer(inner):
            self._span(start + match.start(), start + match.end(), f.jinja_keyword)
        for match in _JINJA_FILTER.finditer(inner):
            self._span(start + match.start(1), start + match.end(1), f.jinja_filter)
        for a, b in strings:
            self._span(a, b, f.jinja_string)
        for match in _JINJA_DELIMITER.finditer(inner):
            self._span(start + match.start(), start + match.end(), f.jinja_delimiter)

    # Markdown ----------------------------------------------------------------------------

    def _markdown(self, text: str) -> None:
        f = self._formats
        heading = _MD_HEADING.match(text)
        if heading:
            self._span(0, len(text), f.heading)
            self._span(heading.start(1), heading.end(1), f.marker)
        elif _MD_RULE.match(text):
            self._span(0, len(text), f.muted)
            return
        elif text.lstrip().startswith("|") or _MD_TABLE_SEPARATOR.match(text):
            if _MD_TABLE_SEPARATOR.match(text) and "-" in text:
                self._span(0, len(text), f.muted)
                return
            for match in _MD_PIPE.finditer(text):
                self._span(match.start(), match.end(), f.marker)
        quote = _MD_QUOTE.match(text)
        if quote:
            self._span(quote.end() - 1, quote.end(), f.marker)
        bullet = _MD_LIST.match(text)
        if bullet and not heading:
            indent = len(bullet.group()) - len(bullet.group().lstrip())
            self._span(bullet.start() + indent, bullet.end(), f.marker)
        for match in _MD_STRONG.finditer(text):
            self._merge(match.start(2), match.end(2), f.strong)
            self._span(match.start(1), match.end(1), f.muted)
            self._span(match.end(2), match.end(), f.muted)
        for match in _MD_EMPHASIS.finditer(text):
            self._merge(match.start(2), match.end(2), f.emphasis)
            self._span(match.start(1), match.end(1), f.muted)
            self._span(match.end(2), match.end(), f.muted)
        for match in _MD_LINK.finditer(text):
            self._span(match.start(), match.end(), f.muted)
            self._span(match.start(1), match.end(1), f.link)
        for match in _MD_AUTOLINK.finditer(text):
            self._span(match.start(), match.end(), f.link)
        for match in _MD_CODE.finditer(text):
            self._span(match.start(), match.end(), f.code)

    # YAML --------------------------------------------------------------------------------

    def _yaml(self, text: str) -> None:
        f = self._formats
        if _YAML_COMMENT_LINE.match(text):
            self._span(0, len(text), f.comment)
            return
        if _YAML_DOCUMENT.match(text):
            self._span(0, len(text), f.front_matter)
            return
        dash = _YAML_DASH.match(text)
        if dash:
            self._span(dash.start(1), dash.end(1), f.marker)
        key = _YAML_KEY.match(text)
        if key:
            self._span(key.start(2), key.end(2), f.key)
        for match in _YAML_FLOW_KEY.finditer(text):
            self._span(match.start(1), match.end(1), f.key)
        for match in _YAML_SCALAR.finditer(text):
            self._span(match.start(), match.end(), f.number)
        strings = []
        for match in _YAML_STRING.finditer(text, key.end() if key else 0):
            strings.append((match.start(), match.end()))
            self._span(match.start(), match.end(), f.string)
        # `#` starts a comment only outside strings ("#0b5fff" is a colour, not a comment).
        comment = len(text)
        for match in _YAML_COMMENT.finditer(text):
            if not any(a <= match.start() < b for a, b in strings):
                comment = match.start()
                self._span(comment, len(text), f.comment)
                break
        when = _YAML_WHEN.match(text)
        if when and when.start(1) < comment:
            end = when.start(1) + len(text[when.start(1) : comment].rstrip())
            self._jinja_tag(text, when.start(1), end, _JINJA_EXPR)

    # JSON --------------------------------------------------------------------------------

    def _json(self, text: str) -> None:
        f = self._formats
        for match in _JSON_NUMBER.finditer(text):
            self._span(match.start(), match.end(), f.number)
        for match in _JSON_CONSTANT.finditer(text):
            self._span(match.start(), match.end(), f.keyword)
        # Strings last: they overwrite any number or constant the regexes found inside them.
        for match in _JSON_STRING.finditer(text):
            is_key = _JSON_KEY_AFTER.match(text, match.end()) is not None
            self._span(match.start(), match.end(), f.key if is_key else f.string)

    # CSS ---------------------------------------------------------------------------------

    def _comments(
        self, text: str, open_: str, close: str, inside: bool
    ) -> tuple[list[tuple[int, int]], bool]:
        """The (start, end) spans of host comments in `text`, and whether one stays open."""
        spans = []
        pos = 0
        while True:
            if not inside:
                start = text.find(open_, pos)
                if start == -1:
                    return spans, False
                search_from = start + len(open_)
            else:
                start = search_from = pos
            end = text.find(close, search_from)
            if end == -1:
                spans.append((start, len(text)))
                return spans, True
            end += len(close)
            spans.append((start, end))
            pos, inside = end, False

    def _css(self, text: str, in_comment: bool) -> bool:
        f = self._formats
        comments, still_open = self._comments(text, "/*", "*/", in_comment)
        brace = text.find("{")
        if brace > 0:
            self._span(0, brace, f.tag)
        body_from = brace + 1 if brace >= 0 else 0
        for match in _CSS_PROPERTY.finditer(text, body_from):
            self._span(match.start(1), match.end(1), f.property)
        for match in _CSS_VALUE.finditer(text, body_from):
            self._span(match.start(), match.end(), f.number)
        for match in _CSS_AT_RULE.finditer(text):
            self._span(match.start(), match.end(), f.keyword)
        for match in _CSS_IMPORTANT.finditer(text):
            self._span(match.start(), match.end(), f.keyword)
        for match in _CSS_STRING.finditer(text):
            self._span(match.start(), match.end(), f.string)
        for start, end in comments:
            self._span(start, end, f.comment)
        return still_open

    # HTML --------------------------------------------------------------------------------

    def _html(self, text: str, in_comment: bool) -> bool:
        f = self._formats
        comments, still_open = self._comments(text, "<!--", "-->", in_comment)
        for tag in _HTML_TAG.finditer(text):
            a = tag.start()
            self._span(a, tag.end(), f.tag)
            source = tag.group()
            for match in _HTML_ATTRIBUTE.finditer(source):
                self._span(a + match.start(1), a + match.end(1), f.attribute)
            for match in _HTML_ATTRIBUTE_VALUE.finditer(source):
                self._span(a + match.start(), a + match.end(), f.string)
            name = _HTML_TAG_NAME.match(source)
            if name:
                self._merge(a + name.start(1), a + name.end(1), f.strong)
        for match in _HTML_ENTITY.finditer(text):
            self._span(match.start(), match.end(), f.number)
        for start, end in comments:
            self._span(start, end, f.comment)
        return still_open


# The editor --------------------------------------------------------------------------------


class _Gutter(QWidget):
    """The strip left of the text: line numbers and problem markers, painted by the editor."""

    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self._editor = editor
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        self._editor._paint_gutter(self, event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            line = self._editor._block_at_y(event.pos().y())
            text = self._editor._tooltip_for_block(line) if line is not None else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)


_WORD_CHARS = re.compile(r"[\w./-]")
# Where a name is expected outside `{{ … }}`/`{% … %}`: `block("…` in any file, and the values
# of `block:`, `address_block:` and `when:` (a Jinja expression) in templates.
_BLOCK_CALL = re.compile(r"""block\(\s*["']$""")
_YAML_BLOCK_VALUE = re.compile(r"""^\s*(?:-\s+)?(?:block|address_block):\s*["']?$""")
_YAML_WHEN_VALUE = re.compile(r"^\s*(?:-\s+)?when:\s")


def _expects_name(before: str) -> bool:
    """Whether the text before a word on its line puts that word where a name belongs."""
    for opener, closer in (("{{", "}}"), ("{%", "%}")):
        at = before.rfind(opener)
        if at != -1 and before.find(closer, at + 2) == -1:
            return True
    return bool(
        _BLOCK_CALL.search(before)
        or _YAML_BLOCK_VALUE.match(before)
        or _YAML_WHEN_VALUE.match(before)
    )



def plain_text(edit: QPlainTextEdit) -> str:
    """The text of EDIT exactly as typed. QPlainTextEdit.toPlainText() turns no-break spaces
    (U+00A0, "100\u00a0€" kept on one line) into plain ones, so saving after any edit
    changed every line that had one; the document's raw text keeps them, its blocks parted by
    U+2029."""
    return edit.document().toRawText().replace("\u2029", "\n")

class CodeEditor(QPlainTextEdit):
    """A plain-text editor for block, template, layout, style and data files.

    It knows nothing of projects or files: the caller sets the text, the language, the problems
    (already filtered to this file) and the completion words, and listens to `edited`.
    """

    edited = Signal()
    """The user changed the text (typing, pasting, undo, a completion); never `set_text`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._setting_text = False
        self._problems: list[Problem] = []
        self._problem_marks: list[tuple[Problem, QTextEdit.ExtraSelection]] = []
        self._highlighter = SourceHighlighter(self.document(), "text", self.palette())
        self._gutter = _Gutter(self)

        self._words = QStringListModel(self)
        self._completer = QCompleter(self._words, self)
        self._completer.setWidget(self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self._completer.setModelSorting(QCompleter.ModelSorting.CaseInsensitivelySortedModel)
        self._completer.activated[str].connect(self._insert_completion)

        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        # Not textChanged: re-highlighting (a language or palette switch) emits that too.
        self.document().contentsChange.connect(self._on_contents_change)
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._update_gutter)
        self.cursorPositionChanged.connect(self._on_cursor_moved)
        self._apply_font()
        self._refresh_selections()

    # Text --------------------------------------------------------------------------------

    def set_text(self, text: str) -> None:
        """Replace the text without emitting `edited` and with an empty undo history."""
        self._setting_text = True
        try:
            self.setPlainText(text)  # also clears the undo stack
            self.document().setModified(False)
        finally:
            self._setting_text = False
        self._mark_problems()

    def text(self) -> str:
        return plain_text(self)

    def set_language(self, kind: str) -> None:
        """Highlight the text as one of `LANGUAGES`."""
        if kind not in LANGUAGES:
            raise ValueError(f"unknown language {kind!r}; expected one of {', '.join(LANGUAGES)}")
        self._highlighter.set_kind(kind)

    def language(self) -> str:
        return self._highlighter.kind()

    def go_to(self, line: int, col: int = 0) -> None:
        """Put the cursor on 1-based `line` (0: the first) and `col` (0: line start), centred."""
        block = self._block_for_line(line)
        offset = min(max(col - 1, 0), block.length() - 1)
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + offset)
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # Problems ----------------------------------------------------------------------------

    def set_problems(self, problems: Iterable[Problem]) -> None:
        """Show `problems` (all for this file): underlines, gutter markers and tooltips."""
        self._problems = list(problems)
        self._mark_problems()

    def problems(self) -> list[Problem]:
        return list(self._problems)

    def severity_color(self, severity: Severity | str) -> QColor:
        """The colour this editor marks a problem of `severity` with."""
        return severity_color(severity, self.palette())

    def problem_tooltip_at(self, pos: QPoint) -> str:
        """The tooltip for viewport position `pos`: the problems on that line, or ''."""
        block = self._block_at_y(pos.y())
        return self._tooltip_for_block(block) if block is not None else ""

    # Completion --------------------------------------------------------------------------

    def set_completions(self, words: Iterable[str]) -> None:
        """The names offered while typing in Jinja or a block reference (fields, blocks,...)."""
        self._words.setStringList(sorted(set(words), key=str.casefold))

    def completer(self) -> QCompleter:
        return self._completer

    # Gutter ------------------------------------------------------------------------------

    def gutter_width(self) -> int:
        """Width of the line-number strip: a marker column plus room for the last number."""
        digits = max(2, len(str(max(1, self.blockCount()))))
        metrics = self.fontMetrics()
        return self._marker_width() + metrics.horizontalAdvance("9") * digits + 8

    def _marker_width(self) -> int:
        return max(8, self.fontMetrics().height() * 2 // 3)

    def _update_gutter_width(self, _count: int = 0) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())
        if rect.contains(self.viewport().rect()):
            self._update_gutter_width()

    def _paint_gutter(self, gutter: QWidget, event: QPaintEvent) -> None:
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        painter = QPainter(gutter)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(event.rect(), _mix(base, text, 0.05))
        painter.setFont(self.font())
        metrics = self.fontMetrics()
        severities = self._severity_by_block()
        current = self.textCursor().blockNumber()
        marker = self._marker_width()
        number_right = gutter.width() - 4

        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                severity = severities.get(number)
                if severity is not None:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(self.severity_color(severity))
                    size = marker - 4
                    y = top + (metrics.height() - size) // 2
                    painter.drawEllipse(3, y, size, size)
                font = QFont(self.font())
                font.setBold(number == current)
                painter.setFont(font)
                painter.setPen(text if number == current else _mix(text, base, 0.5))
                painter.drawText(
                    marker,
                    top,
                    number_right - marker,
                    metrics.height(),
                    Qt.AlignmentFlag.AlignRight,
                    str(number + 1),
                )
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1
        painter.end()

    # Qt overrides ------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        rect = self.contentsRect()
        self._gutter.setGeometry(rect.left(), rect.top(), self.gutter_width(), rect.height())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            # A switch between light and dark: every colour is derived from the palette.
            self._highlighter.set_palette(self.palette())
            self._mark_problems()
            self._gutter.update()
        elif event.type() == QEvent.Type.FontChange:
            self._apply_font()

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.problem_tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        key = event.key()
        popup = self._completer.popup()
        if popup.isVisible():
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab):
                # Real key presses reach the popup first and QCompleter accepts them itself;
                # this path serves key events delivered straight to the editor.
                index = popup.currentIndex()
                if not index.isValid():
                    index = self._completer.completionModel().index(0, 0)
                popup.hide()
                if index.isValid():
                    self._insert_completion(str(index.data()))
                return
            if key == Qt.Key.Key_Escape:
                popup.hide()
                return

        modifiers = event.modifiers()
        control = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier
        if key == Qt.Key.Key_Space and modifiers & control:
            self._update_completion(forced=True)
            return
        if key == Qt.Key.Key_Tab and not modifiers & control:
            self._indent()
            return
        if key == Qt.Key.Key_Backtab:
            self._dedent()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not modifiers & control:
            # Shift+Enter too: Qt would insert a U+2028 line separator, which no file wants.
            self._new_line_keeping_indent()
            return

        super().keyPressEvent(event)
        typed = event.text()
        if (typed and typed.isprintable()) or popup.isVisible() or key == Qt.Key.Key_Backspace:
            self._update_completion()

    # Internals ---------------------------------------------------------------------------

    def _apply_font(self) -> None:
        metrics = self.fontMetrics()
        self.setTabStopDistance(metrics.horizontalAdvance(" ") * len(INDENT))
        self._gutter.setFont(self.font())
        self._completer.popup().setFont(self.font())
        self._update_gutter_width()

    def _on_contents_change(self, _position: int, removed: int, added: int) -> None:
        if (removed or added) and not self._setting_text:
            self.edited.emit()

    def _on_cursor_moved(self) -> None:
        self._refresh_selections()
        self._gutter.update()

    def _block_for_line(self, line: int) -> QTextBlock:
        document = self.document()
        number = min(max(line, 1), document.blockCount()) - 1
        return document.findBlockByNumber(number)

    def _block_at_y(self, y: int) -> int | None:
        """The block number at viewport height `y`, or None below the last line."""
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > y:
                return None
            if block.isVisible() and y < geometry.bottom():
                return block.blockNumber()
            block = block.next()
        return None

    def _mark_problems(self) -> None:
        """Anchor each problem to text cursors, which then follow the user's edits."""
        self._problem_marks = []
        palette = self.palette()
        for problem in self._problems:
            block = self._block_for_line(problem.line)
            start = block.position()
            end = start + block.length() - 1
            if problem.col > 0 and start + problem.col - 1 < end:
                start += problem.col - 1
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
            fmt.setUnderlineColor(severity_color(problem.severity, palette))
            selection.format = fmt
            self._problem_marks.append((problem, selection))
        # The worst problem is drawn last so its colour wins where two overlap.
        self._problem_marks.sort(key=lambda mark: _SEVERITY_RANK[Severity(mark[0].severity)])
        self._refresh_selections()
        self._gutter.update()

    def _refresh_selections(self) -> None:
        palette = self.palette()
        current = QTextEdit.ExtraSelection()
        current.format.setBackground(
            _mix(
                palette.color(QPalette.ColorRole.Base),
                palette.color(QPalette.ColorRole.Highlight),
                0.10,
            )
        )
        current.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        cursor = self.textCursor()
        cursor.clearSelection()
        current.cursor = cursor
        self.setExtraSelections([current] + [selection for _, selection in self._problem_marks])

    def _marked_block(self, selection: QTextEdit.ExtraSelection) -> int:
        return self.document().findBlock(selection.cursor.selectionStart()).blockNumber()

    def _severity_by_block(self) -> dict[int, Severity]:
        worst: dict[int, Severity] = {}
        for problem, selection in self._problem_marks:
            number = self._marked_block(selection)
            severity = Severity(problem.severity)
            if number not in worst or _SEVERITY_RANK[severity] > _SEVERITY_RANK[worst[number]]:
                worst[number] = severity
        return worst

    def _tooltip_for_block(self, number: int) -> str:
        lines = [
            f"{problem.severity}: {problem_text(problem)}"
            for problem, selection in self._problem_marks
            if self._marked_block(selection) == number
        ]
        return "\n".join(reversed(lines))  # worst first

    # Editing helpers ---------------------------------------------------------------------

    def _indent(self) -> None:
        cursor = self.textCursor()
        if not cursor.hasSelection() or not self._selection_spans_lines(cursor):
            cursor.insertText(INDENT)
            return
        self._for_selected_lines(lambda line: line.insertText(INDENT))

    def _dedent(self) -> None:
        def remove(line: QTextCursor) -> None:
            text = line.block().text()
            count = len(text) - len(text.lstrip(" "))
            line.movePosition(
                QTextCursor.MoveOperation.Right,
                QTextCursor.MoveMode.KeepAnchor,
                min(count, len(INDENT)),
            )
            line.removeSelectedText()

        self._for_selected_lines(remove)

    @staticmethod
    def _selection_spans_lines(cursor: QTextCursor) -> bool:
        document = cursor.document()
        first = document.findBlock(cursor.selectionStart())
        return first != document.findBlock(cursor.selectionEnd())

    def _for_selected_lines(self, edit: Callable[[QTextCursor], None]) -> None:
        cursor = self.textCursor()
        document = self.document()
        first = document.findBlock(cursor.selectionStart()).blockNumber()
        last_block = document.findBlock(cursor.selectionEnd())
        last = last_block.blockNumber()
        # A selection ending at a line's very start does not take that line along.
        if (
            cursor.hasSelection()
            and cursor.selectionEnd() == last_block.position()
            and last > first
        ):
            last -= 1
        cursor.beginEditBlock()  # one undo step for the whole indent
        for number in range(first, last + 1):
            line = QTextCursor(document.findBlockByNumber(number))
            edit(line)
        cursor.endEditBlock()

    def _new_line_keeping_indent(self) -> None:
        cursor = self.textCursor()
        before = cursor.block().text()[: cursor.positionInBlock()]
        indent = before[: len(before) - len(before.lstrip(" \t"))]
        cursor.beginEditBlock()
        cursor.insertBlock()
        cursor.insertText(indent)
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def _word_bounds(self) -> tuple[int, int, int]:
        """(start, cursor, end) in the current line of the word the cursor is in or after."""
        cursor = self.textCursor()
        text = cursor.block().text()
        pos = cursor.positionInBlock()
        start = pos
        while start > 0 and _WORD_CHARS.match(text[start - 1]):
            start -= 1
        end = pos
        while end < len(text) and _WORD_CHARS.match(text[end]):
            end += 1
        return start, pos, end

    def _update_completion(self, forced: bool = False) -> None:
        popup = self._completer.popup()
        if self.textCursor().hasSelection():
            popup.hide()
            return
        start, pos, _end = self._word_bounds()
        line = self.textCursor().block().text()
        word = line[start:pos]
        wanted = (
            forced
            or (len(word) >= 2 and _expects_name(line[:start]))
            or (popup.isVisible() and bool(word))
        )
        if not wanted:
            popup.hide()
            return
        if word != self._completer.completionPrefix():
            self._completer.setCompletionPrefix(word)
        model = self._completer.completionModel()
        if self._completer.completionCount() == 0 or (
            not forced
            and self._completer.completionCount() == 1
            and str(model.index(0, 0).data()) == word
        ):
            popup.hide()  # nothing to offer, or the word is already complete
            return
        popup.setCurrentIndex(model.index(0, 0))
        rect = self.cursorRect()
        rect.translate(self.viewport().pos())
        rect.setWidth(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width() + 8)
        self._completer.complete(rect)

    def _insert_completion(self, completion: str) -> None:
        """Replace the whole word around the cursor (not just the typed part) by `completion`."""
        start, _pos, end = self._word_bounds()
        cursor = self.textCursor()
        block_start = cursor.block().position()
        cursor.setPosition(block_start + start)
        cursor.setPosition(block_start + end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(completion)
        self.setTextCursor(cursor)
