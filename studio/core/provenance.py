"""Provenance: whether a rendering server may trust a package (`missiva serve --trusted-signers`).

A package is traced to an approved, signed export when

1. its manifest carries a detached SSH signature (`manifest.json.sig`, namespace
   `missiva-package`) made by a key of the server's trusted-signers file (git's
   allowed-signers format). The manifest holds the SHA-256 of every other member, so a package
   altered and re-hashed after export no longer matches what the releaser signed;
2. its sign-off evidence covers every regulatory block its templates use: an entry for the
   block whose blob is the packaged file's own git blob id, approved at the exported commit,
   with the last decision on that exact version an approval.

Every refusal is a ProvenanceError whose problem says why, in words a release manager can act
on; the server answers it with 403.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Any

from studio.core.package import SIGNATURE
from studio.core.problems import Problem, ProblemError, error
from studio.core.project import Project
from studio.core.signatures import SigningError, parse_allowed_signers, verify_signed


class ProvenanceError(ProblemError):
    """A package the server must not trust: its problem says why."""


def trusted_signers_problems(path: str | os.PathLike[str]) -> tuple[int, list[Problem]]:
    """How many keys the trusted-signers file lists, and its malformed lines (or why it cannot
    be read)."""
    where = os.fspath(path)
    try:
        text = open(where, encoding="utf-8").read()  # noqa: SIM115 - read at once
    except (OSError, UnicodeDecodeError) as exc:
        return 0, [error(where, 0, 0, f"cannot read the trusted signers: {exc}")]
    signers, problems = parse_allowed_signers(text, where)
    if not signers and not problems:
        problems.append(error(where, 0, 0, "lists no key: no package could be trusted"))
    return len(signers), problems


def package_signer(
    manifest_bytes: bytes, signature: bytes | None, trusted_signers: str | os.PathLike[str]
) -> str:
    """The trusted principal who signed the manifest; ProvenanceError otherwise."""
    if signature is None:
        raise ProvenanceError(
            error(SIGNATURE, 0, 0, "the package is not signed: this server only accepts "
                  "packages signed by a trusted releaser (missiva export signs with git's "
                  "user.signingkey or --signing-key)")
        )
    try:
        return verify_signed(manifest_bytes, signature, trusted_signers)
    except SigningError as exc:
        raise ProvenanceError(error(SIGNATURE, 0, 0, f"refused: {exc.problem.message}")) from None


def git_blob_id(data: bytes, length: int = 40) -> str:
    """git's object id of a file with DATA (SHA-1, or SHA-256 for 64-digit ids)."""
    header = f"blob {len(data)}\0".encode()
    digest = hashlib.sha256 if length == 64 else hashlib.sha1
    return digest(header + data).hexdigest()


def evidence_problems(project: Project, manifest: Mapping[str, Any]) -> list[Problem]:
    """Each regulatory block a template of PROJECT (a package's, extracted) uses whose sign-off
    evidence in MANIFEST does not show the packaged version approved."""
    from studio.core.compliance import template_blocks

    entries: dict[str, Mapping[str, Any]] = {}
    for entry in manifest.get("signoffs") or []:
        if isinstance(entry, Mapping) and isinstance(entry.get("block"), str):
            entries[entry["block"]] = entry
    problems: list[Problem] = []
    seen: set[str] = set()
    for name in sorted(project.templates):
        for block_id in sorted(template_blocks(project, name)):
            block = project.blocks.get(block_id)
            if block is None or not block.regulatory or block_id in seen:
                continue
            seen.add(block_id)
            used = f"regulatory block {block_id} (template {name})"
            entry = entries.get(block_id)
            if entry is None:
                problems.append(error(block.path, 0, 0, f"{used} has no sign-off evidence in "
                                      "the manifest"))
                continue
            blob = str(entry.get("blob") or "")
            try:
                content = project.file(block.path).read_bytes()
            except OSError:
                content = b""
            if not blob or git_blob_id(content, len(blob)) != blob:
                problems.append(error(block.path, 0, 0, f"the sign-off evidence of {used} is "
                                      "for another version than the packaged file"))
                continue
            if entry.get("state") != "approved":
                problems.append(error(block.path, 0, 0, f"{used} is {entry.get('state')} at "
                                      "the exported commit: no approval covers it"))
                continue
            records = [r for r in entry.get("records") or [] if isinstance(r, Mapping)
                       and r.get("blob") == blob and r.get("decision") in ("approve", "reject")]
            if not records or records[-1].get("decision") != "approve":
                problems.append(error(block.path, 0, 0, f"the sign-off evidence of {used} "
                                      "holds no approval of the packaged version"))
    return problems


def check_evidence(project: Project, manifest: Mapping[str, Any]) -> None:
    """Raise ProvenanceError with the first evidence problem (and how many there are)."""
    problems = evidence_problems(project, manifest)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ProvenanceError(
            error(first.path, first.line, first.col, f"refused: {first.message}{more}")
        )
