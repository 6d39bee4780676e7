"""Accessibility of email and mobile renditions by axe-core, run in a QtWebEngine child process.

The core never imports Qt: an `AxeEngine` starts `python -m studio.gui.axe_runner` and keeps it
alive, feeding it one page at a time and reading one JSON line per page back. Chromium's start-up
costs several pages' checks, so the studio keeps one engine for the session and `missiva check`
one for its whole run. A child that dies is started again (at most RESTARTS times in a row); a
page that takes longer than its budget is given up (the child is killed, the next page gets a
new one). axe-core itself is resources/axe/axe.min.js (with its LICENSE and VERSION), updated
by packaging/update_checkers.py; nothing is fetched at run time.
"""

from __future__ import annotations

import collections
import contextlib
import email
import email.policy
import functools
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from studio.core.checks.findings import IMPACTS, Finding
from studio.core.messages import msg
from studio.core.resources import resources_dir

# What `missiva` frozen by PyInstaller runs instead of `python -m studio.gui.axe_runner`.
FROZEN_ARGUMENT = "--axe-runner"


# Budgets: Chromium's start on a busy machine; one page (the child gives up on its own at
# PAGE_SECONDS, the engine kills it a little later); children started again in a row.
START_SECONDS = 120.0
PAGE_SECONDS = 60.0
RESTARTS = 2


class AxeUnavailable(Exception):
    """axe cannot run here (no QtWebEngine, the child failed): the message says why."""


class AxePageFailed(AxeUnavailable):
    """axe could not check one page (past its budget, or the page broke it); the engine goes
    on with the next page."""


@dataclass(frozen=True)
class Page:
    """One page to check: an id the caller chooses, and its HTML."""

    id: str
    html: str


@functools.cache
def axe_source() -> str:
    return (resources_dir() / "axe" / "axe.min.js").read_text(encoding="utf-8")


# The runner's own rules (studio/gui/axe_runner.py): the same English, for the catalogue.
OWN_RULES = {
    "block-image-alt": msg("Images in a block must say what they show: ![description](image)"),
    "layout-table-role": msg('Layout tables must have role="presentation" (a table without '
                             "header cells is read out as data, cell by cell)"),
}


def axe_version() -> str:
    text = (resources_dir() / "axe" / "VERSION").read_text(encoding="utf-8")
    return text.split()[1] if len(text.split()) > 1 else text.strip()


def html_of(content: bytes, media_type: str) -> str:
    """The HTML a reader sees in a rendition: the page itself, or an email's text/html part."""
    if media_type.startswith("message/"):
        message = email.message_from_bytes(content, policy=email.policy.default)
        part = message.get_body(preferencelist=("html",))  # type: ignore[attr-defined]
        return str(part.get_content()) if part is not None else ""
    return content.decode("utf-8", errors="replace")


def runner_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, FROZEN_ARGUMENT]
    return [sys.executable, "-m", "studio.gui.axe_runner"]


