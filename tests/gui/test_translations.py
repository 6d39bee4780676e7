"""The Italian translation ships and is used when the system speaks Italian."""

from __future__ import annotations

from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QLabel

from studio.gui.app import install_translations
from studio.gui.main_window import MainWindow


def test_italian_interface(qapp, tmp_path):
    translators = install_translations(qapp, QLocale(QLocale.Language.Italian,
                                                     QLocale.Country.Italy))
    try:
        assert translators, "resources/translations/missiva_it.qm did not load"
        window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"),
                                               QSettings.Format.IniFormat))
        assert window.explorer_dock.windowTitle() == "Progetto"
        assert [a.text() for a in window.menuBar().actions()][:2] == ["&File", "&Visualizza"]
        assert window.review_action.text() == "Revisione"
        assert window.review.approve_button.text() == "Approva"
        assert window.review.finish_button.text() == "Completa la firma interrotta"
        assert window.review.views.tabText(0) == "Dove compare"
        window.previews["sms"].set_delivery(False, "consenso revocato")
        assert window.previews["sms"].findChild(QLabel, "deliveryBadge").text() == "non inviata"
        window.session.close()
        window.deleteLater()
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
