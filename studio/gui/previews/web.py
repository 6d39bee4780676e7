"""The email and mobile previews: untrusted HTML in a locked-down QWebEngineView."""

from __future__ import annotations

import json
import re
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QChildEvent,
    QEvent,
    QObject,
    QPoint,
    QRectF,
    QSize,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineScript,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio.core.channels import Rendition
from studio.core.mailview import MailView, inline_cid_references, mail_view  # noqa: F401
from studio.gui.previews.base import OUTLINE_COLOUR, ClickFilter, PreviewPane

BASE_URL = QUrl("about:blank")

# Schemes a preview may load: the document itself and what is inlined in it. Everything else
# (http, file, cid, ...) is refused, so a template cannot phone home or read local files.
_LOCAL_SCHEMES = frozenset({"data", "about", "blob"})

_DARK = re.compile(r"prefers-color-scheme\s*:\s*dark", re.IGNORECASE)
_LIGHT = re.compile(r"prefers-color-scheme\s*:\s*light", re.IGNORECASE)
_META_SCHEME = re.compile(
    r"""(<meta\s+name=["'](?:color-scheme|supported-color-schemes)["']\s+content=["'])[^"']*""",
    re.IGNORECASE,
)


# -- content transforms (pure functions, tested without a view) ----------------------------


def color_scheme_html(html: str, dark: bool) -> str:
    """The HTML pinned to one colour scheme, whatever the desktop's preference.

    The media queries are rewritten into ones that are always true (`min-width: 0px`) or never
    true (`max-width: 0px`): deterministic, and no browser flag or JavaScript needed.
    """
    always, never = "min-width: 0px", "max-width: 0px"
    html = _DARK.sub(always if dark else never, html)
    html = _LIGHT.sub(never if dark else always, html)
    # "light dark" would let the engine's own defaults (canvas, scrollbars) follow the desktop.
    return _META_SCHEME.sub(lambda m: m.group(1) + ("dark" if dark else "light"), html)


# -- the locked-down web view --------------------------------------------------------------


class _LocalOnlyInterceptor(QWebEngineUrlRequestInterceptor):
    """Blocks every request that would leave the document (network, files, cid:)."""

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802
        if info.requestUrl().scheme().lower() not in _LOCAL_SCHEMES:
            info.block(True)


