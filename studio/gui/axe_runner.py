"""axe-core inside QtWebEngine, as a long-lived child process: HTML pages in, findings out.

Run as `python -m studio.gui.axe_runner` (the core's `checks.axe.AxeEngine` starts it, so the CLI
never imports Qt). Once Chromium is up it prints `{"ready": true}`; then each line of standard
input is one page, `{"id", "html"}`, and for each page, in order, one JSON line goes to standard
output: `{"id", "ok", "violations": [...]}` where each violation is already mapped to the block
that produced its element (the nearest ancestor with a `data-block` attribute). The child stays
up until its standard input ends (its parent closed it, or died): Chromium's start-up is the
slow part of a check, so the studio keeps one child for the session and `missiva check` one for
its whole run.

The page is loaded into an offscreen view the size of a desktop mail client, so layout-dependent
rules (colour contrast) see real boxes; nothing is fetched from the network (remote URLs are
refused, and axe itself comes from resources/axe).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

# What runs in the page after axe.min.js: the rules that matter for a rendition (WCAG A/AA and
# best practices), each element mapped to its block, stored as JSON for the runner to collect.
_RUN = r"""
(function () {
  window.__missivaAxe = null;
  axe.run(document, {resultTypes: ['violations'],
                     runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                     'wcag22aa', 'best-practice']}})
    .then(function (results) {
      var out = results.violations.map(function (v) {
        return {rule: v.id, impact: v.impact || 'minor', message: v.help, help_url: v.helpUrl,
                wcag: v.tags.filter(function (t) { return /^wcag\d/.test(t); }),
                nodes: v.nodes.map(function (n) {
                  var el = null;
                  try { el = document.querySelector(n.target[n.target.length - 1]); } catch (e) {}
                  var owner = el && el.closest ? el.closest('[data-block]') : null;
                  return {target: n.target.join(' '), impact: n.impact || v.impact || 'minor',
                          block: owner ? owner.getAttribute('data-block') : null,
                          html: (n.html || '').slice(0, 200)};
                })};
      });
      var layout = [];
      document.querySelectorAll('table').forEach(function (t) {
        var role = (t.getAttribute('role') || '').toLowerCase();
        if (role === 'presentation' || role === 'none') { return; }
        if (t.querySelector('th, caption')) { return; }
        var owner = t.closest('[data-block]');
        layout.push({target: 'table', impact: 'serious',
                     block: owner ? owner.getAttribute('data-block') : null,
                     html: t.outerHTML.slice(0, 200)});
      });
      // Markdown's ![](image.png) gives alt="", which axe takes for a decorative image; in a
      // block it is almost always a description the author left out.
      var unnamed = [];
      document.querySelectorAll('[data-block] img[alt=""]').forEach(function (img) {
        if ((img.getAttribute('role') || '') === 'presentation') { return; }
        unnamed.push({target: 'img', impact: 'critical',
                      block: img.closest('[data-block]').getAttribute('data-block'),
                      html: img.outerHTML.slice(0, 200)});
      });
      if (unnamed.length) {
        out.push({rule: 'block-image-alt', impact: 'critical',
                  message: 'Images in a block must say what they show: ![description](image)',
                  help_url: 'https://www.w3.org/WAI/tutorials/images/', wcag: ['wcag111'],
                  nodes: unnamed});
      }
      if (layout.length) {
        out.push({rule: 'layout-table-role', impact: 'serious',
                  message: 'Layout tables must have role="presentation" (a table without ' +
                           'header cells is read out as data, cell by cell)',
                  help_url: 'https://www.w3.org/WAI/tutorials/tables/', wcag: ['wcag131'],
                  nodes: layout});
      }
      window.__missivaAxe = JSON.stringify({ok: true, violations: out});
    })
    .catch(function (e) { window.__missivaAxe = JSON.stringify({ok: false, error: String(e)}); });
})();
"""

_POLL = "window.__missivaAxe ? String(window.__missivaToken) + '|' + window.__missivaAxe : ''"


def _environment() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--no-sandbox" not in flags:  # Chromium's sandbox refuses to run as root (containers, CI)
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()


def main() -> int:
    _environment()
    if hasattr(os, "nice"):
        os.nice(10)  # behind the studio's previews and renders on a busy machine
    import threading

    from PySide6.QtCore import QObject, QTimer, QUrl, Signal
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineUrlRequestInterceptor
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication

    from studio.core.checks.axe import PAGE_SECONDS, axe_source

    app = QApplication(sys.argv[:1])

    class Offline(QWebEngineUrlRequestInterceptor):
        def interceptRequest(self, info: Any) -> None:  # noqa: N802 - Qt's name
            if info.requestUrl().scheme() in ("http", "https", "ftp", "ws", "wss"):
                info.block(True)

    class Input(QObject):
        """Standard input's lines, read on a thread, delivered on the GUI thread."""

        line = Signal(str)
        ended = Signal()

    view = QWebEngineView()
    view.resize(900, 1400)
    interceptor = Offline()
    view.page().profile().setUrlRequestInterceptor(interceptor)
    view.show()
    source = axe_source()
    waiting: list[dict[str, Any]] = []
    state: dict[str, Any] = {"page": None, "number": 0, "polls": 0, "ended": False}
    timer = QTimer()
    timer.setInterval(15)
    polls_per_page = int(PAGE_SECONDS * 1000 / 15)

    def emit(result: dict[str, Any]) -> None:
        page = state["page"] or {}
        print(json.dumps({"id": page.get("id"), **result}, ensure_ascii=False), flush=True)

    def next_page() -> None:
        timer.stop()
        state["page"] = None
        if not waiting:
            if state["ended"]:
                app.quit()
            return
        state["page"] = waiting.pop(0)
        state["number"] += 1
        state["polls"] = 0
        view.setHtml(str(state["page"].get("html", "")), QUrl("about:blank"))

    def received(line: str) -> None:
        if not line.strip():
            return
        try:
            page = json.loads(line)
        except ValueError as exc:
            print(json.dumps({"id": None, "ok": False, "error": f"unreadable page: {exc}"}),
                  flush=True)
            return
        waiting.append(page if isinstance(page, dict) else {"id": None, "html": ""})
        if state["page"] is None:
            next_page()

    def ended() -> None:
        state["ended"] = True
        if state["page"] is None:
            app.quit()

    def loaded(ok: bool) -> None:
        if state["page"] is None:
            return
        page: QWebEnginePage = view.page()
        token = f"\n;window.__missivaToken = {state['number']};\n"
        page.runJavaScript(source + token + _RUN, 0)
        timer.start()

    def collected(value: Any) -> None:
        if state["page"] is None or not timer.isActive():
            return
        token, _, result = value.partition("|") if isinstance(value, str) else ("", "", "")
        if result and token == str(state["number"]):  # not a late answer from the page before
            try:
                emit(json.loads(result))
            except ValueError as exc:
                emit({"ok": False, "error": f"unreadable result: {exc}"})
            next_page()

    def poll() -> None:
        state["polls"] += 1
        if state["polls"] > polls_per_page:  # give up on this page, go on with the rest
            emit({"ok": False, "error": f"axe did not finish on this page in {PAGE_SECONDS} s"})
            next_page()
            return
        view.page().runJavaScript(_POLL, 0, collected)

    reader = Input()
    reader.line.connect(received)
    reader.ended.connect(ended)

    def read() -> None:
        for line in sys.stdin:
            reader.line.emit(line)
        reader.ended.emit()

    timer.timeout.connect(poll)
    view.loadFinished.connect(loaded)

    def ready() -> None:
        print(json.dumps({"ready": True}), flush=True)
        threading.Thread(target=read, name="pages", daemon=True).start()

    # Ready once Chromium has loaded a first (empty) page: the start-up is behind us.
    first = {"done": False}

    def warmed(_ok: bool) -> None:
        if not first["done"]:
            first["done"] = True
            ready()

    view.loadFinished.connect(warmed)
    view.setHtml("<!DOCTYPE html><title>axe</title>", QUrl("about:blank"))
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
