"""The rule editor: a condition (`when:`) built from fields, comparisons and values.

An author picks a field of the record (from data/schema.json, with its title), a comparison
and a value, and groups conditions under "all of" / "any of"; the editor writes the same Jinja
expression the template's YAML holds (studio/core/rules.py) and shows, live, whether the rule
is true for the previewed sample. An expression the rule rows cannot show opens as source,
verbatim, and stays editable there: nothing the author wrote is lost.

The dialog is never exec()'d: callers open() it and read `expression()` on `accepted`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.core import rules
from studio.core.messages import Message, in_language
from studio.core.rules import Condition, Group, Rule, SourceRule


def schema_fields(schema: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Every field a rule can test, as (dotted path, title or description), from a JSON
    Schema; arrays are offered as a whole (their count), not item by item."""
    found: list[tuple[str, str]] = []
    if not isinstance(schema, Mapping):
        return found
    for name, sub in (schema.get("properties") or {}).items():
        path = f"{prefix}{name}"
        if not rules.is_field(path):
            continue
        label = ""
        if isinstance(sub, Mapping):
            label = str(sub.get("title") or sub.get("description") or "")
        found.append((path, label))
        if isinstance(sub, Mapping) and sub.get("type") == "object":
            found += schema_fields(sub, path + ".")
    return found


