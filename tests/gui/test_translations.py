"""The Italian translation ships and is used when the system speaks Italian."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

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
        assert window.previews["print"]._title_label.text() == "Stampa"  # the pane's header
        window.previews["sms"].set_delivery(False, "consenso revocato")
        assert window.previews["sms"].findChild(QLabel, "deliveryBadge").text() == "non inviata"
        window.session.close()
        window.deleteLater()
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)


REPO = Path(__file__).resolve().parents[2]


def test_every_string_of_the_studio_is_in_the_catalogue_and_translated():
    # lupdate reads the code: a new or changed tr() string not yet in missiva_it.ts (or one
    # left unfinished) fails here, naming it. Fix: python packaging/translations.py, then
    # translate what it lists.
    done = subprocess.run([sys.executable, str(REPO / "packaging" / "translations.py"),
                           "--check"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


# What the studio shows a person, by the call that shows it: the argument positions to read.
_SHOWN_BY_METHOD = {
    "setText": [0], "setToolTip": [0], "setWindowTitle": [0], "setPlaceholderText": [0],
    "setStatusTip": [0], "addTab": [1], "insertTab": [2], "setTabText": [1],
    "setTabToolTip": [1], "addAction": [0], "addMenu": [0], "showMessage": [0],
    "information": [1, 2], "warning": [1, 2], "question": [1, 2], "critical": [1, 2],
    "about": [1, 2], "addRow": [0], "setTitle": [0], "clear": [0]}
_SHOWN_BY_CLASS = {"QLabel": [0], "QPushButton": [0], "QAction": [0], "QCheckBox": [0],
                   "QRadioButton": [0], "QGroupBox": [0], "QMenu": [0]}
# Not words to translate: the product's name, a number with its unit, examples of input,
# markup around values that are escaped and translated where they are made.
_NOT_WORDS = {"Missiva Studio", "Missiva Studio — {project.name}", "{channel}: {elapsed_ms:.0f} ms",
              "nome.cognome@example.com", "https://git.example.org/team/project.git"}


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else
                       "{" + ast.unparse(v.value) + (":" + ast.unparse(v.format_spec)[2:-1]
                                                     if v.format_spec else "") + "}"
                       for v in node.values if isinstance(v, ast.Constant | ast.FormattedValue))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _literal(node.left)
    return None


# Class attributes a widget shows as its name (a preview pane's header): the literal must be
# marked with QT_TRANSLATE_NOOP and translated where it is shown.
_SHOWN_ATTRIBUTES = {"title", "label", "caption", "heading"}


def _words(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]{2,}", re.sub(r"<[^>]*>|\{[^}]*\}|&\w+;", "", text)))


def untranslated_literals(path: Path) -> list[str]:
    found = []
    where = path.relative_to(REPO) if REPO in path.parents else path.name
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                target = (statement.targets[0] if isinstance(statement, ast.Assign)
                          else statement.target if isinstance(statement, ast.AnnAssign) else None)
                value = getattr(statement, "value", None)
                if isinstance(target, ast.Name) and target.id in _SHOWN_ATTRIBUTES \
                        and value is not None and (text := _literal(value)) is not None \
                        and _words(text) and text not in _NOT_WORDS:
                    found.append(f"{where}:{statement.lineno}: {text[:60]!r}")
            continue
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Attribute):
            positions = _SHOWN_BY_METHOD.get(function.attr, [])
        elif isinstance(function, ast.Name):
            positions = _SHOWN_BY_CLASS.get(function.id, [])
        else:
            positions = []
        for position in positions:
            if position >= len(node.args):
                continue
            text = _literal(node.args[position])
            if text is None or not _words(text):
                continue
            if text not in _NOT_WORDS:
                found.append(f"{where}:{node.lineno}: {text[:60]!r}")
    return found


def test_no_user_visible_literal_bypasses_tr():
    found = [hit for path in sorted((REPO / "studio" / "gui").rglob("*.py"))
             for hit in untranslated_literals(path)]
    assert found == []


def test_the_literal_check_sees_one(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text('label = QLabel("Hello")\nlabel.setToolTip(f"Page {n}")\n'
                     'label.setText(self.tr("Fine"))\nlabel.setText("42 %")\n'
                     'class Pane:\n    title = "Print"\n'
                     '    label = QT_TRANSLATE_NOOP("Pane", "Email")\n    channel = "print"\n',
                     encoding="utf-8")
    assert len(untranslated_literals(probe)) == 3


def test_an_italian_studio_shows_a_validation_problem_in_italian(qapp, qtbot, tmp_path):
    from PySide6.QtCore import Qt

    from tests.conftest import write_project

    root = write_project(tmp_path / "p", {"blocks/amount.md": "Totale {{ invoice.tax }}\n"})
    translators = install_translations(qapp, QLocale(QLocale.Language.Italian,
                                                     QLocale.Country.Italy))
    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    try:
        window.open_project(root)
        model = window.problems_model

        def shown() -> list[str]:
            return [model.data(model.index(row, 3)) for row in range(model.rowCount())
                    if model.problem(row).path == "blocks/amount.md"]

        # In plain words (issue 19), not Jinja's: the field, and where it is missing.
        italian = "Il campo invoice.tax non esiste nei dati di esempio."
        qtbot.waitUntil(lambda: italian in shown(), timeout=30_000)
        # The previews' render failure of the same line says the same, whole path included.
        assert set(shown()) == {italian}
        row = next(r for r in range(model.rowCount())
                   if model.data(model.index(r, 3)) == italian)
        assert model.problem(row).message == ("The field invoice.tax does not exist in the "
                                              "sample data.")
        assert "Il campo" in model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
        assert model.headerData(3, Qt.Orientation.Horizontal) == "Messaggio"
    finally:
        window.session.close()
        window.deleteLater()
        for translator in translators:
            qapp.removeTranslator(translator)
