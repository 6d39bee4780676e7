"""Mobile pages and emails never scroll sideways on a phone: every template × sample of the
sample project laid out by a real browser engine (QtWebEngine's Chromium) at 320, 360 and
375 CSS pixels, the document's scrollWidth compared with the viewport's width."""

from __future__ import annotations

import email
import email.policy
import json
from typing import Any

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

from PySide6.QtCore import QUrl  # noqa: E402
from PySide6.QtWebEngineCore import QWebEngineScript  # noqa: E402
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: E402

from studio.core.limits import limits_from  # noqa: E402
from studio.core.project import load_project  # noqa: E402
from studio.core.render import render  # noqa: E402
from tests.conftest import SAMPLE  # noqa: E402

WIDTHS = (320, 360, 375)
# The page's width against the viewport's (without a scroll bar), and what sticks out.
MEASURE = """JSON.stringify((function () {
  var root = document.documentElement, width = root.clientWidth, wide = [];
  document.querySelectorAll('body *').forEach(function (e) {
    var box = e.getBoundingClientRect();
    if (box.right > width + 0.5 && wide.length < 3) wide.push(e.tagName + ':' + box.right);
  });
  return [root.scrollWidth, width, wide.join(' ')];
})())"""

PROJECT = load_project(SAMPLE)
# The bill's email lays out its attached PDF: on a loaded CI machine that can pass the
# project's 10 s budget, which is not what this test is about.
BUDGET = limits_from(PROJECT.config.raw, 300)
CASES = [
    (template, channel)
    for template in sorted(PROJECT.templates)
    for channel in ("mobile", "email")
    if channel in PROJECT.templates[template].channels
]


def _page(template: str, channel: str, sample: str, locale: str) -> str:
    rendition = render(PROJECT, template, channel, PROJECT.samples[sample].record, locale,
                       limits=BUDGET)
    if channel == "mobile":
        return rendition.content.decode()
    message = email.message_from_bytes(rendition.content, policy=email.policy.default)
    return message.get_body(("html",)).get_content()


@pytest.fixture
def phone(qtbot: Any):
    view = QWebEngineView()
    view.resize(WIDTHS[0], 700)
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.close()
    view.deleteLater()
    qtbot.wait(50)


def _widths(qtbot: Any, view: QWebEngineView) -> tuple[float, float, str]:
    found: list[str] = []
    view.page().runJavaScript(MEASURE, QWebEngineScript.ScriptWorldId.ApplicationWorld,
                              found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=10000)
    scroll, width, wide = json.loads(found[0])
    return float(scroll), float(width), wide


@pytest.mark.parametrize(("template", "channel"), CASES)
def test_nothing_overflows_a_phone_screen(qtbot, phone, template, channel):
    overflowing = []
    for sample in sorted(PROJECT.samples):
        for locale in PROJECT.config.locales:
            page = _page(template, channel, sample, locale)
            phone.resize(WIDTHS[0], 700)
            with qtbot.waitSignal(phone.loadFinished, timeout=30000):
                phone.setHtml(page, QUrl("https://preview.invalid/"))
            for width in WIDTHS:
                phone.resize(width, 700)
                qtbot.waitUntil(lambda w=width: w - 40 < _widths(qtbot, phone)[1] <= w,
                                timeout=10000)
                scroll, client, wide = _widths(qtbot, phone)
                assert client > width - 40  # laid out at the phone's width
                if scroll > client:
                    overflowing.append((sample, locale, width, scroll - client, wide))
    assert overflowing == []
