"""`missiva doctor`'s Qt probe: load Qt WebEngine and QtPdf in a child process, print one JSON
line. Run as `python -m studio.gui.probe` (or `missiva --qt-probe` in the built app)."""

from __future__ import annotations

import json
import sys


def probe() -> dict[str, object]:
    try:
        import PySide6
        from PySide6.QtCore import qVersion
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtWebEngineCore import qWebEngineChromiumVersion, qWebEngineVersion
        from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401 - loads the widgets

        QPdfDocument()  # loads PDFium
        return {"ok": True, "pyside": PySide6.__version__, "qt": qVersion(),
                "webengine": qWebEngineVersion(), "chromium": qWebEngineChromiumVersion()}
    except Exception as exc:  # noqa: BLE001 - an ImportError naming the missing library
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


def main() -> int:
    facts = probe()
    print(json.dumps(facts), flush=True)
    return 0 if facts["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
