"""Live checks in the studio: accessibility and readability of each preview, after it is painted.

A rendition shown in a pane starts, after a short pause (typing goes on: only the last one is
checked) and once no render or validation is running, `checks.run.check_live` in the checks'
own worker process (an `operations.Operations` of one worker: git and compares keep the shared
one), where one axe child stays up for the session; the preview itself never waits for it.
The findings come back as:

- problems in the Problems panel, on the file of the block that produced the element;
- a badge on the pane (✓, or the number of serious findings, the list in its tooltip);
- a readability gauge under the editor of a block: its score in the previewed rendition against
  its budget.

MISSIVA_LIVE_CHECKS=0 in the environment turns them off (bench/gui.py compares both ways).
"""

from __future__ import annotations

import os
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

from studio.core.checks.findings import impact_in_language
from studio.core.checks.run import RenditionCheck, check_live
from studio.core.problems import Problem
from studio.gui import operations
from studio.gui.formats import problem_text, ui_locale

CHECK_PAUSE_MS = 1200  # after the last rendition of a channel: checks wait for a pause in typing

_runner: operations.Operations | None = None


def checks_runner() -> operations.Operations:
    """The live checks' one worker process, made on first use and stopped when the application
    quits: its axe child (Chromium) is started once, and checks of two channels never run side
    by side on a machine that also renders the previews."""
    global _runner
    if _runner is None or not shiboken6.isValid(_runner):
        from PySide6.QtCore import QCoreApplication

        app = QCoreApplication.instance()
        _runner = operations.Operations(app, workers=1, background=True)
        if app is not None:
            app.aboutToQuit.connect(_runner.shutdown)
    return _runner

_OK_STYLE = "QLabel { color: #1b5e20; padding: 0 4px; }"
_BAD_STYLE = ("QLabel { background: #b71c1c; color: white; border-radius: 3px; "
              "padding: 0 4px; }")


