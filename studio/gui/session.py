"""The studio's working state: the open project, unsaved buffers, the selection, and previews.

A Session is the GUI's model of "what the author is looking at". It owns no widgets: windows
observe its signals. Edits and file events update the core Project incrementally and schedule
only the renditions they affect; rendering itself happens in the RenderService's workers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from studio.core.channels import CHANNEL_NAMES, CHANNELS
from studio.core.compose import channels_reading_change
from studio.core.files import write_atomic
from studio.core.jobs import ProjectState, RenderJob, RenderOutcome
from studio.core.messages import msg
from studio.core.problems import Problem
from studio.core.project import (
    CONFIG_FILE,
    SAMPLES_DIR,
    SCHEMA_FILE,
    Project,
    load_project,
    reload,
)
from studio.core.routing import Route, route
from studio.gui.render_service import RenderService

# The pause before the previews follow an edit: long enough to take the edits of one gesture
# (a paste, a visual-editor operation, a replace-all) as one, no longer. Renders run in
# workers and the newest edit wins (a channel has one job running, one waiting), so a short
# pause costs no lost work; it was 60 ms, a fixed 45 ms more on every keystroke's preview.
EDIT_PAUSE_MS = 15
# While the author types, print is a draft (its pages through the edited one laid out, the
# later ones from the last whole letter: core/channels/draft.py); after this pause in typing
# the whole letter follows. Longer than the gap between two keys of someone typing, so a
# whole letter does not take the print worker between them.
WHOLE_PAUSE_MS = 500
VALIDATE_PAUSE_MS = 600  # longer: validation is the whole project


def digest(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


_BOM = b"\xef\xbb\xbf"


def decoded(data: bytes) -> tuple[str, tuple[bool, str]]:
    """A file's bytes as an editor shows them (UTF-8, lines ending in \\n), and its form on
    disk: whether it starts with a byte-order mark, and its line ending when every line ends
    in \\r\\n (a file from Windows). Saving puts the form back (Session.on_disk), so an edit
    changes only the lines it touches, and reading a file never looks like a change to it."""
    bom = data.startswith(_BOM)
    text = (data[len(_BOM):] if bom else data).decode("utf-8")
    crlf = "\r\n" in text and "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n", "\n").replace("\r", "\n"), (bom, "\r\n" if crlf else "\n")


class Session(QObject):
    projectChanged = Signal(object)  # Project (with unsaved buffers applied)
    selectionChanged = Signal()
    renditionReady = Signal(str, object, float)  # channel, Rendition, render ms
    renditionFailed = Signal(str, object)  # channel, Problem
    renderStarted = Signal(str)  # channel
    problemsChanged = Signal(list)  # every current Problem
    checkingChanged = Signal(bool)  # a validation of the project is running (True) or done
    checkingProgress = Signal(int, int)  # the running validation: parts checked, parts in all
    buffersChanged = Signal()  # the set of unsaved files changed
    fileChangedOnDisk = Signal(str)  # a file with unsaved edits changed under them (once a
    # version: the same disk content never raises it twice)
    writing = Signal(str, object)  # rel, bytes: about to be written by the studio itself
    conflictGone = Signal(str)  # the file is back to the version the unsaved text is based on

    def __init__(self, service: RenderService | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service or RenderService(self)
        self.service.finished.connect(self._on_outcome)
        self.service.validated.connect(self._on_validated)
        self.service.validationProgress.connect(self._on_validation_progress)
        self.project: Project | None = None
        self.buffers: dict[str, str] = {}
        self.disk_digests: dict[str, str] = {}  # what we last read or wrote, per file
        self.disk_forms: dict[str, tuple[bool, str]] = {}  # byte-order mark, line ending
        # A file with unsaved edits changed on disk: the disk version the author was told
        # about (None: deleted). The same version is never told twice.
        self.conflicts: dict[str, str | None] = {}
        self.template: str | None = None
        self.sample: str | None = None
        self.locale: str | None = None
        self.disk_version = 0
        self._generation = 0
        self._validation_generation = 0
        self._pending: set[str] = set()  # channels waiting for the edit pause
        self._typing = False  # the pending renders follow the author's typing: drafts allowed
        self._drafted: set[str] = set()  # channels whose last rendition is a draft
        # The last whole print letter's basis for drafts (RenderOutcome.basis: the worker
        # drafts from it only for the letter it was made for), and the newest job asked for
        # in each channel (a whole letter laid out in the background may come back after a
        # draft of a later edit: it is not shown then).
        self._basis: object = None
        self._asked: dict[str, int] = {}
        self._last_used: dict[str, frozenset[str]] = {}  # channel -> blocks its rendition read
        self._render_problems: dict[str, Problem] = {}
        # What the last rendition of a channel that validation does not render on every
        # sample warns of (print: the regulatory wording as printed, a near-empty last page,
        # an image not loaded): shown with the rest, named by the sample it was found on.
        self._render_warnings: dict[str, list[Problem]] = {}
        self._validation_problems: list[Problem] = []
        self.checking = False
        self._closed = False
        self._render_timer = QTimer(self, singleShot=True, interval=EDIT_PAUSE_MS)
        self._render_timer.timeout.connect(self._render_pending)
        self._whole_timer = QTimer(self, singleShot=True, interval=WHOLE_PAUSE_MS)
        self._whole_timer.timeout.connect(self._render_whole)
        self._validate_timer = QTimer(self, singleShot=True, interval=VALIDATE_PAUSE_MS)
        self._validate_timer.timeout.connect(self._validate_now)

    # Opening and selecting -------------------------------------------------------------------

    def open(self, root: str | os.PathLike[str]) -> Project:
        self.buffers.clear()
        self.disk_digests.clear()
        self.disk_forms.clear()
        self.conflicts.clear()
        self.project = load_project(root)
        config = self.project.config
        self.template = next(iter(self.project.templates), None)
        preferred = str(config.raw.get("default_sample") or "")
        self.sample = preferred if preferred in self.project.samples else next(
            iter(sorted(self.project.samples)), None)
        self.locale = config.default_locale
        self._last_used.clear()
        self._render_problems.clear()
        self._render_warnings.clear()
        self.projectChanged.emit(self.project)
        self.selectionChanged.emit()
        self.buffersChanged.emit()
        self.render_all()
        self._validate_now()
        return self.project

    @property
    def root(self) -> Path | None:
        return self.project.root if self.project else None

    def state(self) -> ProjectState:
        assert self.project is not None
        return ProjectState(str(self.project.root), tuple(sorted(self.buffers.items())),
                            self.disk_version)

    def channels(self) -> tuple[str, ...]:
        if self.project is None or self.template not in self.project.templates:
            return ()
        return self.project.templates[self.template].channels

    def delivery_route(self) -> Route | None:
        """The channels the previewed sample would receive for the template, by its delivery
        rules (None when there is no template or sample to route)."""
        if self.project is None or self.template not in self.project.templates:
            return None
        sample = self.project.samples.get(self.sample or "")
        if sample is None:
            return None
        return route(self.project, self.template, sample.record)

    def select(self, *, template: str | None = None, sample: str | None = None,
               locale: str | None = None) -> None:
        switched = template is not None and template != self.template
        if template is not None:
            self.template = template
        if sample is not None:
            self.sample = sample
        if locale is not None:
            self.locale = locale
        # What the previous selection's renditions read says nothing of this one's (another
        # template, a sample whose rules pick other blocks): until this one's renditions are
        # back, an edit to any block may change them. Kept, an edit typed in the first moments
        # after switching to a template was judged to reach none of its channels, and its
        # previews stayed without it until the next keystroke.
        self._last_used.clear()
        self.selectionChanged.emit()
        self.render_all()
        if switched:  # its screens are laid out for the wording (the rest is kept: cheap)
            self._validate_timer.start()

    # Rendering -------------------------------------------------------------------------------

    def render_all(self) -> None:
        self._pending.update(CHANNEL_NAMES)
        self._render_pending()

    def _render_pending(self) -> None:
        if self.project is None or self.template is None or self.locale is None:
            self._pending.clear()
            return
        self._generation += 1
        available = self.channels()
        state = self.state()
        for channel in sorted(self._pending):
            if channel not in available:
                self._render_problems.pop(channel, None)
                self._render_warnings.pop(channel, None)
                continue
            self.renderStarted.emit(channel)
            self._asked[channel] = self._generation
            self.service.submit(RenderJob(
                state, self.template, channel, self.locale, sample=self.sample,
                generation=self._generation, draft=self._typing,
                basis=self._basis if self._typing else None))
            if not self._typing:
                self._drafted.discard(channel)
        self._pending.clear()
        self._typing = False

    def _render_whole(self) -> None:
        """The typing paused: the whole letter where the preview shows a draft, laid out in
        the background (a key pressed meanwhile is drafted beside it, not after it)."""
        if not self._drafted or self.project is None or self.template is None \
                or self.locale is None:
            return
        self._generation += 1
        state = self.state()
        for channel in sorted(self._drafted & set(self.channels())):
            self._asked[channel] = self._generation
            self.service.submit(RenderJob(state, self.template, channel, self.locale,
                                          sample=self.sample, generation=self._generation),
                                background=True)
        self._drafted.clear()

    def _on_outcome(self, outcome: RenderOutcome) -> None:
        if outcome.basis is not None:
            self._basis = outcome.basis
        if outcome.generation < self._asked.get(outcome.channel, -1):
            return  # a later edit's rendition was asked for (and may be shown already)
        if outcome.rendition is not None:
            self._last_used[outcome.channel] = outcome.rendition.used_blocks
            self._render_problems.pop(outcome.channel, None)
            if outcome.rendition.facts.get("draft"):
                # A draft has no warnings of its own: the whole letter's come after the pause.
                self._drafted.add(outcome.channel)
                self._whole_timer.start()
            else:
                self._render_warnings[outcome.channel] = self._shown_warnings(outcome)
            self.renditionReady.emit(outcome.channel, outcome.rendition, outcome.elapsed_ms)
        elif outcome.problem is not None:
            self._render_problems[outcome.channel] = outcome.problem
            self._render_warnings.pop(outcome.channel, None)
            # What the last good rendition read says nothing of what broke this one (a block
            # the template just took in): any block's edit may be what fixes it.
            self._last_used.pop(outcome.channel, None)
            self.renditionFailed.emit(outcome.channel, outcome.problem)
        self._emit_problems()

    def _shown_warnings(self, outcome: RenderOutcome) -> list[Problem]:
        if CHANNELS[outcome.channel].trial or outcome.rendition is None:
            return []  # validation renders it on every sample and says the same
        context = msg(" [sample {sample}, locale {locale}, {channel}]",
                      sample=self.sample or "", locale=self.locale or "", channel=outcome.channel)
        return [p.with_suffix(context) for p in outcome.rendition.warnings]

    def affected_channels(self, changed: Iterable[str], before: Project | None = None) -> set[str]:
        """The channels whose current rendition may read one of the changed files. With the
        project BEFORE the change, a block's edit reaches only the channels whose text of it
        changed: an SMS wording edit renders no PDF."""
        assert self.project is not None
        template = self.project.templates.get(self.template or "")
        sample = self.project.samples.get(self.sample or "")
        result: set[str] = set()
        for rel in changed:
            if rel in (CONFIG_FILE, SCHEMA_FILE) or (template and rel == template.path) \
                    or rel.startswith("templates/"):
                return set(CHANNEL_NAMES)
            if rel.startswith(SAMPLES_DIR + "/"):
                if sample is None or rel == sample.path:
                    return set(CHANNEL_NAMES)
            elif rel.startswith(("layouts/", "styles/")):
                channel = Path(rel).stem
                result.update([channel] if channel in CHANNEL_NAMES else CHANNEL_NAMES)
            elif rel.startswith("assets/"):
                result.update(name for name, c in CHANNELS.items() if c.reads_assets)
            elif rel.startswith("blocks/"):
                block = self.project.block_of(rel)
                reached: Iterable[str] = CHANNEL_NAMES
                if before is not None and block is not None:
                    config = self.project.config
                    reached = channels_reading_change(
                        before.blocks.get(block), self.project.blocks.get(block), CHANNEL_NAMES,
                        config.locales, config.default_locale)
                for channel in reached:
                    used = self._last_used.get(channel)
                    # No rendition yet (it failed): any block may be what fixes it.
                    if used is None or block in used:
                        result.add(channel)
        return result

    # Buffers and files -----------------------------------------------------------------------

    def set_buffer(self, rel: str, text: str) -> None:
        """An editor's unsaved text: previews follow it after a short pause."""
        if self.project is None:
            return
        was_dirty = rel in self.buffers
        self.buffers[rel] = text
        before, self.project = self.project, reload(self.project, [rel], self.buffers)
        self.projectChanged.emit(self.project)
        if not was_dirty:
            self.buffersChanged.emit()
        self._pending.update(self.affected_channels([rel], before))
        self._typing = True
        self._whole_timer.stop()
        self._render_timer.start()
        self._validate_timer.start()

    def drop_buffer(self, rel: str) -> None:
        """Forget unsaved text (saved, or reverted to the disk)."""
        self.conflicts.pop(rel, None)
        if self.project is None or rel not in self.buffers:
            return
        del self.buffers[rel]
        before, self.project = self.project, reload(self.project, [rel], self.buffers)
        self.projectChanged.emit(self.project)
        self.buffersChanged.emit()
        self._pending.update(self.affected_channels([rel], before))
        self._typing = True  # typed back to the saved text, or saved: a draft as well
        self._whole_timer.stop()
        self._render_timer.start()
        self._validate_timer.start()

    def read(self, rel: str) -> str:
        """The text an editor shows: the unsaved buffer, else the file."""
        if rel in self.buffers:
            return self.buffers[rel]
        assert self.root is not None
        data = (self.root / rel).read_bytes()
        text, self.disk_forms[rel] = decoded(data)
        self.disk_digests[rel] = digest(data)
        return text

    def disk_text(self, rel: str) -> str:
        """The file REL as an editor shows it, its form on disk noted; not its fingerprint,
        which files_changed() updates when it judges the change (an editor following the
        disk reads the file first)."""
        assert self.root is not None
        text, self.disk_forms[rel] = decoded((self.root / rel).read_bytes())
        return text

    def on_disk(self, rel: str, text: str) -> bytes:
        """TEXT as the file REL holds it: its byte-order mark and line endings kept."""
        form = self.disk_forms.get(rel)
        if form is None and self.root is not None:  # never read here (recovered text)
            try:
                form = self.disk_forms[rel] = decoded((self.root / rel).read_bytes())[1]
            except (OSError, UnicodeDecodeError):
                form = None
        bom, newline = form or (False, "\n")
        body = text.replace("\n", newline) if newline != "\n" else text
        return (_BOM if bom else b"") + body.encode("utf-8")

    def take_disk(self, rel: str) -> str | None:
        """Drop the unsaved text of REL for the file on disk; its text (None: it is gone)."""
        self.drop_buffer(rel)
        self.disk_digests.pop(rel, None)
        try:
            return self.read(rel)
        except (OSError, UnicodeDecodeError):
            return None

    def recover(self, rel: str, text: str, based_on: str | None) -> None:
        """Unsaved text back from an autosave, with the disk version it was typed over
        (BASED_ON, None when unknown): saving asks before replacing anything newer."""
        if based_on is not None:
            self.disk_digests[rel] = based_on
        else:
            self.disk_digests.pop(rel, None)
        self.set_buffer(rel, text)
        if self.changed_on_disk(rel):
            self.conflicts[rel] = self.disk_digest(rel)
            self.fileChangedOnDisk.emit(rel)

    def save(self, rel: str) -> None:
        """Write a buffer atomically. The caller has checked for changes on disk.

        Raises OSError when the file cannot be written (read-only, no room, no folder): the
        buffer is then kept as it was."""
        assert self.root is not None
        text = self.buffers.get(rel)
        if text is None:
            return
        data = self.on_disk(rel, text)
        self.writing.emit(rel, data)
        write_atomic(self.root / rel, data)
        self.disk_digests[rel] = digest(data)
        self.disk_version += 1
        self.drop_buffer(rel)

    def disk_digest(self, rel: str) -> str | None:
        """The digest of the file on disk now (None: missing or unreadable)."""
        assert self.root is not None
        try:
            return digest((self.root / rel).read_bytes())
        except OSError:
            return None

    def changed_on_disk(self, rel: str) -> bool:
        """Whether saving REL would replace a version the author has not seen: the file is no
        longer what we last read or wrote (another editor, git), or we never read it. A
        missing file replaces nothing."""
        current = self.disk_digest(rel)
        if current is None:
            return False
        return self.disk_digests.get(rel) != current

    def files_changed(self, rels: Iterable[str]) -> None:
        """Files changed on disk (watchdog), already coalesced."""
        if self.project is None or self._closed:
            return
        changed = []
        for rel in rels:
            now = self.disk_digest(rel)
            if now is not None and self.disk_digests.get(rel) == now:
                # Our own save coming back, or the file back to the version the unsaved text
                # was typed over (a checkout and back): no conflict any more.
                if self.conflicts.pop(rel, False) is not False:
                    self.conflictGone.emit(rel)
                continue
            if rel in self.buffers:
                if rel in self.conflicts and self.conflicts[rel] == now:
                    continue  # the author already knows about this version
                self.conflicts[rel] = now
                self.fileChangedOnDisk.emit(rel)
            elif now is not None:
                self.disk_digests[rel] = now
            changed.append(rel)
        if not changed:
            return
        self.disk_version += 1
        before, self.project = self.project, reload(self.project, changed, self.buffers)
        self.projectChanged.emit(self.project)
        self._pending.update(self.affected_channels(changed, before))
        self._render_pending()
        self._validate_timer.start()

    # Problems --------------------------------------------------------------------------------

    def _validate_now(self) -> None:
        if self.project is None:
            return
        self._validation_generation += 1
        self.service.validate(self.state(), self._validation_generation, self.template)
        if not self.checking:
            self.checking = True
            self.checkingChanged.emit(True)

    def _on_validation_progress(self, generation: int, done: int, total: int) -> None:
        # an older validation's progress (superseded, still finishing) is not this one's
        if generation == self._validation_generation and self.checking:
            self.checkingProgress.emit(done, total)

    def _on_validated(self, generation: int, problems: list) -> None:
        self._validation_problems = problems
        if generation == self._validation_generation and self.checking:
            self.checking = False  # problems say "0 errors" only once a check has said so
            self.checkingChanged.emit(False)
        self._emit_problems()

    def problems(self) -> list[Problem]:
        found = {(p.path, p.line, p.message): p for p in self._validation_problems}
        shown = [*self._render_problems.values(),
                 *(p for warnings in self._render_warnings.values() for p in warnings)]
        for problem in shown:
            found.setdefault((problem.path, problem.line, problem.message), problem)
        return sorted(found.values(), key=lambda p: (p.severity != "error", p.path, p.line))

    def _emit_problems(self) -> None:
        self.problemsChanged.emit(self.problems())

    def close(self) -> None:
        self._closed = True
        self._render_timer.stop()
        self._whole_timer.stop()
        self._validate_timer.stop()
        self.service.shutdown()