class _PreviewPage(QWebEnginePage):
    """A page that shows what it is given and goes nowhere else (clicked links included)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        settings = self.settings()
        Attribute = QWebEngineSettings.WebAttribute
        for attribute, on in (
            (Attribute.JavascriptEnabled, False),
            (Attribute.JavascriptCanOpenWindows, False),
            (Attribute.LocalContentCanAccessRemoteUrls, False),
            (Attribute.LocalContentCanAccessFileUrls, False),
            (Attribute.PluginsEnabled, False),
            (Attribute.DnsPrefetchEnabled, False),
            (Attribute.HyperlinkAuditingEnabled, False),
            (Attribute.NavigateOnDropEnabled, False),
            (Attribute.WebGLEnabled, False),
            (Attribute.AllowRunningInsecureContent, False),
            (Attribute.ForceDarkMode, False),  # our Light/Dark rewrite is the only dark mode
            (Attribute.AutoLoadImages, True),  # data: images only, the interceptor sees to it
        ):
            settings.setAttribute(attribute, on)
        # The page owns the interceptor, so it lives exactly as long as the page needs it.
        self._interceptor = _LocalOnlyInterceptor(self)
        self.setUrlRequestInterceptor(self._interceptor)

    def acceptNavigationRequest(  # noqa: N802 (Qt's name)
        self, url: QUrl | str, navigation_type: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        return QUrl(url).scheme().lower() in _LOCAL_SCHEMES


def preview_web_view(parent: QWidget | None = None) -> QWebEngineView:
    """A QWebEngineView for untrusted HTML: no JavaScript, no network, no navigation."""
    view = QWebEngineView(parent)
    view.setPage(_PreviewPage(view))
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    return view


_BODY = re.compile(r"(<body\b[^>]*>)(.*)(</body\s*>)", re.S | re.I)


def split_body(html: str) -> tuple[str, str] | None:
    """(the page without its body's content, the body's content), None without a body."""
    found = _BODY.search(html)
    if found is None:
        return None
    return html[: found.start(2)] + html[found.end(2):], found.group(2)


class _WebPreview(PreviewPane):
    """What the email and mobile previews share: the web view, its HTML and a Dark toggle."""

    #: Emitted when the view has finished loading the HTML last given to it.
    htmlLoaded = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source_html = ""
        self._html = ""
        self._dark = False
        self._reveal: str | None = None
        self._scrolled_to: float | None = None
        self._loaded = False  # the view shows self._html, loaded: its body can be patched
        self._patches = 0  # loads done by patching the body, not by setHtml
        self._view = preview_web_view()
        self._view.setObjectName("webView")
        self._view.loadFinished.connect(self._on_load_finished)
        # Click to edit: Chromium's widget (a child of the view, made when it first paints)
        # gets the mouse; the filter sees a click and asks the page which block is there.
        self._clicks = ClickFilter(self, self.click_at)
        self._view.installEventFilter(self)
        for child in self._view.findChildren(QWidget):
            self._clicks.watch(child)
        self._dark_button = self._tool_button(
            self.tr("Dark"), self.tr("Preview as a reader in dark mode sees it"), "darkMode"
        )
        self._dark_button.setCheckable(True)
        self._dark_button.toggled.connect(self.set_dark)

    def html(self) -> str:
        """The HTML last given to the web view (after cid and colour-scheme rewriting)."""
        return self._html

    def view(self) -> QWebEngineView:
        return self._view

    def is_dark(self) -> bool:
        return self._dark

    def set_dark(self, dark: bool) -> None:
        """Show the page as a reader whose device is in dark (or light) mode sees it."""
        if self._dark_button.isChecked() != dark:
            self._dark_button.setChecked(dark)  # comes back here through `toggled`
            return
        if dark == self._dark:
            return
        self._dark = dark
        if self._source_html:
            self._load_html(self._source_html)

    def _load_html(self, html: str) -> None:
        self._source_html = html
        before, self._html = self._html, color_scheme_html(html, self._dark)
        old, new = split_body(before), split_body(self._html)
        if self._loaded and old is not None and new is not None and old[0] == new[0]:
            # Only the body changed (an edit of the text): patch it in place, so the reader
            # keeps their place on the page, and it costs a few ms rather than a page load.
            # In Qt's isolated world: page scripts stay off, and innerHTML runs none.
            self._patches += 1
            self._view.page().runJavaScript(
                f"document.body.innerHTML = {json.dumps(new[1])}; window.scrollY;",
                QWebEngineScript.ScriptWorldId.ApplicationWorld,
                lambda _y: self._on_patched(),
            )
            return
        self._loaded = False
        # setHtml goes through a data: URL, which Chromium caps at 2 MB; renditions are far
        # smaller because images are the only large things and they are logos.
        self._view.setHtml(self._html, BASE_URL)

    def _on_patched(self) -> None:
        if self._reveal:
            self._scroll_to_block()
        if self._outlined:
            self._show_outline()
        self._shown()
        self.htmlLoaded.emit(True)

    def _shown(self) -> None:
        """The view shows new HTML (loaded or patched): a subclass may look at the page."""

    def patches(self) -> int:
        """How many renditions were shown by patching the page's body (scroll kept)."""
        return self._patches

    def scroll_position(self) -> float:
        """The page's vertical scroll in CSS pixels, as Chromium last reported it."""
        return float(self._view.page().scrollPosition().y()) / max(self._view.zoomFactor(),
                                                                    0.01)

    def _clear_content(self) -> None:
        self._source_html = self._html = ""
        self._loaded = False
        self._view.setHtml("", BASE_URL)

    def reveal_block(self, block: str | None) -> None:
        """Keep the section of BLOCK in view (the review shows where a block is), now and
        after every load. Page scripts stay off: this runs in Qt's isolated application world,
        and only scrolls."""
        self._reveal = block
        if block and self._html:
            self._scroll_to_block()

    def _scroll_to_block(self) -> None:
        selector = json.dumps(f'[data-block="{self._reveal}"]')
        self._view.page().runJavaScript(
            f"(function(){{var e=document.querySelector({selector});"
            "if(e){e.scrollIntoView({block:'start'});}return window.scrollY;})()",
            QWebEngineScript.ScriptWorldId.ApplicationWorld,
            lambda y: setattr(self, "_scrolled_to", y),
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self._view and isinstance(event, QChildEvent) and event.added():
            child = event.child()
            if isinstance(child, QWidget):
                self._clicks.watch(child)
        return super().eventFilter(watched, event)

    def _show_outline(self) -> None:
        """The outlined block's elements get the class `missiva-outline` (and a style sheet
        that draws it); the others lose it. In Qt's isolated world: it only marks the page."""
        if not self._html:
            return
        self._view.page().runJavaScript(
            "(function(b){var d=document;if(!d.getElementById('missiva-outline')){"
            "var s=d.createElement('style');s.id='missiva-outline';"
            f"s.textContent='.missiva-outline{{outline:2px solid {OUTLINE_COLOUR} !important;"
            "outline-offset:2px;}';(d.head||d.documentElement).appendChild(s);}"
            "d.querySelectorAll('.missiva-outline').forEach(function(e){"
            "e.classList.remove('missiva-outline');});"
            "if(b){d.querySelectorAll('[data-block]').forEach(function(e){"
            "if(e.getAttribute('data-block')===b){e.classList.add('missiva-outline');}});}"
            "return d.querySelectorAll('.missiva-outline').length;})"
            f"({json.dumps(self._outlined)})",
            QWebEngineScript.ScriptWorldId.ApplicationWorld,
        )

    def click_at(self, pos: QPoint) -> None:
        """Ask the page which block's paragraph is at POS (view pixels); blockClicked follows.
        Runs in Qt's isolated world, page scripts stay off, and only reads the page."""
        if not self._html:
            return
        zoom = self._view.zoomFactor() or 1.0
        self._view.page().runJavaScript(
            "(function(x,y){var e=document.elementFromPoint(x,y);if(!e)return null;"
            "var b=e.closest('[data-block]');if(!b)return null;"
            "var p=e.closest('p,li,td,th,h1,h2,h3,h4,h5,h6')||e;"
            # A string: QtWebEngine hands arrays back empty.
            "return JSON.stringify([b.getAttribute('data-block'),"
            "(p.innerText||p.textContent||'').slice(0,500)]);}"
            f")({pos.x() / zoom:.1f},{pos.y() / zoom:.1f})",
            QWebEngineScript.ScriptWorldId.ApplicationWorld,
            self._on_clicked,
        )

    def _on_clicked(self, found: Any) -> None:
        try:
            block, text = json.loads(found) if isinstance(found, str) else (None, "")
        except ValueError:
            return
        if block:
            self.blockClicked.emit(str(block), str(text or ""))

    def scrolled_to(self) -> float:
        """Where the last reveal_block left the page (pixels from the top)."""
        return float(self._scrolled_to or 0)

    def _on_load_finished(self, ok: bool) -> None:
        self._loaded = ok and bool(self._html)
        if ok and self._reveal:
            self._scroll_to_block()
        if self._loaded and self._outlined:
            self._show_outline()
        if self._loaded:
            self._shown()
        self.htmlLoaded.emit(ok)


# -- email ---------------------------------------------------------------------------------


_MIN_FIT_ZOOM = 0.25  # Chromium's smallest zoom; below it the text is a grey blur anyway
# A mail client's reading pane shows a message at least 600 CSS px wide (the width emails are
# designed for; ours is an mj-body of 600px), plus its scrollbar: narrower, the pane zooms out
# rather than showing a phone's layout (the mobile pane's job) or a horizontal scrollbar.
_EMAIL_WIDTH = 616.0


class EmailPreview(_WebPreview):
    """The email as a mail client shows it: headers, preheader, then the HTML (or text) part."""

    channel = "email"
    title = QT_TRANSLATE_NOOP("PreviewPane", "Email")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mail: MailView | None = None

        # How wide the message is laid out (CSS px), when it was seen wider than _EMAIL_WIDTH:
        # a pane narrower than that zooms out to show it whole, as mail clients' previews do.
        self._natural_width: float | None = None
        self._fitting = 0
        self._text_button = self._tool_button(
            self.tr("Text"), self.tr("Show the plain-text part"), "textPart"
        )
        self._text_button.setCheckable(True)
        self._text_button.toggled.connect(self.set_show_text)

        header = QFrame()
        header.setObjectName("mailHeader")
        self._mail_header = header
        header.setAutoFillBackground(True)
        header.setBackgroundRole(QPalette.ColorRole.Base)
        grid = QGridLayout(header)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        self._subject = self._header_value(header, "mailSubject")
        subject_font = QFont(self._subject.font())
        subject_font.setBold(True)
        subject_font.setPointSizeF(subject_font.pointSizeF() * 1.2)
        self._subject.setFont(subject_font)
        grid.addWidget(self._subject, 0, 0, 1, 2)
        self._fields: dict[str, QLabel] = {}
        for row, (key, label) in enumerate(
            (("from", self.tr("From")), ("to", self.tr("To")), ("date", self.tr("Date"))), 1
        ):
            name = QLabel(label, header)
            name.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            self._fields[key] = self._header_value(header, f"mail{key.title()}")
            grid.addWidget(self._fields[key], row, 1)
        self._preheader = self._header_value(header, "mailPreheader")
        self._preheader.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        grid.addWidget(self._preheader, 4, 0, 1, 2)
        grid.setColumnStretch(1, 1)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Plain)
        line.setForegroundRole(QPalette.ColorRole.Mid)

        self._text = QPlainTextEdit()
        self._text.setObjectName("mailText")
        self._text.setReadOnly(True)
        self._text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._text.setFrameShape(QFrame.Shape.NoFrame)

        self._body = QStackedWidget()
        self._body.addWidget(self._view)
        self._body.addWidget(self._text)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(line)
        layout.addWidget(self._body, 1)
        self._set_content(content)

    @staticmethod
    def _header_value(parent: QWidget, name: str) -> QLabel:
        label = QLabel(parent)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)  # headers are data, never markup
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # -- public API ----------------------------------------------------------------------

    def mail(self) -> MailView | None:
        """The parsed message last shown."""
        return self._mail

    def headers(self) -> dict[str, str]:
        """The header as shown: subject, from, to, date, preheader."""
        shown = {key: label.text() for key, label in self._fields.items()}
        return {**shown, "subject": self._subject.text(), "preheader": self._preheader.text()}

    def is_showing_text(self) -> bool:
        return self._body.currentWidget() is self._text

    def plain_text(self) -> str:
        """The text/plain part as shown in Text mode."""
        return self._text.toPlainText()

    def set_show_text(self, text: bool) -> None:
        """Show the text/plain part instead of the HTML."""
        if self._text_button.isChecked() != text:
            self._text_button.setChecked(text)  # comes back here through `toggled`
            return
        self._body.setCurrentWidget(self._text if text else self._view)

    # -- PreviewPane ---------------------------------------------------------------------

    def _display(self, rendition: Rendition) -> None:
        # Taken apart by the preview worker beside the render (a rendition from elsewhere is
        # parsed here): the GUI thread does not parse a long message at every keystroke.
        prepared = rendition.view
        mail = prepared if isinstance(prepared, MailView) else mail_view(rendition.content)
        facts = rendition.facts
        self._mail = mail
        self._subject.setText(str(facts.get("subject") or mail.subject))
        self._fields["from"].setText(mail.sender)
        self._fields["to"].setText(str(facts.get("to") or mail.to))
        self._fields["date"].setText(mail.date)
        preheader = str(facts.get("preheader") or "")
        self._preheader.setText(preheader)
        self._preheader.setVisible(bool(preheader))
        self._text.setPlainText(mail.text)
        self._fit_mail_header()
        self._load_html(mail.html)

    def _fit_mail_header(self) -> None:
        # Wrapped subject and addresses in a narrow pane need more lines than the stack the
        # header sits in asks for: give it the height its width needs, so nothing is cut.
        layout = self._mail_header.layout()
        width = self.width()  # the header spans the pane; its own width may not be set yet
        height = layout.totalHeightForWidth(width)
        if height < 0:  # -1: no height for this width (a pane not laid out yet): its own hint
            height = layout.totalSizeHint().height()
        self._mail_header.setFixedHeight(height)

    def _clear_content(self) -> None:
        super()._clear_content()
        self._mail = None
        self._text.clear()

    # -- fitting the message to the pane --------------------------------------------------

    def fit_zoom(self) -> float:
        """How much the message is scaled down to fit the pane's width (1.0: actual size)."""
        return self._view.zoomFactor()

    def _shown(self) -> None:
        self._fitting = 0
        self._apply_zoom()
        self._measure()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_mail_header()
        self._apply_zoom()
        self._fitting = 0
        self._measure()

    def _measure(self) -> None:
        if not self._html:
            return
        self._view.page().runJavaScript(
            # A string: QtWebEngine hands arrays back empty.
            "var d = document.documentElement;"
            "d.scrollWidth + ' ' + d.clientWidth + ' ' + window.innerWidth",
            QWebEngineScript.ScriptWorldId.ApplicationWorld, self._on_measured)

    def _on_measured(self, sizes: Any) -> None:
        try:
            scroll, client, inner = (float(size) for size in str(sizes).split())
        except ValueError:
            return
        if scroll > client + 1 and self._fitting < 3:
            # Wider than the pane: its width, plus the scrollbar's (one measurement: the zoom
            # may have changed since).
            self._natural_width = scroll + max(0.0, inner - client)
            self._fitting += 1  # a few rounds settle the scrollbar's share; never a loop
            self._apply_zoom()
            self._measure()

    def _apply_zoom(self) -> None:
        needed = max(_EMAIL_WIDTH, self._natural_width or 0.0)
        zoom = min(1.0, max(_MIN_FIT_ZOOM, self._view.width() / needed))
        if abs(zoom - self._view.zoomFactor()) > 0.001:
            self._view.setZoomFactor(zoom)