class ConditionRow(QWidget):
    """One condition: field, comparison, value (and "number of items" for a list)."""

    changed = Signal()
    removeRequested = Signal(QWidget)

    def __init__(self, fields: Sequence[tuple[str, str]], condition: Condition | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QComboBox(self)
        self.field.setEditable(True)
        self.field.setObjectName("rule-field")
        self.field.setAccessibleName(self.tr("Field"))
        for path, title in fields:
            self.field.addItem(path, path)
            if title:
                self.field.setItemData(self.field.count() - 1, title,
                                       Qt.ItemDataRole.ToolTipRole)
        self.comparison = QComboBox(self)
        self.comparison.setObjectName("rule-comparison")
        self.comparison.setAccessibleName(self.tr("Comparison"))
        labels = {
            rules.EQUALS: self.tr("is (=)"), rules.NOT_EQUALS: self.tr("is not (≠)"),
            rules.LESS: self.tr("less than (<)"), rules.AT_MOST: self.tr("at most (≤)"),
            rules.GREATER: self.tr("more than (>)"), rules.AT_LEAST: self.tr("at least (≥)"),
            rules.CONTAINS: self.tr("contains"), rules.ONE_OF: self.tr("is one of"),
            rules.DEFINED: self.tr("is present"), rules.NOT_DEFINED: self.tr("is missing"),
        }
        for comparison in rules.COMPARISONS:
            self.comparison.addItem(labels[comparison], comparison)
        self.value = QLineEdit(self)
        self.value.setObjectName("rule-value")
        self.value.setAccessibleName(self.tr("Value"))
        self.value.setPlaceholderText(self.tr("value (several: separated by commas)"))
        self.count = QCheckBox(self.tr("number of items"), self)
        self.count.setToolTip(self.tr("Compare how many items the field holds (a list)"))
        remove = QToolButton(self)
        remove.setText("✕")
        remove.setToolTip(self.tr("Remove this condition"))
        remove.setAccessibleName(self.tr("Remove this condition"))
        remove.clicked.connect(lambda: self.removeRequested.emit(self))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.field, self.comparison, self.value, self.count, remove):
            layout.addWidget(widget)
        layout.setStretch(0, 3)
        layout.setStretch(2, 2)
        if condition is not None:
            self.set_condition(condition)
        self.field.currentTextChanged.connect(self.changed)
        self.comparison.currentIndexChanged.connect(self._on_comparison)
        self.value.textChanged.connect(self.changed)
        self.count.toggled.connect(self.changed)
        self._on_comparison()

    def set_condition(self, condition: Condition) -> None:
        index = self.field.findData(condition.field)
        if index >= 0:
            self.field.setCurrentIndex(index)
        else:
            self.field.setEditText(condition.field)
        self.comparison.setCurrentIndex(self.comparison.findData(condition.comparison))
        value = condition.value
        if isinstance(value, tuple):
            self.value.setText(", ".join(_shown(v) for v in value))
        elif condition.comparison not in rules.UNARY:
            self.value.setText(_shown(value))
        self.count.setChecked(condition.count)

    def _on_comparison(self) -> None:
        comparison = self.comparison.currentData()
        self.value.setVisible(comparison not in rules.UNARY)
        self.count.setVisible(comparison in (rules.EQUALS, rules.NOT_EQUALS, rules.LESS,
                                             rules.AT_MOST, rules.GREATER, rules.AT_LEAST))
        self.changed.emit()

    def condition(self) -> Condition | None:
        field = self.field.currentText().strip()
        if not rules.is_field(field):
            return None
        comparison = self.comparison.currentData()
        if comparison in rules.UNARY:
            return Condition(field, comparison)
        if comparison == rules.ONE_OF:
            values = tuple(rules.read_value(part.strip())
                           for part in self.value.text().split(",") if part.strip())
            return Condition(field, comparison, values)
        count = self.count.isChecked() and not self.count.isHidden()
        return Condition(field, comparison, rules.read_value(self.value.text()), count)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class GroupBox(QFrame):
    """All of / any of: condition rows and nested groups."""

    changed = Signal()
    removeRequested = Signal(QWidget)

    def __init__(self, fields: Sequence[tuple[str, str]], group: Group | None,
                 nested: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = fields
        if nested:
            self.setFrameShape(QFrame.Shape.StyledPanel)
        self.kind = QComboBox(self)
        self.kind.setObjectName("rule-kind")
        self.kind.addItem(self.tr("All of these are true"), "and")
        self.kind.addItem(self.tr("Any of these is true"), "or")
        self.kind.setAccessibleName(self.tr("How the conditions combine"))
        self.kind.currentIndexChanged.connect(self.changed)
        header = QHBoxLayout()
        header.addWidget(self.kind)
        header.addStretch(1)
        if nested:
            remove = QToolButton(self)
            remove.setText("✕")
            remove.setToolTip(self.tr("Remove this group"))
            remove.setAccessibleName(self.tr("Remove this group"))
            remove.clicked.connect(lambda: self.removeRequested.emit(self))
            header.addWidget(remove)
        self.rows = QVBoxLayout()
        self.add_condition_button = QPushButton(self.tr("Add condition"), self)
        self.add_condition_button.setObjectName("rule-add-condition")
        self.add_condition_button.clicked.connect(lambda: self.add_condition(None))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_condition_button)
        if not nested:
            self.add_group_button = QPushButton(self.tr("Add group"), self)
            self.add_group_button.clicked.connect(lambda: self.add_group(None))
            buttons.addWidget(self.add_group_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(self.rows)
        layout.addLayout(buttons)
        if not nested:
            layout.addStretch(1)  # rows stay together at the top however tall the dialog
        if group is not None:
            self.kind.setCurrentIndex(self.kind.findData(group.kind))
            for rule in group.rules:
                if isinstance(rule, Condition):
                    self.add_condition(rule)
                elif isinstance(rule, Group):
                    self.add_group(rule)

    def members(self) -> list[QWidget]:
        return [w for i in range(self.rows.count())
                if (w := self.rows.itemAt(i).widget()) is not None]

    def add_condition(self, condition: Condition | None) -> ConditionRow:
        row = ConditionRow(self.fields, condition, self)
        row.changed.connect(self.changed)
        row.removeRequested.connect(self._remove)
        self.rows.addWidget(row)
        self.changed.emit()
        return row

    def add_group(self, group: Group | None) -> GroupBox:
        box = GroupBox(self.fields, group, nested=True, parent=self)
        if group is None:
            box.add_condition(None)
        box.changed.connect(self.changed)
        box.removeRequested.connect(self._remove)
        self.rows.addWidget(box)
        self.changed.emit()
        return box

    def _remove(self, widget: QWidget) -> None:
        self.rows.removeWidget(widget)
        widget.deleteLater()
        widget.hide()
        self.changed.emit()

    def rule(self) -> Rule | None:
        parts: list[Rule] = []
        for widget in self.members():
            inner = widget.condition() if isinstance(widget, ConditionRow) else (
                widget.rule() if isinstance(widget, GroupBox) else None)
            if inner is not None:
                parts.append(inner)
        if not parts:
            return None
        return rules.normalized(Group(self.kind.currentData(), tuple(parts)))


class RuleEditor(QDialog):
    """Edit one condition; `expression()` is the text to write (None: always shown)."""

    def __init__(self, expression: str | None, fields: Sequence[tuple[str, str]],
                 context: Mapping[str, Any], language: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Condition"))
        self.setObjectName("rule-editor")
        self.fields = fields
        self.context = context
        self.language = language
        intro = QLabel(self.tr("Show this block only when:"), self)
        self.stack = QStackedWidget(self)
        self.source = QPlainTextEdit(self)
        self.source.setObjectName("rule-source")
        self.source.setAccessibleName(self.tr("Condition as source"))
        self.source.textChanged.connect(self._update_badge)
        self.source_reason = QLabel(self)
        self.source_reason.setWordWrap(True)
        source_page = QWidget(self)
        source_layout = QVBoxLayout(source_page)
        source_layout.setContentsMargins(0, 0, 0, 0)
        source_layout.addWidget(self.source_reason)
        source_layout.addWidget(self.source)
        self.group = GroupBox(fields, None, parent=self)
        self.group.changed.connect(self._update_badge)
        self.stack.addWidget(self.group)
        self.stack.addWidget(source_page)
        self.toggle = QPushButton(self.tr("Edit as source"), self)
        self.toggle.setObjectName("rule-toggle")
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._on_toggle)
        self.badge = QLabel(self)
        self.badge.setObjectName("rule-badge")
        self.badge.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.badge, 1)
        bottom.addWidget(self.toggle)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.buttons)
        self.resize(720, 360)
        self.set_expression(expression)

    # The expression ------------------------------------------------------------------------

    def set_expression(self, expression: str | None) -> None:
        rule = rules.parse_rule(expression) if expression and expression.strip() else None
        for widget in self.group.members():
            self.group._remove(widget)
        if isinstance(rule, SourceRule):
            self.source.setPlainText(rule.text)
            self.source_reason.setText(self._words(rule.reason) if rule.reason else "")
            self._show_source(True)
        else:
            if isinstance(rule, Group) and all(isinstance(r, Condition | Group)
                                               for r in rule.rules):
                self.group.kind.setCurrentIndex(self.group.kind.findData(rule.kind))
                for inner in rule.rules:
                    if isinstance(inner, Condition):
                        self.group.add_condition(inner)
                    elif isinstance(inner, Group):
                        self.group.add_group(inner)
            else:
                self.group.add_condition(rule if isinstance(rule, Condition) else None)
            self._show_source(False)
        self._update_badge()

    def expression(self) -> str | None:
        """The condition's text as the YAML will hold it; None when there is none."""
        if self.toggle.isChecked():
            text = self.source.toPlainText().strip()
            return text or None
        rule = self.group.rule()
        return None if rule is None else rules.write_rule(rule)

    def _show_source(self, on: bool) -> None:
        blocked = self.toggle.blockSignals(True)
        self.toggle.setChecked(on)
        self.toggle.blockSignals(blocked)
        self.stack.setCurrentIndex(1 if on else 0)
        self.toggle.setText(self.tr("Edit as rule") if on else self.tr("Edit as source"))

    def _on_toggle(self, on: bool) -> None:
        if on:
            rule = self.group.rule()
            self.source.setPlainText("" if rule is None else rules.write_rule(rule))
            self.source_reason.setText("")
            self._show_source(True)
            return
        text = self.source.toPlainText().strip()
        rule = rules.parse_rule(text) if text else None
        if isinstance(rule, SourceRule):
            # Back to rules would lose what the rows cannot show: stay on the source.
            self.source_reason.setText(self._words(rule.reason) if rule.reason else "")
            self._show_source(True)
            return
        self.set_expression(text or None)

    # The badge -----------------------------------------------------------------------------

    def _words(self, message: Message | str | None) -> str:
        return "" if message is None else in_language(message, self.language)

    def _update_badge(self) -> None:
        text = self.expression()
        if text is None:
            self.badge.setText(self.tr("No condition: the block is always shown"))
            self.badge.setStyleSheet("")
            return
        verdict = rules.evaluate(text, self.context)
        if verdict.value is None:
            self.badge.setText(self.tr("Cannot evaluate for this sample: %s")
                               % self._words(verdict.problem))
            colour = "#b3261e"
        elif verdict.value:
            self.badge.setText(self.tr("✔ True for this sample: the block is shown"))
            colour = "#1b5e20"
        else:
            self.badge.setText(self.tr("✘ False for this sample: the block is left out"))
            colour = "#8a4b00"
        self.badge.setStyleSheet(f"QLabel {{ color: {colour}; font-weight: bold; }}")

    def verdict_text(self) -> str:
        return self.badge.text()
