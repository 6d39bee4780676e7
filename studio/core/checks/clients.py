"""Email client support: the HTML and CSS a block puts in an email, against caniemail's data.

caniemail's data (resources/caniemail, shipped with its licence and version by
packaging/update_checkers.py) records, per feature (`html-<element>`, `css-<property>`,
`css-<property>-<value>`), whether each client family and platform supports it. The features
looked at are those a block's own HTML uses (its elements and their inline styles, after CSS
inlining): the email shell's tables and Outlook fallbacks are MJML's, written for these clients
on purpose. A feature unsupported by a client the project targets is a minor finding on the
block (a rendering difference, not a barrier).

Targets: `email: {clients: [gmail/desktop-webmail, outlook/windows, …]}` in studio.yaml; a
family alone (`yahoo`) means every platform of it. The default is DEFAULT_CLIENTS. caniemail has
no Italian webmail (Libero, Virgilio, Tiscali) yet: naming one is reported as unknown.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from html.parser import HTMLParser
from typing import Any

from studio.core.checks.findings import Finding
from studio.core.messages import msg
from studio.core.problems import Problem, error, warning
from studio.core.resources import resources_dir

DEFAULT_CLIENTS = (
    "gmail/desktop-webmail", "gmail/android", "gmail/ios",
    "outlook/windows", "outlook/outlook-com", "outlook/macos",
    "apple-mail/macos", "apple-mail/ios",
    "yahoo/desktop-webmail",
)

_DECLARATION = re.compile(r"([a-zA-Z-]+)\s*:\s*([^;]+)")


@functools.cache
def caniemail() -> Mapping[str, Any]:
    """caniemail's data: features by slug, and the names of families and platforms."""
    raw = json.loads((resources_dir() / "caniemail" / "caniemail.json").read_text("utf-8"))
    return {"features": {f["slug"]: f for f in raw["data"]}, "names": raw.get("nicenames", {})}


def target_clients(config_raw: Mapping[str, Any]) -> tuple[str, ...]:
    email = config_raw.get("email")
    clients = email.get("clients") if isinstance(email, Mapping) else None
    if isinstance(clients, list) and clients:
        return tuple(str(c) for c in clients)
    return DEFAULT_CLIENTS


def client_problems(config_raw: Mapping[str, Any], path: str = "studio.yaml") -> list[Problem]:
    """Mistakes in `email: {clients: [...]}`, each at its line: not a list of names (an
    error), a client caniemail has no data for (a warning: its support cannot be checked)."""
    email = config_raw.get("email")
    if not isinstance(email, Mapping) or email.get("clients") is None:
        return []
    clients = email["clients"]
    line, col = email.where("clients") if hasattr(email, "where") else (1, 1)
    if not isinstance(clients, list):
        return [error(path, line, col, msg("email.clients: expected a list of clients such as "
                                           "[gmail/desktop-webmail, outlook/windows], not "
                                           "{clients!r}", clients=clients))]
    problems = []
    for i, client in enumerate(clients):
        at, at_col = clients.where(i) if hasattr(clients, "where") else (line, col)
        if not isinstance(client, str) or not client.strip():
            problems.append(error(path, at, at_col, msg(
                "email.clients: {client!r} is not a client name (family or family/platform, "
                "e.g. outlook/windows)", client=client)))
        elif unknown_clients([client]):
            family = client.partition("/")[0]
            known = sorted(known_clients().get(family, ()))
            hint = (msg("{family} has {platforms}", family=family,
                        platforms=", ".join(f"{family}/{p}" for p in known)) if known
                    else msg("known families: {families}",
                             families=", ".join(sorted(known_clients()))))
            problems.append(warning(path, at, at_col, msg(
                "email.clients: caniemail has no data for {client!r}, its support is not "
                "checked ({hint})", client=client, hint=hint)))
    return problems


@functools.cache
def known_clients() -> Mapping[str, frozenset[str]]:
    """The platforms caniemail has data for, by family."""
    found: dict[str, set[str]] = {}
    for feature in caniemail()["features"].values():
        for family, platforms in (feature.get("stats") or {}).items():
            found.setdefault(family, set()).update(platforms)
    return {family: frozenset(platforms) for family, platforms in found.items()}


def unknown_clients(clients: Iterable[str]) -> list[str]:
    """Clients caniemail has no data for (a typo, or a webmail it has not tested)."""
    known = known_clients()
    out = []
    for client in clients:
        family, _, platform = client.partition("/")
        if family not in known or (platform and platform not in known[family]):
            out.append(client)
    return out


class _Features(HTMLParser):
    """The features each block's HTML uses: element names and inline style declarations."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.used: dict[str, set[str]] = {}

    def _block(self) -> str | None:
        return next((b for _, b in reversed(self.stack) if b is not None), None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        own = values.get("data-block")
        block = own or self._block()
        if block is not None and own is None:
            found = self.used.setdefault(block, set())
            found.add(f"html-{tag}")
            for name, value in _DECLARATION.findall(values.get("style") or ""):
                name = name.lower()
                found.add(f"css-{name}")
                found.add(f"css-{name}-{value.strip().lower().split()[0] if value.strip() else ''}")
        if tag not in ("img", "br", "hr", "meta", "link", "input", "col", "source", "wbr"):
            self.stack.append((tag, own))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return


def _latest(versions: Mapping[str, str]) -> str:
    if not versions:
        return "u"
    return str(list(versions.values())[-1]).split()[0]


def check_clients(html: str, clients: Sequence[str]) -> list[Finding]:
    """Features used in blocks of HTML that a targeted client does not support."""
    parser = _Features()
    parser.feed(html)
    data = caniemail()
    names = data["names"]
    families, platforms = names.get("family", {}), names.get("platform", {})
    findings: list[Finding] = []
    for block, used in sorted(parser.used.items()):
        for slug in sorted(used):
            feature = data["features"].get(slug)
            if feature is None:
                continue
            stats = feature.get("stats") or {}
            missing = []
            for client in clients:
                family, _, platform = client.partition("/")
                by_platform = stats.get(family) or {}
                for name, versions in by_platform.items():
                    if platform and name != platform:
                        continue
                    if _latest(versions) == "n":
                        missing.append(f"{families.get(family, family)} "
                                       f"({platforms.get(name, name)})")
            if missing:
                text = msg("{feature} is not supported in {clients}",
                           feature=feature["title"], clients=", ".join(missing))
                findings.append(Finding(
                    rule=f"caniemail:{slug}", impact="minor", message=str(text),
                    source="caniemail", block=block, help_url=str(feature.get("url") or ""),
                    text=text,
                ))
    return findings
