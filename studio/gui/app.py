"""`missiva open`: start the desktop studio on a project (the bundled sample by default)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from studio.core.resources import resources_dir
from studio.gui import tour
from studio.gui.main_window import MainWindow


def install_translations(app: QApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """The studio's own strings and Qt's standard dialogs, in the system language."""
    locale = locale or QLocale.system()
    QLocale.setDefault(locale)  # dates and numbers (studio.gui.formats) follow the UI language
    installed = []
    # The tour's, the signing notice's and the live checks' strings have their own catalogues.
    for catalogue in ("missiva", "missiva_tour", "missiva_signing", "missiva_checks"):
        ours = QTranslator(app)
        if ours.load(locale, catalogue, "_", str(resources_dir() / "translations")):
            app.installTranslator(ours)
            installed.append(ours)
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    return installed


def create_application(argv: list[str] | None = None) -> QApplication:
    if os.geteuid() == 0 if hasattr(os, "geteuid") else False:
        # Chromium (QtWebEngine) refuses to run as root with its sandbox on.
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags:
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Missiva Studio")
    app.setOrganizationName("Missiva")
    app.setApplicationVersion(__import__("studio").__version__)
    install_translations(app)
    return app


def run(project: Path) -> int:
    app = create_application()
    window = MainWindow()
    window.session.service.warm_up()
    window.show()
    window.open_project(project)
    # First run: a short tour of the previews, the history and the review view.
    tour.install(window, window.settings)
    QTimer.singleShot(0, lambda: tour.start_on_first_run(window, window.settings))
    return app.exec()