class ReadabilityGauge(QProgressBar):
    """A block's readability (0-100) against its budget, under its editor."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readabilityGauge")
        self.setRange(0, 100)
        self.setMaximumHeight(16)
        self.setTextVisible(True)
        self.setVisible(False)

    def show_score(self, index: str, value: float, budget: float | None, words: int) -> None:
        self.setValue(max(0, min(100, round(value))))
        name = self.tr("Gulpease") if index == "gulpease" else self.tr("Flesch")
        if budget is None:
            self.setFormat(self.tr("%s %s") % (name, f"{value:g}"))
        else:
            self.setFormat(self.tr("%s %s (budget %s)") % (name, f"{value:g}", f"{budget:g}"))
        short = words < 12
        ok = budget is None or short or value >= budget
        colour = "#2e7d32" if ok else "#c62828"
        self.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        self.setToolTip(self.tr("Too short to judge (%d words)") % words if short else
                        self.tr("%d words; shorter sentences and words raise the score") % words)
        self.setVisible(True)


class LiveChecks(QObject):
    """Checks each preview after it is shown; holds the findings the window merges in."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self._problems: dict[str, list[Problem]] = {}
        self._checks: dict[str, RenditionCheck] = {}
        self._badges: dict[str, QLabel] = {}
        self._timers: dict[str, QTimer] = {}
        self._renditions: dict[str, Any] = {}  # the last rendition shown per channel
        self._running: set[int] = set()  # the operations of checks not finished yet
        self._watching = False
        self.session.renditionReady.connect(self._on_rendition)
        self.session.selectionChanged.connect(self._forget)
        self.session.projectChanged.connect(lambda _project: self._forget())

    # What the window reads ----------------------------------------------------------------

    def problems(self) -> list[Problem]:
        return [p for found in self._problems.values() for p in found]

    def check(self, channel: str) -> RenditionCheck | None:
        return self._checks.get(channel)

    def busy(self) -> bool:
        """Checks waiting for their pause or running: once done, an idle studio runs none."""
        return bool(self._running) or any(timer.isActive() for timer in self._timers.values())

    def gauge_for(self, rel: str, parent: QWidget) -> ReadabilityGauge | None:
        """A gauge for the editor of REL when it is a block (None otherwise)."""
        if not (rel.startswith("blocks/") and rel.endswith(".md")):
            return None
        gauge = ReadabilityGauge(parent)
        self._update_gauge(rel, gauge)
        return gauge

    # Running ------------------------------------------------------------------------------

    def _on_rendition(self, channel: str, rendition: Any, elapsed_ms: float) -> None:
        if os.environ.get("MISSIVA_LIVE_CHECKS") == "0":
            return
        if rendition.facts.get("draft"):  # pages of two renditions: the whole letter follows
            return
        timer = self._timers.get(channel)
        if timer is None:
            timer = QTimer(self, singleShot=True, interval=CHECK_PAUSE_MS)
            timer.timeout.connect(lambda c=channel: self._run(c))
            self._timers[channel] = timer
        self._renditions[channel] = rendition
        timer.start()

    def _run(self, channel: str) -> None:
        session = self.session
        if session.project is None or not session.template or not session.sample:
            return
        if channel not in session.channels():  # a pane the template in front does not use
            return
        if session.service.busy():  # a render or a validation runs: the check comes after it
            self._timers[channel].start()
            return
        runner = checks_runner()
        if not self._watching:
            runner.finished.connect(self._running.discard)  # delivered, failed or superseded
            self._watching = True
        self._running.add(runner.run(
            check_live, session.state(), session.template, channel, session.sample,
            session.locale, self._renditions.get(channel),
            success=lambda result, c=channel: self._on_checked(c, result),
            failure=lambda problem, c=channel: self._on_failed(c, problem),
            key=f"checks-{channel}", owner=self,
        ))

    def _on_checked(self, channel: str, result: tuple[RenditionCheck, list[Problem]]) -> None:
        check, problems = result
        self._checks[channel] = check
        self._problems[channel] = problems
        self._badge(channel, check)
        self._refresh()

    def _on_failed(self, channel: str, problem: Problem) -> None:
        badge = self._badge_label(channel)
        if badge is not None:
            badge.setText("?")
            badge.setStyleSheet("")
            badge.setToolTip(self.tr("The checks could not run: %s") % problem_text(problem))
            badge.setVisible(True)

    def _forget(self) -> None:
        self._problems.clear()
        self._checks.clear()
        for badge in self._badges.values():
            badge.setVisible(False)
        self._refresh()

    # Showing ------------------------------------------------------------------------------

    def _refresh(self) -> None:
        self.window._on_problems(self.session.problems())
        for tab in self.window.editor_tabs():
            gauge = getattr(tab, "readability_gauge", None)
            if gauge is not None:
                self._update_gauge(tab.rel, gauge)

    def _badge_label(self, channel: str) -> QLabel | None:
        pane = self.window.previews.get(channel)
        if pane is None:
            return None
        badge = self._badges.get(channel)
        if badge is None:
            badge = QLabel(pane)
            badge.setObjectName("checksBadge")
            badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
            pane._add_tool(badge)
            self._badges[channel] = badge
        return badge

    def _badge(self, channel: str, check: RenditionCheck) -> None:
        badge = self._badge_label(channel)
        if badge is None:
            return
        serious = [f for f in check.accessibility if f.blocking]
        missed = [r for r in check.readability if r.block is not None and not r.ok]
        language = ui_locale().language
        lines = [f"{impact_in_language(f.impact, language)}: {f.rule}"
                 + (f" [{f.block}]" if f.block else "") + f" — {f.in_language(language)}"
                 for f in check.accessibility]
        lines += [self.tr("readability %s: %s < %s") % (r.block, f"{r.value:g}", f"{r.budget:g}")
                  for r in missed]
        if serious or missed:
            badge.setText(self.tr("⚠ %d") % (len(serious) + len(missed)))
            badge.setStyleSheet(_BAD_STYLE)
        else:
            badge.setText(self.tr("✓ accessible"))
            badge.setStyleSheet(_OK_STYLE)
        badge.setToolTip("\n".join(lines) or self.tr("No accessibility findings"))
        badge.setVisible(True)

    def _update_gauge(self, rel: str, gauge: ReadabilityGauge) -> None:
        project = self.session.project
        if project is None:
            return
        block_id = rel[len("blocks/"):-len(".md")]
        if "." in block_id.rsplit("/", 1)[-1]:  # a translation: blocks/x.en.md
            block_id = block_id.rsplit(".", 1)[0]
        for check in self._checks.values():
            for r in check.readability:
                if r.block == block_id:
                    gauge.show_score(r.index, r.value, r.budget, r.words)
                    return
        gauge.setVisible(False)
