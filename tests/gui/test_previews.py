"""The channel preview panes, fed real renditions of the sample project."""

from __future__ import annotations

import copy
import dataclasses
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytest.importorskip("PySide6.QtPdfWidgets")

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QUrl  # noqa: E402
from PySide6.QtGui import (  # noqa: E402
    QColor,
    QGuiApplication,
    QImage,
    QPalette,
    QTextDocument,
    QTextDocumentFragment,
    QTextOption,
)
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QLabel,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

from studio.core.channels import Rendition  # noqa: E402
from studio.core.project import Project, load_project  # noqa: E402
from studio.core.render import render  # noqa: E402
from studio.core.resources import sample_project  # noqa: E402
from studio.gui.previews import (  # noqa: E402
    EmailPreview,
    MobilePreview,
    PreviewPane,
    PrintPreview,
    SmsPreview,
)
from studio.gui.previews.web import color_scheme_html, inline_cid_references  # noqa: E402

GRABS = Path("/tmp")


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(sample_project())


@pytest.fixture
def rendition(project: Project) -> Callable[..., Rendition]:
    def make(template: str, channel: str, sample: str = "typical", **changes: Any) -> Rendition:
        record = copy.deepcopy(dict(project.samples[sample].record))
        for dotted, value in changes.items():
            *parents, leaf = dotted.split("__")
            target = record
            for key in parents:
                target = target[key]
            target[leaf] = value
        return render(project, template, channel, record)

    return make