# -- mobile --------------------------------------------------------------------------------


class _PhoneFrame(QWidget):
    """A phone: a rounded dark bezel around the web view, scaled down to fit when needed."""

    _SIDE = 12
    _TOP = 30
    _BOTTOM = 30
    _MARGIN = 16

    def __init__(self, view: QWebEngineView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view = view
        view.setParent(self)
        self._viewport = QSize(360, 800)
        self._scale = 1.0
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        view.loadFinished.connect(self._apply_zoom)

    def viewport_size(self) -> QSize:
        return QSize(self._viewport)

    def scale(self) -> float:
        return self._scale

    def set_viewport(self, size: QSize) -> None:
        self._viewport = QSize(size)
        self._place()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(
            self._viewport.width() + 2 * (self._SIDE + self._MARGIN),
            self._viewport.height() + self._TOP + self._BOTTOM + 2 * self._MARGIN,
        )

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(160, 240)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._place()

    def _phone_rect(self) -> QRectF:
        s = self._scale
        width = (self._viewport.width() + 2 * self._SIDE) * s
        height = (self._viewport.height() + self._TOP + self._BOTTOM) * s
        return QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)

    def _place(self) -> None:
        room_w = max(1, self.width() - 2 * self._MARGIN)
        room_h = max(1, self.height() - 2 * self._MARGIN)
        phone_w = self._viewport.width() + 2 * self._SIDE
        phone_h = self._viewport.height() + self._TOP + self._BOTTOM
        # Never enlarge (a 393 px phone shown at 393 px is the truth); 0.25 is the engine's
        # smallest zoom factor.
        self._scale = max(0.25, min(1.0, room_w / phone_w, room_h / phone_h))
        phone = self._phone_rect()
        self._view.setGeometry(
            round(phone.x() + self._SIDE * self._scale),
            round(phone.y() + self._TOP * self._scale),
            round(self._viewport.width() * self._scale),
            round(self._viewport.height() * self._scale),
        )
        self._apply_zoom()
        self.update()

    def _apply_zoom(self, *_: Any) -> None:
        # The zoom makes the view's CSS width the viewport's width whatever its pixel size;
        # re-applied after each load because a new document may start at the default zoom.
        self._view.setZoomFactor(self._scale)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        phone = self._phone_rect()
        s = self._scale
        # A hairline lighter than the bezel keeps the phone's outline visible on dark themes.
        painter.setPen(QPen(QColor("#4b4b50"), 1.0))
        painter.setBrush(QColor("#1c1c1e"))
        painter.drawRoundedRect(phone.adjusted(0.5, 0.5, -0.5, -0.5), 40 * s, 40 * s)
        # The earpiece, so the phone reads as upright at a glance.
        speaker = QRectF(0, 0, 56 * s, 6 * s)
        speaker.moveCenter(phone.center())
        speaker.moveTop(phone.top() + (self._TOP * s - speaker.height()) / 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#3a3a3c"))
        painter.drawRoundedRect(speaker, 3 * s, 3 * s)
        painter.end()


class MobilePreview(_WebPreview):
    """The mobile page in a phone of a chosen viewport, in light or dark mode."""

    channel = "mobile"
    title = QT_TRANSLATE_NOOP("PreviewPane", "Mobile")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._viewports: list[tuple[str, int, int]] = []
        self._combo = QComboBox(self)
        self._combo.setObjectName("viewportPreset")
        self._combo.setToolTip(self.tr("Viewport"))
        self._combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._combo.currentIndexChanged.connect(self._on_viewport_chosen)
        # The preset combo goes before the Dark toggle added by _WebPreview.
        self._tools_layout.insertWidget(0, self._combo)
        # Phones overlay their scrollbars; a desktop scrollbar would steal CSS width.
        self._view.settings().setAttribute(QWebEngineSettings.WebAttribute.ShowScrollBars, False)
        self._phone = _PhoneFrame(self._view)
        self._phone.setObjectName("phoneFrame")
        self._set_content(self._phone)

    # -- public API ----------------------------------------------------------------------

    def viewport(self) -> tuple[int, int]:
        """The CSS width and height the page is laid out in."""
        size = self._phone.viewport_size()
        return size.width(), size.height()

    def viewport_names(self) -> list[str]:
        return [name for name, _, _ in self._viewports]

    def set_viewport(self, name: str) -> None:
        """Choose a preset by name (as in the rendition's facts)."""
        names = self.viewport_names()
        if name not in names:
            raise KeyError(name)
        self._combo.setCurrentIndex(names.index(name))

    def zoom(self) -> float:
        """How much the phone is scaled down to fit the pane (1.0: actual size)."""
        return self._phone.scale()

    # -- PreviewPane ---------------------------------------------------------------------

    def _display(self, rendition: Rendition) -> None:
        viewports = [
            (str(v.get("name", "")), int(v["width"]), int(v["height"]))
            for v in rendition.facts.get("viewports", ())
        ] or [("Default", 360, 800)]
        if viewports != self._viewports:
            current = self._combo.currentText().split(" — ")[0]
            self._viewports = viewports
            blocked = self._combo.blockSignals(True)
            self._combo.clear()
            for name, width, height in viewports:
                self._combo.addItem(f"{name} — {width}×{height}")
            names = self.viewport_names()
            # Keep the reader's chosen phone across edits when the project still has it.
            self._combo.setCurrentIndex(names.index(current) if current in names else 0)
            self._combo.blockSignals(blocked)
            self._on_viewport_chosen(self._combo.currentIndex())
        self._load_html(rendition.content.decode("utf-8", "replace"))

    def _on_viewport_chosen(self, index: int) -> None:
        if 0 <= index < len(self._viewports):
            _, width, height = self._viewports[index]
            self._phone.set_viewport(QSize(width, height))
