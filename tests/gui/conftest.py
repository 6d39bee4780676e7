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