@pytest.fixture
def shown(qtbot: Any) -> Iterator[Callable[..., Any]]:
    """Show a pane; afterwards delete it and wait until it is gone.

    Waiting matters: a web page still alive when the application quits outlives its profile.
    """
    panes: list[PreviewPane] = []

    def show(pane: PreviewPane, width: int = 720, height: int = 900) -> Any:
        panes.append(pane)
        pane.resize(width, height)
        pane.show()
        qtbot.waitExposed(pane)
        return pane

    yield show
    gone: list[bool] = []
    for pane in panes:
        pane.destroyed.connect(lambda *_: gone.append(True))
        pane.deleteLater()
    qtbot.waitUntil(lambda: len(gone) == len(panes))


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#1e1f22"),
        (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#16171a"),
        (QPalette.ColorRole.AlternateBase, "#2b2d31"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#2b2d31"),
        (QPalette.ColorRole.ButtonText, "#e6e6e6"),
        (QPalette.ColorRole.Mid, "#3c3f44"),
        (QPalette.ColorRole.PlaceholderText, "#9a9ca3"),
        (QPalette.ColorRole.Highlight, "#3d6fb6"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def mean_lightness(image: QImage, region: QRect | None = None) -> float:
    """The average lightness of an image (or a region of it), sampled on a grid."""
    region = region or image.rect()
    step = 6
    values = [
        image.pixelColor(x, y).lightness()
        for x in range(region.left(), region.right(), step)
        for y in range(region.top(), region.bottom(), step)
    ]
    return sum(values) / len(values)


def has_non_white(image: QImage) -> bool:
    return any(
        image.pixelColor(x, y).lightness() < 240
        for x in range(0, image.width(), 5)
        for y in range(0, min(image.height(), 200), 5)
    )


def has_ink(widget: QWidget) -> bool:
    """Whether a widget's picture has dark marks (text) in it: its content has been painted."""
    image = widget.grab().toImage()
    return any(
        image.pixelColor(x, y).lightness() < 100
        for x in range(20, image.width() - 20, 3)
        for y in range(20, image.height() - 20, 3)
    )


def top_band_height(image: QImage) -> int:
    """How many rows from the top keep the top-left pixel's colour (the page's app bar)."""
    first = image.pixelColor(4, 0)
    height = 0
    while height < image.height() and image.pixelColor(4, height) == first:
        height += 1
    return height


def label_text(label: QLabel) -> str:
    """A rich-text label's text as the reader sees it (line breaks as newlines)."""
    plain = QTextDocumentFragment.fromHtml(label.text()).toPlainText()
    plain = plain.replace("\u2028", "\n").replace("\u2029", "\n").replace("\u00a0", " ")
    return plain.replace("\u200b", "")  # the SMS bubble's break opportunities show nothing


# -- the common frame ------------------------------------------------------------------------


def test_stale_badge_keeps_the_last_good_preview(qtbot, shown, rendition):
    pane = shown(SmsPreview())
    badge = pane.findChild(QLabel, "staleBadge")
    assert not badge.isVisibleTo(pane)

    good = rendition("otp", "sms")
    pane.show_rendition(good, elapsed_ms=42.4)
    assert pane.rendition is good and not pane.is_stale
    assert pane.findChild(QLabel, "renderTime").text() == "42 ms"

    pane.set_stale(True, "blocks/otp/code.md:3: unexpected '}'")
    assert pane.is_stale and badge.isVisibleTo(pane)
    assert "unexpected" in badge.toolTip()
    assert pane.rendition is good  # the last good preview stays
    pane.grab().save(str(GRABS / "preview-stale.png"))

    pane.show_rendition(good)
    assert not pane.is_stale and not badge.isVisibleTo(pane)


def test_clear_shows_a_message(qtbot, shown, rendition):
    pane = shown(SmsPreview())
    pane.show_rendition(rendition("otp", "sms"))
    pane.clear("This template has no SMS channel")
    assert pane.rendition is None
    assert pane.message() == "This template has no SMS channel"
    assert pane.highlighted_indexes() == []


def test_maximise_toggle_emits(qtbot, shown):
    pane = shown(PrintPreview())
    button = pane.findChild(QToolButton, "maximizeButton")
    with qtbot.waitSignal(pane.maximizeRequested) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert blocker.args == [True]
    with qtbot.waitSignal(pane.maximizeRequested) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert blocker.args == [False]


def test_a_pane_refuses_another_channel(qtbot, shown, rendition):
    pane = shown(SmsPreview())
    with pytest.raises(ValueError):
        pane.show_rendition(rendition("bill", "print"))


# -- SMS -------------------------------------------------------------------------------------


@pytest.fixture
def speaking(qapp):
    """speaking(QLocale.Language.Italian): the studio's catalogues for that language, as the
    application installs them (English plural forms first), taken away after the test."""
    from PySide6.QtCore import QLocale

    from studio.gui.app import install_translations

    installed = []

    def speak(language):
        installed.extend(install_translations(qapp, QLocale(language)))

    yield speak
    for translator in installed:
        qapp.removeTranslator(translator)


def test_sms_bubble_marks_exactly_the_ucs2_characters(qtbot, shown, rendition, speaking):
    from PySide6.QtCore import QLocale

    speaking(QLocale.Language.English)
    # The non-gsm sample's SMS texts keep to GSM-7 (è, à are in it); ë is not.
    sms = rendition("meter-appointment", "sms", "non-gsm", appointment__technician="Zoë Zanetti")
    text = sms.facts["text"]
    expected = [i for i, ch in enumerate(text) if ch == "ë"]
    assert expected and [c["index"] for c in sms.facts["ucs2_characters"]] == expected

    pane = shown(SmsPreview(), 480, 420)
    pane.show_rendition(sms, elapsed_ms=12)
    assert pane.highlighted_indexes() == expected

    bubble = pane.findChild(QLabel, "smsBubble")
    assert label_text(bubble) == text
    assert bubble.text().count("#e53935") == len(expected)
    assert bubble.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse

    facts = pane.facts_text()
    assert f"{sms.facts['segments']} segments" in facts and "UCS-2" in facts
    assert f"{sms.facts['characters']} characters ({sms.facts['units']} units)" in facts
    assert sms.facts["segments"] > 2 and "budget 2" in facts
    assert "#e53935" in pane.findChild(QLabel, "smsFacts").text()  # over budget: red
    pane.grab().save(str(GRABS / "preview-sms.png"))

    pane.setPalette(dark_palette())
    pane.grab().save(str(GRABS / "preview-sms-dark-palette.png"))


def test_sms_within_budget_is_not_red(qtbot, shown, rendition, speaking):
    from PySide6.QtCore import QLocale

    speaking(QLocale.Language.English)
    pane = shown(SmsPreview(), 480, 300)
    sms = rendition("otp", "sms", "non-gsm")
    pane.show_rendition(sms)
    assert pane.highlighted_indexes() == []
    assert "1 segment · GSM-7" in pane.facts_text() and "budget 1" in pane.facts_text()
    assert "#e53935" not in pane.findChild(QLabel, "smsFacts").text()


def test_sms_facts_in_italian_with_plural_forms(qtbot, shown, rendition, speaking):
    from PySide6.QtCore import QLocale

    speaking(QLocale.Language.Italian)
    pane = shown(SmsPreview(), 480, 300)
    sms = rendition("otp", "sms", "non-gsm")
    pane.show_rendition(sms)
    characters, units = sms.facts["characters"], sms.facts["units"]
    assert characters > 1 and units > 1
    assert pane.facts_text() == (f"1 segmento · GSM-7 · {characters} caratteri "
                                 f"({units} unità) · limite 1")
    over = rendition("meter-appointment", "sms", "non-gsm",
                     appointment__technician="Zoë Zanetti")
    pane.show_rendition(over)
    assert pane.facts_text().startswith(f"{over.facts['segments']} segmenti · UCS-2 · ")
    assert pane.facts_text().endswith("limite 2 — superato")


# -- print -----------------------------------------------------------------------------------


def test_print_preview_pages_and_navigation(qtbot, shown, rendition):
    pane = shown(PrintPreview(), 640, 800)
    bill = rendition("bill", "print", "many-lines")
    pane.show_rendition(bill, elapsed_ms=850)
    assert pane.page_count() == 4 == pane.document().pageCount()
    indicator = pane.findChild(QLabel, "pageIndicator")
    assert indicator.text() == "Page 1 of 4"
    # QPdfView renders pages in the background: wait until the first one is drawn.
    qtbot.waitUntil(lambda: has_ink(pane.findChild(QWidget, "pdfView").viewport()))
    pane.grab().save(str(GRABS / "preview-print.png"))

    next_button = pane.findChild(QToolButton, "nextPage")
    previous_button = pane.findChild(QToolButton, "previousPage")
    assert not previous_button.isEnabled()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: indicator.text() == "Page 2 of 4")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: indicator.text() == "Page 3 of 4")
    qtbot.mouseClick(previous_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: indicator.text() == "Page 2 of 4")
    assert pane.current_page() == 1

    pane.setPalette(dark_palette())
    qtbot.waitUntil(lambda: has_ink(pane.findChild(QWidget, "pdfView").viewport()))
    pane.grab().save(str(GRABS / "preview-print-dark-palette.png"))


def test_print_preview_keeps_page_and_zoom_across_renditions(qtbot, shown, rendition):
    pane = shown(PrintPreview(), 640, 800)
    pane.show_rendition(rendition("bill", "print", "many-lines"))
    pane.zoom_in()
    zoom = pane.zoom_factor()
    pane.go_to_page(3)
    qtbot.waitUntil(lambda: pane.page_indicator() == "Page 4 of 4")

    # An edit re-renders: same page, same zoom.
    pane.show_rendition(rendition("bill", "print", "many-lines"))
    assert pane.page_indicator() == "Page 4 of 4"
    assert pane.zoom_factor() == pytest.approx(zoom)

    # A shorter document: the nearest page that still exists.
    pane.show_rendition(rendition("payment-reminder", "print"))
    assert pane.page_count() == 2
    qtbot.waitUntil(lambda: pane.page_indicator() == "Page 2 of 2")

    pane.fit_width()
    pane.zoom_out()
    assert pane.zoom_factor() < zoom


# -- email -----------------------------------------------------------------------------------


def test_email_preview_headers_html_and_text(qtbot, shown, rendition):
    mail = rendition("bill", "email")
    pane = shown(EmailPreview(), 760, 900)
    with qtbot.waitSignal(pane.view().loadFinished, timeout=20000) as blocker:
        pane.show_rendition(mail, elapsed_ms=230)
    assert blocker.args == [True]

    headers = pane.headers()
    assert headers["subject"] == mail.facts["subject"]
    assert pane.findChild(QLabel, "mailSubject").text() == mail.facts["subject"]
    assert headers["to"] == mail.facts["to"] and "Lumen Energia" in headers["from"]
    assert headers["preheader"] == mail.facts["preheader"]

    html = pane.html()
    assert "Mario Rossi" in html
    assert "cid:" not in html.lower()
    assert "data:image/png;base64," in html
    qtbot.waitUntil(lambda: has_non_white(pane.view().grab().toImage()), timeout=10000)
    pane.grab().save(str(GRABS / "preview-email.png"))

    text_button = pane.findChild(QToolButton, "textPart")
    qtbot.mouseClick(text_button, Qt.MouseButton.LeftButton)
    assert pane.is_showing_text()
    plain = pane.findChild(QPlainTextEdit, "mailText")
    assert plain.isVisible() and not pane.view().isVisible()
    assert "Mario Rossi" in plain.toPlainText()
    assert "<" not in plain.toPlainText().split("\n")[0]  # the plain part, not the HTML
    pane.grab().save(str(GRABS / "preview-email-text.png"))

    qtbot.mouseClick(text_button, Qt.MouseButton.LeftButton)
    assert not pane.is_showing_text() and pane.view().isVisible()


def test_cid_references_become_data_uris():
    html = '<img src="cid:logo%40x.example"><img src=cid:missing>'
    out = inline_cid_references(html, {"logo@x.example": "data:image/png;base64,AAAA"})
    assert out == '<img src="data:image/png;base64,AAAA"><img src=data:,>'


# -- mobile ----------------------------------------------------------------------------------


def test_color_scheme_rewrite():
    html = (
        '<meta name="color-scheme" content="light dark">'
        "<style>@media (prefers-color-scheme: dark) {a{}} @media (prefers-color-scheme:light) {b{}}"
    )
    dark = color_scheme_html(html, dark=True)
    light = color_scheme_html(html, dark=False)
    assert "prefers-color-scheme" not in dark + light
    assert "(min-width: 0px) {a{}}" in dark and "(max-width: 0px) {b{}}" in dark
    assert "(max-width: 0px) {a{}}" in light and "(min-width: 0px) {b{}}" in light
    assert 'content="dark"' in dark and 'content="light"' in light


def test_mobile_preview_viewports_and_dark_mode(qtbot, shown, rendition):
    page = rendition("bill", "mobile")
    pane = shown(MobilePreview(), 620, 1000)
    view = pane.view()
    with qtbot.waitSignal(view.loadFinished, timeout=20000):
        pane.show_rendition(page, elapsed_ms=120)

    light_html = pane.html()
    assert "Bolletta" in light_html

    def region_of_view() -> QRect:
        return QRect(view.mapTo(pane, view.rect().topLeft()), view.size())

    qtbot.waitUntil(lambda: has_non_white(view.grab().toImage()), timeout=10000)
    light_grab = pane.grab().toImage()
    light = mean_lightness(light_grab, region_of_view())
    light_grab.save(str(GRABS / "preview-mobile-light.png"))
    app_bar = top_band_height(view.grab().toImage())  # at zoom 1: its CSS height

    with qtbot.waitSignal(view.loadFinished, timeout=20000):
        qtbot.mouseClick(pane.findChild(QToolButton, "darkMode"), Qt.MouseButton.LeftButton)
    assert pane.is_dark()
    dark_html = pane.html()
    assert dark_html != light_html
    assert "prefers-color-scheme" not in dark_html

    # The new frame shows once the engine has painted it, and the frame in between can be
    # blank white: wait for one with the page painted on it.
    def repainted() -> bool:
        now = mean_lightness(pane.grab().toImage(), region_of_view())
        return abs(now - light) > 20 and now < 250

    qtbot.waitUntil(repainted, timeout=10000)
    dark_grab = pane.grab().toImage()
    dark = mean_lightness(dark_grab, region_of_view())
    dark_grab.save(str(GRABS / "preview-mobile-dark.png"))
    assert dark < light - 60

    pane.setPalette(dark_palette())
    pane.grab().save(str(GRABS / "preview-mobile-dark-palette.png"))

    # Other presets; the frame is laid out for them without a reload.
    presets = page.facts["viewports"]
    assert pane.viewport_names() == [v["name"] for v in presets]
    assert pane.viewport() == (presets[0]["width"], presets[0]["height"])
    pane.set_viewport(presets[1]["name"])
    assert pane.viewport() == (presets[1]["width"], presets[1]["height"])
    # The view's CSS width is the viewport's, however much the phone is scaled to fit.
    assert view.width() / view.zoomFactor() == pytest.approx(presets[1]["width"], abs=2)

    # A small pane scales the phone down rather than cropping it.
    pane.resize(420, 600)
    assert pane.zoom() < 1.0 and view.zoomFactor() == pytest.approx(pane.zoom())
    assert view.width() / view.zoomFactor() == pytest.approx(presets[1]["width"], abs=2)
    assert view.height() <= pane.height()
    # The engine repaints at the new zoom a moment later: the app bar shrinks with it.
    qtbot.waitUntil(
        lambda: abs(top_band_height(view.grab().toImage()) - app_bar * pane.zoom()) <= 3,
        timeout=10000,
    )
    pane.grab().save(str(GRABS / "preview-mobile-small.png"))


# -- untrusted content -----------------------------------------------------------------------


@pytest.fixture
def http_hits() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_web_previews_load_nothing_remote(qtbot, shown, rendition, http_hits):
    base, hits = http_hits
    page = rendition("bill", "mobile")
    hostile = page.content.replace(
        b"</body>",
        f'<img src="{base}/pixel.png"><link rel="stylesheet" href="{base}/x.css">'
        f'<iframe src="{base}/frame"></iframe><script>document.title="ran"</script></body>'.encode(),
    )
    pane = shown(MobilePreview(), 620, 1000)
    view = pane.view()
    with qtbot.waitSignal(view.loadFinished, timeout=20000):
        pane.show_rendition(
            Rendition(
                page.template,
                "mobile",
                page.locale,
                hostile,
                page.media_type,
                page.extension,
                page.facts,
            )
        )
    qtbot.waitUntil(lambda: has_non_white(view.grab().toImage()), timeout=10000)
    assert hits == []
    assert view.title() != "ran"  # JavaScript is off

    web_page = view.page()
    assert not web_page.acceptNavigationRequest(
        QUrl(f"{base}/elsewhere"), QWebEnginePage.NavigationType.NavigationTypeLinkClicked, True
    )
    assert not web_page.acceptNavigationRequest(
        QUrl("file:///etc/passwd"), QWebEnginePage.NavigationType.NavigationTypeLinkClicked, True
    )


def test_every_pane_looks_right_in_a_dark_palette(qtbot, shown, rendition):
    pane = shown(EmailPreview(), 760, 700)
    pane.setPalette(dark_palette())
    with qtbot.waitSignal(pane.view().loadFinished, timeout=20000):
        pane.show_rendition(rendition("payment-reminder", "email"))
    qtbot.waitUntil(lambda: has_non_white(pane.view().grab().toImage()), timeout=10000)
    header = pane.findChild(QWidget, "mailHeader")
    assert header.palette().color(QPalette.ColorRole.Base).lightness() < 60
    pane.grab().save(str(GRABS / "preview-email-dark-palette.png"))


@pytest.mark.parametrize(("pane_type", "channel"), [(EmailPreview, "email"),
                                                    (MobilePreview, "mobile")])
def test_web_preview_keeps_the_readers_place_across_edits(qtbot, shown, rendition, pane_type,
                                                          channel):
    pane = shown(pane_type(), 760, 700)
    with qtbot.waitSignal(pane.htmlLoaded, timeout=20000):
        pane.show_rendition(rendition("bill", channel), elapsed_ms=100)
    assert pane.patches() == 0  # the first page is loaded whole
    pane.view().page().runJavaScript("window.scrollTo(0, 400);",
                                     QWebEngineScript.ScriptWorldId.ApplicationWorld)
    qtbot.waitUntil(lambda: pane.scroll_position() > 300, timeout=10000)
    edited = rendition("bill", channel, customer__first_name="Marianna")
    with qtbot.waitSignal(pane.htmlLoaded, timeout=20000):
        pane.show_rendition(edited, elapsed_ms=100)
    assert pane.patches() == 1
    texts: list[str] = []
    pane.view().page().runJavaScript("document.body.innerText",
                                     QWebEngineScript.ScriptWorldId.ApplicationWorld,
                                     texts.append)
    qtbot.waitUntil(lambda: bool(texts), timeout=10000)
    assert "Marianna" in texts[0]
    qtbot.wait(200)  # a frame or two: a reload would have put the page back at the top
    assert pane.scroll_position() > 300


def _page_widths(qtbot, pane) -> tuple[float, float]:
    """The page's (scrollWidth, clientWidth) in CSS pixels, as QtWebEngine lays it out."""
    found: list[Any] = []
    pane.view().page().runJavaScript(
        "document.documentElement.scrollWidth + ' ' + document.documentElement.clientWidth",
        QWebEngineScript.ScriptWorldId.ApplicationWorld, found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=10000)
    scroll, client = str(found[0]).split()
    return float(scroll), float(client)


def test_an_email_wider_than_its_pane_is_scaled_to_fit(qtbot, shown, rendition):
    # The 600 px message in a 320 px pane (the default layout at 1366 px): shown whole,
    # no horizontal scrolling, as a mail client's preview does.
    pane = shown(EmailPreview(), 320, 700)
    with qtbot.waitSignal(pane.htmlLoaded, timeout=20000):
        pane.show_rendition(rendition("bill", "email"))
    qtbot.waitUntil(lambda: pane.fit_zoom() < 0.7, timeout=10000)

    def fits() -> bool:
        scroll, client = _page_widths(qtbot, pane)
        return scroll <= client + 1

    # Laid out as on a desktop (600 px), not as on a phone (< 480 px): the message now wraps
    # down to 320 px without overflowing, so "fits" alone holds before the zoom reaches the
    # page; wait for the page to be laid out at the zoomed width.
    qtbot.waitUntil(lambda: _page_widths(qtbot, pane)[1] > 560, timeout=10000)
    qtbot.waitUntil(fits, timeout=10000)
    assert pane.fit_zoom() > 0.4  # scaled to the pane, not to a stamp
    # An edit (the body patched) keeps it fitted; a wide pane shows it at actual size.
    with qtbot.waitSignal(pane.htmlLoaded, timeout=20000):
        pane.show_rendition(rendition("bill", "email", customer__first_name="Marianna"))
    qtbot.waitUntil(fits, timeout=10000)
    pane.resize(900, 700)
    qtbot.waitUntil(lambda: pane.fit_zoom() == 1.0, timeout=10000)
    qtbot.waitUntil(fits, timeout=10000)


def test_sms_bubble_wraps_a_long_link_and_copies_it_whole(qtbot, shown, rendition):
    link = "https://lumen.example/p?t=K9dQ2xLmZ7aB4cRt8WvY3nHs6JpE1fUg5oIk0MzXq"  # a signed token
    sms = rendition("otp", "sms", "non-gsm")
    text = str(sms.facts["text"]) + " " + link
    long = dataclasses.replace(sms, facts={**sms.facts, "text": text})
    pane = shown(SmsPreview(), 360, 420)
    pane.show_rendition(long)
    bubble = pane.findChild(QLabel, "smsBubble")
    qtbot.waitUntil(lambda: bubble.width() > 0)
    assert bubble.geometry().right() <= pane.width()
    laid_out = QTextDocument()
    laid_out.setDefaultFont(bubble.font())
    laid_out.setDocumentMargin(0)
    wrapping = laid_out.defaultTextOption()
    wrapping.setWrapMode(QTextOption.WrapMode.WordWrap)  # as a word-wrapping label does
    laid_out.setDefaultTextOption(wrapping)
    laid_out.setHtml(bubble.text())
    laid_out.setTextWidth(bubble.contentsRect().width())
    assert laid_out.idealWidth() <= bubble.contentsRect().width()  # the link wraps, not clipped
    assert label_text(bubble) == text
    bubble.copy_message()
    assert QGuiApplication.clipboard().text() == text  # as the customer receives it
    assert "\u200b" not in QGuiApplication.clipboard().text()


def test_print_preview_fits_a_whole_page_in_a_narrow_pane(qtbot, shown, rendition):
    pane = shown(PrintPreview(), 330, 700)  # a quarter of a laptop's screen
    pane.show_rendition(rendition("bill", "print", "many-lines"))
    width_zoom = pane.zoom_factor()
    pane.go_to_page(2)
    qtbot.mouseClick(pane.findChild(QToolButton, "fitPage"), Qt.MouseButton.LeftButton)
    assert pane.findChild(QToolButton, "fitPage").isChecked()
    assert not pane.findChild(QToolButton, "fitWidth").isChecked()
    qtbot.waitUntil(lambda: pane.page_indicator() == "Page 3 of 4")
    view = pane.findChild(QWidget, "pdfView")
    # a whole A4 page stands in the viewport: as tall as it, at most
    page_height = 842 * view.logicalDpiY() / 72 * pane.zoom_factor()
    assert page_height <= view.viewport().height()
    assert pane.zoom_factor() <= width_zoom
    qtbot.waitUntil(lambda: has_ink(view.viewport()))
    qtbot.mouseClick(pane.findChild(QToolButton, "fitWidth"), Qt.MouseButton.LeftButton)
    assert pane.zoom_factor() == pytest.approx(width_zoom)
    assert not pane.findChild(QToolButton, "fitPage").isChecked()


@pytest.mark.parametrize("fit", ["fitWidth", "fitPage"])
def test_print_preview_never_oscillates_between_scrollbar_states(qtbot, shown, rendition, fit):
    """A fitted page whose height is within a scrollbar's width of the viewport's: showing the
    bar narrows the page until it fits, hiding it widens the page until it does not. QPdfView
    then flips the bar forever inside one event-loop pass and the studio freezes (it did: the
    bill's print pane at 246 px wide). Sweep the pane's size across every such width."""
    pane = shown(PrintPreview(), 240, 700)
    pane.show_rendition(rendition("payment-reminder", "print"))
    qtbot.mouseClick(pane.findChild(QToolButton, fit), Qt.MouseButton.LeftButton)
    view = pane.findChild(QWidget, "pdfView")
    flips: dict[str, int] = {"now": 0, "worst": 0}

    class Flips(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
                flips["now"] += 1
                if flips["now"] > 50:  # the loop would never end by itself: end it, fail
                    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
                    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            return False

    watcher = Flips(pane)
    for bar in (view.verticalScrollBar(), view.horizontalScrollBar()):
        bar.installEventFilter(watcher)
    for width in range(180, 520, 2):
        for height in ((700,) if fit == "fitWidth" else range(300, 720, 30)):
            flips["now"] = 0
            pane.resize(width, height)
            for _ in range(3):
                QApplication.processEvents()
            flips["worst"] = max(flips["worst"], flips["now"])
    assert flips["worst"] <= 2
