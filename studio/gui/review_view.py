"""The review view: regulatory blocks awaiting a decision, each seen whole, then signed off.

For one block a reviewer sees every template and channel where it appears, rendered from the
committed project on a sample they choose (what a sign-off approves), which of those renditions
changed since the last approval, the words changed since then (and the rendered comparison),
the block's decision history, and approves or rejects it with a comment.

Everything slow (states, renders, the sign-off itself, which renders the hashes it records)
runs in one worker process; results come back through a queue and a bare signal.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.core import compliance, diff
from studio.core.compliance import BlockState, ReviewRendition, SignOff, UnsignedCommit
from studio.core.history import open_repository
from studio.core.jobs import guarded
from studio.core.problems import Problem, ProblemError
from studio.gui import operations
from studio.gui.formats import problem_text
from studio.gui.history_view import CompareDialog, date_in_words, words_html
from studio.gui.models import StateRole
from studio.gui.previews import PREVIEW_PANES
from studio.gui.signing import SigningNotice

#: Badge colours (background, text) of each state: the same in the explorer and the queue.
STATE_COLOURS: dict[str, tuple[str, str]] = {
    "approved": ("#d9f7e0", "#116329"),
    "stale": ("#fff1c2", "#7a4d00"),
    "pending": ("#e3ecfa", "#1d4e89"),
    "rejected": ("#ffe3e6", "#a40e26"),
}
#: The queue's order: what waits for a reviewer first.
_ORDER = {"stale": 0, "pending": 1, "rejected": 2, "approved": 3}
AWAITING = ("stale", "pending")
# States and decisions are shown from variables (self.tr(state)): marked for lupdate.
STATE_WORDS = (
    QT_TRANSLATE_NOOP("ReviewPanel", "approved"), QT_TRANSLATE_NOOP("ReviewPanel", "stale"),
    QT_TRANSLATE_NOOP("ReviewPanel", "pending"), QT_TRANSLATE_NOOP("ReviewPanel", "rejected"),
    QT_TRANSLATE_NOOP("StateBadgeDelegate", "approved"),
    QT_TRANSLATE_NOOP("StateBadgeDelegate", "stale"),
    QT_TRANSLATE_NOOP("StateBadgeDelegate", "pending"),
    QT_TRANSLATE_NOOP("StateBadgeDelegate", "rejected"))
PAST = {"approve": "approved", "reject": "rejected"}  # a decision as the record reads it
NOUNS = {"approve": QT_TRANSLATE_NOOP("ReviewPanel", "approval"),  # "the approval by …"
         "reject": QT_TRANSLATE_NOOP("ReviewPanel", "rejection")}


class ReviewPanel(QWidget):
    """The reviewer's queue and the holistic view of one regulatory block."""

    statesChanged = Signal()  # new block states: the explorer's badges follow  # noqa: N815
    decided = Signal(str)  # a sign-off was committed (the block id)
    openRequested = Signal(str)  # open the block's file in the editor  # noqa: N815
    renderingDone = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.root: Path | None = None
        self.states: dict[str, BlockState] = {}
        self.reviews: list[ReviewRendition] = []
        self.block: str | None = None
        self.reviewer_role: str | None = None
        self.reviewer_email = ""
        self._generation = 0
        self._busy: Counter[str] = Counter()  # jobs in flight, by kind
        self._dialogs: list[CompareDialog] = []
        self._build()

    # Construction ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.identity_label = QLabel(self)
        self.identity_label.setWordWrap(True)
        self.awaiting_only = QCheckBox(self.tr("Only blocks awaiting a decision"), self)
        self.awaiting_only.toggled.connect(lambda _: self._fill_queue())
        self.queue = QTreeWidget(self)
        self.queue.setHeaderLabels([self.tr("Block"), self.tr("State"), self.tr("Owner")])
        self.queue.setRootIsDecorated(False)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.queue.header().setStretchLastSection(True)
        self.queue.currentItemChanged.connect(self._on_queue_selection)
        left = QWidget(self)
        left.setMinimumWidth(300)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.identity_label)
        # Signed sign-offs required, and git here cannot make them: said before deciding.
        self.signing = SigningNotice(self)
        column.addWidget(self.signing)
        column.addWidget(self.awaiting_only)
        # issue 23: a hundred regulatory blocks need more than one checkbox to sort through
        self.state_filter = QComboBox(self)
        self.state_filter.setObjectName("queueState")
        self.owner_filter = QComboBox(self)
        self.owner_filter.setObjectName("queueOwner")
        self.template_filter = QComboBox(self)
        self.template_filter.setObjectName("queueTemplate")
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        for box in (self.state_filter, self.owner_filter, self.template_filter):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(6)
            box.currentIndexChanged.connect(lambda _: self._fill_queue())
            filters.addWidget(box, 1)
        column.addLayout(filters)
        column.addWidget(self.queue, 1)

        self.heading = QLabel(self.tr("Choose a regulatory block to review."), self)
        self.heading.setObjectName("reviewHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.sample_box = QComboBox(self)
        self.locale_box = QComboBox(self)
        for box in (self.sample_box, self.locale_box):
            box.activated.connect(lambda _: self.render_block())
        self.open_button = QPushButton(self.tr("Open block"), self)
        self.open_button.clicked.connect(
            lambda: self.block and self.openRequested.emit(self.block))
        context = QHBoxLayout()
        context.addWidget(QLabel(self.tr("Sample")))
        context.addWidget(self.sample_box)
        context.addWidget(QLabel(self.tr("Locale")))
        context.addWidget(self.locale_box)
        context.addStretch(1)
        context.addWidget(self.open_button)

        self.appearances = QTabWidget(self)  # one tab a template: its channels side by side
        self.appearances.setDocumentMode(True)
        self.changes_view = QTextBrowser(self)
        self.compare_row = QHBoxLayout()
        changes = QWidget(self)
        changes_layout = QVBoxLayout(changes)
        changes_layout.addWidget(self.changes_view, 1)
        changes_layout.addLayout(self.compare_row)
        self.decisions = QTableWidget(0, 5, self)
        self.decisions.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Decision"), self.tr("Reviewer"), self.tr("Version"),
             self.tr("Comment")])
        self.decisions.verticalHeader().hide()
        self.decisions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.decisions.horizontalHeader().setStretchLastSection(True)
        self.views = QTabWidget(self)
        self.views.addTab(self.appearances, self.tr("Where it appears"))
        self.views.addTab(changes, self.tr("Changes since approval"))
        self.views.addTab(self.decisions, self.tr("Decisions"))

        self.comment = QLineEdit(self)
        self.comment.setPlaceholderText(self.tr("Comment for the record (required)"))
        self.comment.textChanged.connect(lambda _: self._update_buttons())
        self.approve_button = QPushButton(self.tr("Approve"), self)
        self.approve_button.setObjectName("approveButton")
        self.approve_button.clicked.connect(lambda: self.decide("approve"))
        self.reject_button = QPushButton(self.tr("Reject"), self)
        self.reject_button.setObjectName("rejectButton")
        self.reject_button.clicked.connect(lambda: self.decide("reject"))
        self.finish_button = QPushButton(self.tr("Finish interrupted sign-off"), self)
        self.finish_button.setObjectName("finishButton")
        self.finish_button.clicked.connect(self.finish)
        self.finish_button.hide()
        self.status = QLabel(self)
        self.status.setObjectName("reviewStatus")
        self.status.setWordWrap(True)
        decision = QHBoxLayout()
        decision.addWidget(self.comment, 1)
        decision.addWidget(self.approve_button)
        decision.addWidget(self.reject_button)
        decision.addWidget(self.finish_button)

        right = QWidget(self)
        detail = QVBoxLayout(right)
        detail.setContentsMargins(0, 0, 0, 0)
        detail.addWidget(self.heading)
        detail.addLayout(context)
        detail.addWidget(self.views, 1)
        detail.addLayout(decision)
        detail.addWidget(self.status)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([300, 1000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self._update_buttons()

    # Worker ----------------------------------------------------------------------------------

    def _submit(self, kind: str, token: Any, function: Callable[..., Any], *args: Any,
                **kwargs: Any) -> None:
        """Run FUNCTION in the studio's operation runner (states and decisions in the
        repository's git lane, in order); the outcome comes back to _arrive."""
        if self.root is None:
            return
        self._busy[kind] += 1
        operations.shared().run(
            guarded, function, *args, kwargs=kwargs,
            success=lambda outcome: self._arrive(kind, token, outcome),
            failure=lambda problem: self._arrive(kind, token, (None, problem)),
            owner=self, lane=None if kind == "render" else operations.git_lane(self.root))

    def _arrive(self, kind: str, token: Any, outcome: tuple[Any, Problem | str | None]) -> None:
        self._busy[kind] -= 1
        result, problem = outcome
        message = problem_text(problem) if isinstance(problem, Problem) else problem
        if kind == "states":
            self._on_states(result, message)
        elif kind == "render" and token == self._generation:
            self._on_renders(result, message)
        elif kind == "decide":
            self._on_decided(token, result, message)

    def is_busy(self) -> bool:
        return any(count > 0 for count in self._busy.values())

    def shutdown(self) -> None:
        """Stop the worker and drop the web previews (a web page must not outlive Qt's
        profile at exit)."""
        self._clear_appearances("")

    # States and the queue --------------------------------------------------------------------

    def set_root(self, root: Path | None) -> None:
        self.root = root
        self.states = {}
        self.block = None
        self._fill_queue()
        self._show_block()
        self.refresh()

    def refresh(self) -> None:
        """Read the states again (after a commit, a sign-off, a change on disk)."""
        self._update_identity()
        self.signing.check(self.root, "")
        if self.root is not None:
            self._submit("states", None, compliance.block_states, str(self.root))

    def _update_identity(self) -> None:
        self.reviewer_role = None
        if self.root is None:
            self.identity_label.setText("")
            return
        try:
            repository = open_repository(self.root)
            who = repository.identity()
            role = compliance.approver_role_at(repository, who.email)
        except ProblemError as exc:
            self.identity_label.setText(problem_text(exc.problem))
            return
        except Exception as exc:  # noqa: BLE001 - not a repository, git missing
            self.identity_label.setText(self.tr("No version control here: %s") % exc)
            return
        self.reviewer_role = role
        self.reviewer_email = who.email
        # A decision is recorded under the identity that authors its commit, never another:
        # say which one it is and where it comes from.
        source = {"settings": self.tr("from the studio's settings"),
                  "git config": self.tr("from git's user.email"),
                  "environment": self.tr("from MISSIVA_AUTHOR_EMAIL")}.get(who.source, who.source)
        if role:
            self.identity_label.setText(
                self.tr("Reviewing as %s <%s>, approver (%s).") % (who.name, who.email, role)
                + " " + self.tr("Decisions are committed under this identity (%s): "
                                "the commit's author is the reviewer on record.") % source)
        else:
            self.identity_label.setText(
                self.tr("You (%s) are not an approver: you can read, not decide.") % who.email)

    def _on_states(self, states: Sequence[BlockState] | None, message: str | None) -> None:
        if message:
            self.status.setText(message)
            return
        self.states = {s.block: s for s in states or ()}
        self._fill_filters()
        self._fill_queue()
        self._show_heading()
        self._fill_decisions()
        self._update_buttons()
        self.statesChanged.emit()

    def awaiting(self) -> list[str]:
        return [b for b, s in self.states.items() if s.state in AWAITING]

    def _fill_filters(self) -> None:
        """The queue's filters offer what the states hold; a choice still offered is kept."""
        values = (sorted({s.state for s in self.states.values()}, key=lambda v: _ORDER.get(v, 9)),
                  sorted({s.owner or "" for s in self.states.values()} - {""}),
                  sorted({t for s in self.states.values() for t in s.templates}))
        boxes = ((self.state_filter, self.tr("Every state")),
                 (self.owner_filter, self.tr("Every owner")),
                 (self.template_filter, self.tr("Every template")))
        for (box, every), found in zip(boxes, values, strict=True):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(every, "")
            for value in found:
                box.addItem(self.tr(value) if box is self.state_filter else value, value)
            box.setCurrentIndex(max(0, box.findData(chosen)) if chosen else 0)
            box.blockSignals(False)

    def _shown_in_queue(self, state: BlockState) -> bool:
        if self.awaiting_only.isChecked() and state.state not in AWAITING:
            return False
        wanted_state = self.state_filter.currentData()
        wanted_owner = self.owner_filter.currentData()
        wanted_template = self.template_filter.currentData()
        return ((not wanted_state or state.state == wanted_state)
                and (not wanted_owner or state.owner == wanted_owner)
                and (not wanted_template or wanted_template in state.templates))

    def queued(self) -> list[str]:
        """The blocks the queue shows now, in its order."""
        return [self.queue.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                for i in range(self.queue.topLevelItemCount())]

    def _fill_queue(self) -> None:
        current = self.block
        self.queue.blockSignals(True)
        self.queue.clear()
        shown = sorted(self.states.values(), key=lambda s: (_ORDER.get(s.state, 9), s.block))
        for state in shown:
            if not self._shown_in_queue(state):
                continue
            item = QTreeWidgetItem([state.block, self._state_text(state), state.owner or "–"])
            item.setData(0, Qt.ItemDataRole.UserRole, state.block)
            notes = self._notes(state)
            if notes:
                item.setToolTip(1, "\n".join(notes))
            background, foreground = STATE_COLOURS.get(state.state, ("#eeeeee", "#333333"))
            item.setBackground(1, QColor(background))
            item.setForeground(1, QColor(foreground))
            item.setToolTip(0, ", ".join(state.templates) or self.tr("used by no template"))
            self.queue.addTopLevelItem(item)
            if state.block == current:
                self.queue.setCurrentItem(item)
        self.queue.blockSignals(False)
        self.queue.resizeColumnToContents(1)

    def _state_text(self, state: BlockState) -> str:
        """"stale · renamed", "pending · interrupted": the state and what else a reviewer must
        know at a glance."""
        marks = [self.tr(state.state)]
        if state.renamed_from:
            marks.append(self.tr("renamed"))
        if state.interrupted:
            marks.append(self.tr("interrupted"))
        if state.unsigned:
            marks.append(self.tr("signature missing"))
        if state.unflagged:
            marks.append(self.tr("un-flagged"))
        if self._mine_to_leave(state):
            marks.append(self.tr("four eyes"))
        return " · ".join(marks)

    def _mine_to_leave(self, state: BlockState) -> bool:
        """compliance.four_eyes: the reviewer changed its text since its last approval."""
        return bool(self.reviewer_email) and self.reviewer_email.lower() in state.makers

    def _four_eyes_note(self) -> str:
        return self.tr("You changed this text since its last approval: under the project's "
                       "four-eyes rule another approver must approve it.")

    def _signature_fault(self, unsigned: UnsignedCommit) -> str:
        """What is wrong with a commit's signature, in the reviewer's language."""
        if unsigned.kind == "unsigned":
            return self.tr("the commit is not signed")
        if unsigned.kind == "unlisted":
            return self.tr("it is signed with a key that compliance/allowed_signers does not "
                           "list for %s") % (unsigned.author or self.tr("its author"))
        if unsigned.kind == "unchecked":
            return self.tr("its signature cannot be checked on this computer (%s)") \
                % unsigned.reason
        return self.tr("its signature is not valid (%s)") % unsigned.reason

    def _notes(self, state: BlockState) -> list[str]:
        """What the heading and the queue's tooltip say beyond the state."""
        notes = []
        if state.renamed_from:
            notes.append(self.tr("Renamed from {0} to {1}: it replaces the wording decided on "
                                 "under the old name, and its changes are shown against the "
                                 "text approved as {0}.").format(state.renamed_from,
                                                                 state.block))
        for unsigned in state.unsigned:
            if unsigned.decision is not None:
                notes.append(self.tr("Signature missing: the {0} by {1} in commit {2} does not "
                                     "count, because {3}. This project requires signed "
                                     "sign-offs.").format(
                    self.tr(NOUNS.get(unsigned.decision.decision, unsigned.decision.decision)),
                    unsigned.decision.reviewer, unsigned.commit[:10],
                    self._signature_fault(unsigned)))
            else:
                notes.append(self.tr("Signature missing: {0} changed this text in commit {1}, "
                                     "but {2}: who wrote it is not proven, and verify refuses "
                                     "the commit.").format(
                    unsigned.author, unsigned.commit[:10], self._signature_fault(unsigned)))
        for decision in state.interrupted:
            notes.append(self.tr("Interrupted sign-off: the %s by %s was written but not "
                                 "committed, so it does not count until they finish it.")
                         % (self.tr(NOUNS.get(decision.decision, decision.decision)),
                            decision.reviewer))
        if state.unflagged:
            notes.append(self.tr("No longer flagged regulatory, but not by its owners: %s")
                         % state.unflagged)
        for reason in state.changed_around:
            notes.append(self.tr("Its text is the approved one, but %s: approve it as it now "
                                 "reads.") % reason)
        if self._mine_to_leave(state):
            notes.append(self._four_eyes_note())
        return notes

    def _on_queue_selection(self, item: QTreeWidgetItem | None, _previous: Any = None) -> None:
        block = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if block != self.block:
            self.select(block)

    # One block -------------------------------------------------------------------------------

    def select(self, block: str | None) -> None:
        """Review BLOCK: its renditions, its changes since approval and its decisions."""
        self.block = block
        for row in range(self.queue.topLevelItemCount()):
            item = self.queue.topLevelItem(row)
            if item.data(0, Qt.ItemDataRole.UserRole) == block:
                self.queue.blockSignals(True)
                self.queue.setCurrentItem(item)
                self.queue.blockSignals(False)
        self._show_block()
        if block is not None:
            self.render_block()

    def _show_block(self) -> None:
        self.comment.clear()
        self.status.clear()
        self._fill_context_boxes()
        self._show_heading()
        self._show_changes()
        self._fill_decisions()
        self._clear_appearances(self.tr("Rendering…") if self.block else "")
        self._update_buttons()

    def _fill_context_boxes(self) -> None:
        if self.root is None or self.block is None:
            return
        try:
            project = open_repository(self.root).project_at("HEAD")
        except Exception:  # noqa: BLE001 - nothing committed: the heading says why
            return
        chosen_sample, chosen_locale = self.sample_box.currentText(), self.locale_box.currentText()
        default_sample = str(project.config.raw.get("default_sample") or "")
        self.sample_box.clear()
        self.sample_box.addItems(sorted(project.samples))
        self.sample_box.setCurrentText(chosen_sample or default_sample)
        self.locale_box.clear()
        self.locale_box.addItems(list(project.config.locales))
        self.locale_box.setCurrentText(chosen_locale or project.config.default_locale)

    def _show_heading(self) -> None:
        state = self.states.get(self.block or "")
        if state is None:
            self.heading.setText(self.tr("Choose a regulatory block to review.")
                                 if not self.block else html.escape(self.block))
            return
        background, foreground = STATE_COLOURS.get(state.state, ("#eeeeee", "#333333"))
        badge = (f'<span style="background:{background};color:{foreground};'
                 f'font-weight:bold">&nbsp;{html.escape(self.tr(state.state))}&nbsp;</span>')
        last = ""
        if state.reviewer:
            verb = PAST.get(state.history[-1].decision, "") if state.history else ""
            last = self.tr(" — last %s by %s, %s") % (self.tr(verb), state.reviewer,
                                                      date_in_words(state.time))
        used = ", ".join(state.templates) or self.tr("no template")
        owner_word, used_word = self.tr("owner"), self.tr("Used by")
        notes = "".join(f"<br><span style='color:#7a4d00'>{html.escape(note)}</span>"
                        for note in self._notes(state))
        self.heading.setText(
            f"<span style='font-size:15px;font-weight:bold'>{html.escape(state.block)}</span> "
            f"{badge} &nbsp;{owner_word}: <b>{html.escape(state.owner or '–')}</b>"
            f"{html.escape(last)}<br><span style='color:#555'>"
            f"{used_word}: {html.escape(used)}</span>{notes}")

    def _show_changes(self) -> None:
        for index in reversed(range(self.compare_row.count())):
            widget = self.compare_row.itemAt(index).widget()
            if widget is not None:
                widget.deleteLater()
        if self.root is None or self.block is None:
            self.changes_view.clear()
            return
        try:
            repository = open_repository(self.root)
            project = repository.project_at("HEAD")
            block = project.blocks[self.block]
        except Exception as exc:  # noqa: BLE001
            self.changes_view.setPlainText(str(exc))
            return
        current = (repository.blob(block.path, "HEAD") or b"").decode("utf-8", "replace")
        approval = compliance.last_approval(repository, self.block)
        if approval is None:
            self.changes_view.setHtml(
                "<p><i>" + html.escape(self.tr("Never approved: the whole text is new.")) +
                "</i></p>" + words_html(diff.word_diff("", current)))
            return
        # Under the name it had then: a renamed block's approval is of its old path.
        approved = (repository.blob(f"blocks/{approval.block}.md", approval.commit)
                    or b"").decode("utf-8", "replace")
        when = date_in_words(approval.time)
        if approval.block != self.block:  # approved under the name it had before a rename
            header = html.escape(self.tr("Approved as {0} by {1}, {2} → {3} as committed now")
                                 .format(approval.block, approval.reviewer, when, self.block))
        else:
            header = html.escape(self.tr("Approved by %s, %s → the committed version now")
                                 % (approval.reviewer, when))
        body = words_html(diff.word_diff(approved, current), only_changed=True) \
            if approved != current else "<p><i>" + html.escape(
                self.tr("No change since that approval.")) + "</i></p>"
        self.changes_view.setHtml(f"<p><b>{header}</b></p>{body}")
        if approved == current:
            return
        self.compare_row.addWidget(QLabel(self.tr("What customers see:")))
        for template in self.states[self.block].templates if self.block in self.states else ():
            button = QPushButton(self.tr("Compare %s") % template)
            button.clicked.connect(
                lambda _=False, t=template, a=approval: self.compare_rendered(t, a.commit, a))
            self.compare_row.addWidget(button)
        self.compare_row.addStretch(1)

    def compare_rendered(self, template: str, approved_commit: str,
                         approval: SignOff | None = None) -> CompareDialog | None:
        """Open the rendered comparison of TEMPLATE: last approval → the committed version,
        titled for the block: who approved it and when, who changed it last, when and why."""
        if self.root is None or self.block is None:
            return None
        repository = open_repository(self.root)
        project = repository.project_at("HEAD")
        block = project.blocks[self.block]
        channels = project.templates[template].channels
        sides = None
        if approval is not None:
            last = repository.history(block.path, limit=1)
            current = (self.tr("current ({0}, {1}, “{2}”)").format(
                last[0].author, date_in_words(last[0].date, time=False), last[0].subject)
                if last else self.tr("current"))
            sides = (self.tr("approved version ({0}, {1})").format(
                approval.reviewer, date_in_words(approval.time, time=False)), current)
            if approval.block != self.block:
                sides = (self.tr("approved as {0} ({1}, {2})").format(
                    approval.block, approval.reviewer,
                    date_in_words(approval.time, time=False)), current)
        # A renamed block is compared with its text under the name it had then.
        old_path = f"blocks/{approval.block}.md" if approval is not None else block.path
        dialog = CompareDialog(
            self.root, block.path, repository.revision(approved_commit),
            repository.revision("HEAD"),
            (template, self.sample_box.currentText(), self.locale_box.currentText(), channels),
            self, sides, old_rel=old_path)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialogs = [d for d in self._dialogs if d.isVisible()] + [dialog]
        dialog.show()
        return dialog

    def _fill_decisions(self) -> None:
        state = self.states.get(self.block or "")
        # The decisions that count and, in a signed project, those that do not for want of a
        # valid signature: a reviewer sees both, the latter marked, newest first.
        refused = {u.decision.id: u for u in (state.unsigned if state is not None else ())
                   if u.decision is not None}
        records: list[SignOff] = list(state.history) if state is not None else []
        if refused:  # placed among the others by time (the ones that count: history's order)
            records += [u.decision for u in refused.values() if u.decision is not None]
            records.sort(key=lambda r: r.time)
        self.decisions.setRowCount(len(records))
        for row, record in enumerate(reversed(records)):
            version = record.blob[:10] + (self.tr(" (current)") if state is not None
                                          and record.blob == state.blob else "")
            decision = self.tr(PAST.get(record.decision, record.decision))
            unsigned = refused.get(record.id)
            if unsigned is not None:
                decision += " · " + self.tr("signature missing")
            cells = (date_in_words(record.time), decision,
                     f"{record.reviewer} ({record.role})", version, record.comment)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 1:
                    state_name = "approved" if record.decision == "approve" else "rejected"
                    background, foreground = STATE_COLOURS[state_name] if unsigned is None \
                        else ("#eeeeee", "#8a1c1c")
                    item.setBackground(QColor(background))
                    item.setForeground(QColor(foreground))
                    if unsigned is not None:
                        item.setToolTip(self.tr("Does not count: %s")
                                        % self._signature_fault(unsigned))
                self.decisions.setItem(row, column, item)
        self.decisions.resizeColumnsToContents()
        self.decisions.horizontalHeader().setStretchLastSection(True)

    # Renditions ------------------------------------------------------------------------------

    def render_block(self) -> None:
        if self.root is None or self.block is None:
            return
        self._generation += 1
        self._clear_appearances(self.tr("Rendering…"))
        self._submit("render", self._generation, compliance.review_renditions, str(self.root),
                     self.block, sample=self.sample_box.currentText() or None,
                     locale=self.locale_box.currentText() or None)

    def _clear_appearances(self, message: str) -> None:
        while self.appearances.count():
            widget = self.appearances.widget(0)
            self.appearances.removeTab(0)
            widget.deleteLater()
        if message:
            label = QLabel(message)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.appearances.addTab(label, "…")

    def _on_renders(self, reviews: list[ReviewRendition] | None, message: str | None) -> None:
        self._clear_appearances("" if reviews else (message or self.tr("Used by no template.")))
        self.reviews = list(reviews or [])
        by_template: dict[str, list[ReviewRendition]] = {}
        for review in self.reviews:
            by_template.setdefault(review.template, []).append(review)
        for template, reviews_of_template in by_template.items():
            row = QSplitter(Qt.Orientation.Horizontal)
            changed = 0
            for review in reviews_of_template:
                pane = PREVIEW_PANES[review.channel](row)
                pane.setObjectName(f"review-{template}-{review.channel}")
                pane.set_maximizable(False)
                if review.rendition is not None and self.block not in \
                        review.rendition.used_blocks:
                    # e.g. the SMS uses its own short wording: say so, not a message to search
                    pane.clear(self.tr("{0} is not in the {1} of {2}: this channel does not "
                                       "use it.").format(self.block, review.channel, template))
                elif review.rendition is not None:
                    pane.show_rendition(review.rendition)
                    facts = review.rendition.facts
                    top = facts.get("block_tops", {}).get(self.block)
                    pages = facts.get("block_pages", {}).get(self.block, [])
                    if top and hasattr(pane, "go_to_place"):
                        pane.go_to_place(int(top[0]) - 1, float(top[1]))  # the block itself
                    elif pages and hasattr(pane, "go_to_page"):
                        pane.go_to_page(pages[0] - 1)  # the page the block starts on
                    if hasattr(pane, "reveal_block"):
                        pane.reveal_block(self.block)  # email, mobile: scrolled to its section
                else:
                    problem = review.problem
                    pane.clear(str(problem) if problem is not None else self.tr("No rendition"))
                verdict = review.changed_since_approval
                if verdict is True:
                    changed += 1
                    pane.set_badge(self.tr("changed since approval"), self.tr(
                        "This rendition is not the one the last approval saw: the block "
                        "or what surrounds it in the template changed"))
                elif verdict is False:
                    pane.set_badge(self.tr("as approved"),
                                   self.tr("Byte for byte what the last approval saw"), ok=True)
                row.addWidget(pane)
            title = template if not changed else f"{template} ● {changed}"
            index = self.appearances.addTab(row, title)
            self.appearances.setTabToolTip(
                index, self.tr("%d channel(s) changed since approval") % changed if changed
                else ", ".join(r.channel for r in reviews_of_template))
        self.renderingDone.emit()

    def panes(self) -> dict[tuple[str, str], Any]:
        """The preview panes now shown, by (template, channel)."""
        found = {}
        for index in range(self.appearances.count()):
            row = self.appearances.widget(index)
            if isinstance(row, QSplitter):
                for number in range(row.count()):
                    pane = row.widget(number)
                    _, template_channel = pane.objectName().split("-", 1)
                    template, _, channel = template_channel.rpartition("-")
                    found[(template, channel)] = pane
        return found

    # Decisions -------------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        reason = ""
        if self.block is None:
            reason = self.tr("Choose a block.")
        elif not self.reviewer_role:
            reason = self.tr("Only approvers decide.")
        elif not self.comment.text().strip():
            reason = self.tr("Write a comment for the record.")
        elif self._busy["decide"] > 0:
            reason = self.tr("Recording…")
        allowed = not reason
        for button in (self.approve_button, self.reject_button):
            button.setEnabled(allowed)
            button.setToolTip(reason)
        state = self.states.get(self.block or "")
        if allowed and state is not None and self._mine_to_leave(state):
            # who wrote the text since its last approval rejects it or leaves it to another
            self.approve_button.setEnabled(False)
            self.approve_button.setToolTip(self._four_eyes_note())
        mine = [d for d in (state.interrupted if state is not None else ())
                if d.reviewer.lower() == self.reviewer_email.lower()]
        self.finish_button.setVisible(bool(state is not None and state.interrupted))
        self.finish_button.setEnabled(bool(mine) and self._busy["decide"] == 0)
        self.finish_button.setToolTip(
            self.tr("Commit the sign-off you started, as it was written") if mine
            else self.tr("Only the reviewer who made it can finish it"))

    def finish(self) -> None:
        """Commit the interrupted sign-off(s) of the current reviewer."""
        if self.root is None or self.block is None:
            return
        self.status.setText(self.tr("Finishing the interrupted sign-off of %s…") % self.block)
        self._submit("decide", self.block, finish_interrupted, str(self.root))
        self._update_buttons()

    def decide(self, decision: str) -> None:
        if self.root is None or self.block is None:
            return
        comment = self.comment.text().strip()
        if not comment:
            self.status.setText(self.tr("Write a comment for the record."))
            return
        self.status.setText(self.tr("Recording the %s of %s…") % (decision, self.block))
        self._submit("decide", self.block, compliance.signoff, str(self.root), self.block,
                     decision, comment)
        self._update_buttons()

    def _on_decided(self, block: str, record: SignOff | None, message: str | None) -> None:
        if message or record is None:
            self.status.setText(self.tr("Not recorded: %s") % (message or "?"))
            self._update_buttons()
            return
        self.comment.clear()
        self.status.setText(
            self.tr("%s: %s recorded in commit %s.") % (block, PAST.get(record.decision, ""),
                                                         record.ledger_commit[:10]))
        self.decided.emit(block)
        self.refresh()
        if block == self.block:
            self._show_changes()
            self.render_block()


def finish_interrupted(root: str) -> SignOff:
    """The worker's side of Finish: commit the interrupted sign-offs, return the last."""
    return compliance.finish_signoffs(root)[-1]


def state_label(state: BlockState) -> str:
    """"legal · stale": what the explorer shows beside a regulatory block."""
    return f"{state.owner or '–'} · {state.state}"


class StateBadgeDelegate(QStyledItemDelegate):
    """Draws "legal · stale" as a coloured badge at the right of a regulatory block's row."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        value = index.data(StateRole)
        if not value:
            super().paint(painter, option, index)
            return
        state, owner = value
        text = f"{owner or '–'} · {self.tr(state)}" if owner else self.tr(state)
        background, foreground = STATE_COLOURS.get(state, ("#eeeeee", "#333333"))
        font = QFont(option.font)  # type: ignore[attr-defined]
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        metrics = QFontMetrics(font)
        rect = option.rect  # type: ignore[attr-defined]
        width = metrics.horizontalAdvance(text) + 10
        height = metrics.height() + 2
        badge = QRect(rect.right() - width - 4, rect.center().y() - height // 2, width, height)
        # The name is drawn (elided if need be) in what the badge leaves free.
        named = QStyleOptionViewItem(option)
        named.rect = rect.adjusted(0, 0, -(width + 8), 0)  # type: ignore[attr-defined]
        super().paint(painter, named, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(badge, height / 2, height / 2)
        painter.setPen(QColor(foreground))
        painter.setFont(font)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        if index.data(StateRole):
            size.setWidth(size.width() + 120)
        return size