class AxeEngine:
    """One axe child kept alive across pages: `check(page)` gives a page's findings.

    Use it as a context manager (or call `close()`); a child left behind ends by itself when
    its standard input closes, as it does when this process ends."""

    def __init__(self, start_seconds: float = START_SECONDS,
                 page_seconds: float = PAGE_SECONDS + 15, restarts: int = RESTARTS) -> None:
        self.start_seconds = start_seconds
        self.page_seconds = page_seconds
        self.restarts = restarts
        self.starts = 0  # children started so far (1 for a healthy run)
        self._process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: collections.deque[str] = collections.deque(maxlen=8)
        self._lock = threading.Lock()

    def __enter__(self) -> AxeEngine:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """The running child's process id (None before the first page or after a failure)."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def check(self, page: Page, timeout: float | None = None) -> list[Finding]:
        """PAGE's findings. Raises AxePageFailed for this page alone, AxeUnavailable when no
        child can be started (each of RESTARTS + 1 starts failed)."""
        with self._lock:
            budget = self.page_seconds if timeout is None else timeout
            for attempt in range(self.restarts + 1):
                process = self._running()
                try:
                    assert process.stdin is not None
                    process.stdin.write(json.dumps({"id": page.id, "html": page.html}) + "\n")
                    process.stdin.flush()
                except OSError:
                    self._stop()
                    continue
                answer = self._answer(time.monotonic() + budget)
                if answer is None:  # no answer in time, or the child died on it
                    died = self._process is not None and self._process.poll() is not None
                    self._stop()
                    if died and attempt < self.restarts:
                        continue  # Chromium crashed: once more with a new child
                    why = "the checker stopped" if died else f"no answer in {budget:g} s"
                    raise AxePageFailed(f"axe could not check page {page.id}: {why}")
                if not answer.get("ok"):
                    raise AxePageFailed(f"axe failed on page {page.id}: {answer.get('error')}")
                return findings_from(answer.get("violations") or [])
            raise AxeUnavailable(f"the axe checker stopped {self.restarts + 1} times in a row"
                                 + self._tail())

    def check_all(self, pages: Sequence[Page]) -> dict[str, list[Finding]]:
        return {page.id: self.check(page) for page in pages}

    def close(self) -> None:
        with self._lock:
            self._stop(gently=True)

    # The child ------------------------------------------------------------------------------

    def _running(self) -> subprocess.Popen[str]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._stop()
        env = {**os.environ,
               "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM") or "offscreen"}
        try:
            process = subprocess.Popen(
                runner_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env,
            )
        except OSError as exc:
            raise AxeUnavailable(f"could not run axe: {exc}") from None
        self.starts += 1
        self._process = process
        self._lines = queue.Queue()
        self._stderr.clear()
        assert process.stdout is not None and process.stderr is not None
        _drain(process.stdout, self._lines.put, self._lines)
        _drain(process.stderr, self._stderr.append, None)
        ready = self._answer(time.monotonic() + self.start_seconds)
        if ready is None or not ready.get("ready"):
            self._stop()
            raise AxeUnavailable(
                "could not start axe (Qt WebEngine did not come up"
                + (f" in {self.start_seconds:g} s" if ready is None else "") + ")" + self._tail()
            )
        return process

    def _answer(self, deadline: float) -> dict[str, Any] | None:
        """The child's next JSON line (Chromium's own chatter skipped), or None when the
        child ends or DEADLINE passes first."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                return None
            if line is None:
                return None
            if not line.startswith("{"):
                continue
            try:
                answer = json.loads(line)
            except ValueError:
                continue
            if isinstance(answer, dict):
                return answer

    def _stop(self, gently: bool = False) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            if gently and process.poll() is None and process.stdin is not None:
                process.stdin.close()  # the child finishes its page and quits
                process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def _tail(self) -> str:
        tail = "\n".join(line.rstrip() for line in self._stderr if line.strip())
        return f": {tail}" if tail else ""


def _drain(stream: IO[str], put: Any, lines: queue.Queue[str | None] | None) -> None:
    """Read STREAM to its end on a thread (a full pipe would stall the child)."""

    def read() -> None:
        try:
            for line in stream:
                put(line)
        except (OSError, ValueError):
            pass
        if lines is not None:
            lines.put(None)

    threading.Thread(target=read, name="axe-output", daemon=True).start()


def run_axe(pages: Sequence[Page], engine: AxeEngine | None = None) -> dict[str, list[Finding]]:
    """Findings per page id, in ENGINE's child (a child of their own when None). Raises
    AxeUnavailable (AxePageFailed when one page could not be checked)."""
    if not pages:
        return {}
    if engine is not None:
        return engine.check_all(pages)
    with AxeEngine() as own:
        return own.check_all(pages)


def findings_from(violations: Sequence[Mapping[str, object]]) -> list[Finding]:
    """axe's violations as Findings: one per rule and block (elements of a block counted)."""
    grouped: dict[tuple[str, str | None], Finding] = {}
    for violation in violations:
        nodes = violation.get("nodes") or [{}]
        assert isinstance(nodes, list)
        for node in nodes:
            impact = str(node.get("impact") or violation.get("impact") or "minor")
            key = (str(violation["rule"]), node.get("block"))
            before = grouped.get(key)
            if before is not None:
                worst = max(before.impact, impact, key=_severity)
                grouped[key] = Finding(
                    before.rule, worst, before.message, "axe", before.block, before.element,
                    before.help_url, before.wcag, before.count + 1, before.text,
                )
                continue
            wcag = violation.get("wcag") or ()
            assert isinstance(wcag, list | tuple)
            grouped[key] = Finding(
                rule=key[0], impact=impact, message=str(violation.get("message") or ""),
                source="axe", block=key[1], element=str(node.get("target") or ""),
                help_url=str(violation.get("help_url") or ""), wcag=tuple(map(str, wcag)),
                text=OWN_RULES.get(key[0]),
            )
    return list(grouped.values())


def _severity(impact: str) -> int:
    return IMPACTS.index(impact) if impact in IMPACTS else 0
