"""Accessibility of email and mobile renditions by axe-core, run in a QtWebEngine child process.

The core never imports Qt: `run_axe` starts `python -m studio.gui.axe_runner` once for a whole
batch of pages (Chromium's start-up costs more than checking a page) and reads one JSON line per
page back. axe-core itself is resources/axe/axe.min.js (with its LICENSE and VERSION), updated by
packaging/update_checkers.py; nothing is fetched at run time.
"""

from __future__ import annotations

import email
import email.policy
import functools
import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from studio.core.checks.findings import IMPACTS, Finding
from studio.core.resources import resources_dir

# What `missiva` frozen by PyInstaller runs instead of `python -m studio.gui.axe_runner`.
FROZEN_ARGUMENT = "--axe-runner"


class AxeUnavailable(Exception):
    """axe cannot run here (no QtWebEngine, the child failed): the message says why."""


@dataclass(frozen=True)
class Page:
    """One page to check: an id the caller chooses, and its HTML."""

    id: str
    html: str


@functools.cache
def axe_source() -> str:
    return (resources_dir() / "axe" / "axe.min.js").read_text(encoding="utf-8")


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


def run_axe(pages: Sequence[Page], timeout: float = 600.0) -> dict[str, list[Finding]]:
    """Findings per page id, all pages in one child process. Raises AxeUnavailable."""
    if not pages:
        return {}
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM") or "offscreen"}
    payload = json.dumps([{"id": p.id, "html": p.html} for p in pages])
    try:
        result = subprocess.run(
            runner_command(), input=payload, capture_output=True, text=True, env=env,
            timeout=timeout, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AxeUnavailable(f"could not run axe: {exc}") from None
    found: dict[str, list[Finding]] = {}
    for line in result.stdout.splitlines():
        if not line.startswith("{"):
            continue  # Chromium's own chatter
        try:
            answer = json.loads(line)
        except ValueError:
            continue
        if not answer.get("ok"):
            raise AxeUnavailable(f"axe failed on {answer.get('id')}: {answer.get('error')}")
        found[str(answer["id"])] = findings_from(answer.get("violations") or [])
    missing = [p.id for p in pages if p.id not in found]
    if missing:
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise AxeUnavailable(
            f"axe checked {len(found)} of {len(pages)} pages (exit {result.returncode})"
            + (f": {tail}" if tail else "")
        )
    return found


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
                    before.help_url, before.wcag, before.count + 1,
                )
                continue
            wcag = violation.get("wcag") or ()
            assert isinstance(wcag, list | tuple)
            grouped[key] = Finding(
                rule=key[0], impact=impact, message=str(violation.get("message") or ""),
                source="axe", block=key[1], element=str(node.get("target") or ""),
                help_url=str(violation.get("help_url") or ""), wcag=tuple(map(str, wcag)),
            )
    return list(grouped.values())


def _severity(impact: str) -> int:
    return IMPACTS.index(impact) if impact in IMPACTS else 0
