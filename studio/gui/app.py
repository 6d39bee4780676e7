"""`missiva open`: start the desktop studio on a project (the bundled sample by default)."""

from __future__ import annotations

import gc
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
    # missiva_en holds only English plural forms ("1 version", "2 versions"): installed first,
    # it answers when the system's language has no catalogue; the tour's strings, built at run
    # time, have a catalogue of their own (packaging/tour_translations.py).
    for catalogue, where in (("missiva", QLocale(QLocale.Language.English)), ("missiva", locale),
                             ("missiva_tour", locale)):
        ours = QTranslator(app)
        if ours.load(where, catalogue, "_", str(resources_dir() / "translations")):
            app.installTranslator(ours)
            installed.append(ours)
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    return installed


# OpenGL renderers that are the processor drawing: Mesa's on a machine without a graphics card
# (a virtual machine, a remote desktop, Xvfb), Chromium's and Windows' own.
SOFTWARE_GL = ("llvmpipe", "softpipe", "swrast", "software rasterizer", "swiftshader",
               "microsoft basic render")


def is_software_gl(renderer: str | None) -> bool:
    """Whether an OpenGL renderer (GL_RENDERER; None: no OpenGL at all) is the processor."""
    return renderer is None or any(name in renderer.lower() for name in SOFTWARE_GL)


def gl_renderer() -> str | None:
    """GL_RENDERER of the display's OpenGL, None when there is none (call after QApplication)."""
    from PySide6.QtGui import QOffscreenSurface, QOpenGLContext

    context, surface = QOpenGLContext(), QOffscreenSurface()
    surface.create()
    if not context.create() or not surface.isValid() or not context.makeCurrent(surface):
        return None
    try:
        return str(context.functions().glGetString(0x1F01))  # GL_RENDERER
    finally:
        context.doneCurrent()


def _add_chromium_flag(flag: str) -> None:
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if flag not in flags.split():
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " " + flag).strip()


def choose_rendering(app: QApplication) -> str:
    """Draw the web previews in software where OpenGL is itself software.

    On a machine without a graphics card (a virtual desktop, a remote session, Xvfb) OpenGL is
    Mesa's llvmpipe: the web previews' Qt Quick scene and Chromium's compositor then emulate a
    GPU on the processor, and on two cores that took a third of one from the renders (bench/
    README, "Key to paint"). Qt Quick's software renderer and Chromium's software compositing
    draw the same pages for less. Says what it chose: "software", "opengl", or "as set" when
    the user chose (QT_QUICK_BACKEND or QSG_RHI_BACKEND); only X11 and Wayland are probed."""
    if os.environ.get("QT_QUICK_BACKEND") or os.environ.get("QSG_RHI_BACKEND"):
        return "as set"
    if app.platformName() not in ("xcb", "wayland"):
        return "opengl"
    if not is_software_gl(gl_renderer()):
        return "opengl"
    from PySide6.QtQuick import QQuickWindow, QSGRendererInterface

    QQuickWindow.setGraphicsApi(QSGRendererInterface.GraphicsApi.Software)
    _add_chromium_flag("--disable-gpu")
    return "software"


def create_application(argv: list[str] | None = None) -> QApplication:
    if os.geteuid() == 0 if hasattr(os, "geteuid") else False:
        # Chromium (QtWebEngine) refuses to run as root with its sandbox on.
        _add_chromium_flag("--no-sandbox")
    existing = QApplication.instance()
    app = existing or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    if existing is None:  # before any web view exists: Chromium reads its flags once
        app.setProperty("missivaRendering", choose_rendering(app))
    app.setApplicationName("Missiva Studio")
    app.setOrganizationName("Missiva")
    app.setApplicationVersion(__import__("studio").__version__)
    install_translations(app)
    return app


def freeze_what_lives_on() -> None:
    """Leave what the studio holds from start to end out of Python's full collections.

    The window, its docks and their Qt wrappers, the modules and the project are some 80,000
    objects, and a full collection walking them took 70-130 ms of the GUI thread, now and then
    in the middle of typing (the studio's target is no stall over 50 ms). Once the window is
    up with its project they move to the permanent generation (gc.freeze): collections walk
    only what came after, and a full one takes well under a millisecond. `missiva open` starts
    with collection off (walking the objects still being made took 0.1-0.2 s of the start);
    it comes back on here.
    """
    gc.freeze()
    gc.enable()


def run(project: Path) -> int:
    app = create_application()
    window = MainWindow()
    window.session.service.warm_up()
    window.show()
    window.open_project(project)
    # First run: a short tour of the previews, the history and the review view.
    tour.install(window, window.settings)
    QTimer.singleShot(0, lambda: tour.start_on_first_run(window, window.settings))
    freeze_what_lives_on()
    return app.exec()
