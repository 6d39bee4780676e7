import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

import pytest  # noqa: E402
from PySide6.QtCore import QLocale  # noqa: E402


@pytest.fixture(autouse=True)
def _ui_language_restored():
    """A test that installs the Italian catalogue also makes Italian the UI language for
    dates and numbers (QLocale's default): the next test starts from the language before."""
    before = QLocale()
    yield
    QLocale.setDefault(before)


@pytest.fixture
def grabs(tmp_path_factory):
    """Where a test saves what the window shows: MISSIVA_GRABS (to look at, or to refresh the
    README's screenshots), else a temporary folder."""
    from pathlib import Path

    folder = os.environ.get("MISSIVA_GRABS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("grabs")


@pytest.fixture(scope="module")
def studio(qapp, tmp_path_factory):
    """One studio window for the module (its worker processes start once); each test opens a
    fresh copy of a project in it. A module that needs another window defines its own."""
    from PySide6.QtCore import QSettings, QStandardPaths

    from studio.gui.main_window import MainWindow

    QStandardPaths.setTestModeEnabled(True)
    folder = tmp_path_factory.mktemp("settings")
    window = MainWindow(settings=QSettings(str(folder / "studio.ini"), QSettings.Format.IniFormat))
    window.session.service.warm_up()
    window.show()
    yield window
    window.session.buffers.clear()
    window.close()
