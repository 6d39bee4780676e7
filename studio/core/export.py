"""Export: build a package and deliver it to a folder or to a target named in studio.yaml.

Targets (`targets:` in studio.yaml):

    staging:    {path: ../packages}                      # write the package file there
    production: {url: https://render.example, token_env: MISSIVA_PROD_TOKEN,
                 requires_approval: true, activate: true, retries: 3, timeout: 60}

A `url:` target is pushed to a rendering server (`POST /v1/packages`, then activate) with the
bearer token read from the environment variable the target names: a token is never stored in
the project. Uploading is idempotent (packages are content addressed), so connection errors and
5xx answers are retried with exponential backoff; a 4xx is a refusal and is reported with the
server's own message. A target with `requires_approval` goes through the compliance gate: every
regulatory block the package's templates use must be approved at the exported version.
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from studio.core.files import write_atomic
from studio.core.history import WORKTREE, Repository, open_repository
from studio.core.located import LocatedDict
from studio.core.messages import msg
from studio.core.package import Package, build_package
from studio.core.problems import Problem, ProblemError, error
from studio.core.project import Project, load_project


@dataclass(frozen=True)
class Exported:
    """Where a package went."""

    package: Package
    path: Path | None = None  # the package file written
    url: str | None = None  # the server it was pushed to
    target: str | None = None
    activated: bool = False

    @property
    def signed_by(self) -> str | None:
        """The fingerprint of the key that signed the manifest (None: unsigned)."""
        from studio.core.signatures import signature_key_fingerprint

        signature = self.package.signature
        return signature_key_fingerprint(signature) if signature is not None else None

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path) if self.path is not None else None,
            "sha256": self.package.sha256,
            "commit": self.package.commit,
            "id": self.package.id,
            "tag": self.package.tag,
            "target": self.target,
            "url": self.url,
            "activated": self.activated,
            "bytes": len(self.package.data),
            "signed_by": self.signed_by,
        }


def export(
    root: str | os.PathLike[str] | Repository,
    *,
    rev: str | None = None,
    out: str | os.PathLike[str] | None = None,
    target: str | None = None,
    with_samples: bool = False,
    signing_key: str | None = None,
) -> Exported:
    """Build the package of a committed version and write it to OUT or deliver it to TARGET.

    The manifest is signed with SIGNING_KEY, or with git's user.signingkey when git signs with
    SSH (the releaser's key: a server with trusted signers accepts only signed packages)."""
    if (out is None) == (target is None):
        raise ValueError("export to a folder (out) or to a target, one of the two")
    repository = open_repository(root)
    package = build_package(repository, rev, with_samples=with_samples)
    settings: Mapping[str, Any] = {}
    if target is not None:
        settings = target_settings(repository, target, package.commit)
        refuse_void_settings(repository, package, target)
    if settings.get("requires_approval"):
        gate(repository, package, target or "")
    if settings.get("requires_checks"):  # missiva check on the exported version (issue 21)
        from studio.core.checks.run import checks_gate

        snapshot = repository.project_at(package.commit)
        checks_gate(snapshot, snapshot.templates, target or "")
    key = signing_key_for(repository, signing_key)
    if key is not None:
        package = sign_package(package, key)
    if out is not None:
        return Exported(package, path=write_package(package, Path(out)))
    assert target is not None
    if settings.get("path"):
        folder = Path(str(settings["path"])).expanduser()
        if not folder.is_absolute():
            folder = repository.root / folder
        return Exported(package, path=write_package(package, folder), target=target)
    url = str(settings["url"])
    token = _token(target, settings)
    activate = settings.get("activate", True) is not False
    push(
        url,
        package.data,
        token,
        activate=activate,
        attempts=1 + _int(settings, "retries", 3, target),
        timeout=float(_int(settings, "timeout", 60, target)),
        target=target,
    )
    return Exported(package, url=url, target=target, activated=activate)


def target_settings(
    repository: Repository, name: str, commit: str | None = None
) -> Mapping[str, Any]:
    """The target named NAME in studio.yaml, its kind checked: as committed in COMMIT (the
    version exported), else in the working tree.

    The gate's rules come from the commit, so an uncommitted `requires_approval: false` changes
    nothing; and while studio.yaml in the working tree differs from COMMIT, only a plain folder
    target without approval is allowed (what you see in the file is not what would apply)."""
    if commit is None:
        return _target_in(load_project(repository.root).config.targets, name)
    settings = _target_in(repository.project_at(commit).config.targets, name)
    on_disk = repository.blob("studio.yaml", WORKTREE)
    if on_disk != repository.blob("studio.yaml", commit):
        here = load_project(repository.root).config.targets.get(name)
        plain = (
            bool(settings.get("path"))
            and not settings.get("requires_approval")
            and not (isinstance(here, Mapping) and here.get("requires_approval"))
        )
        if not plain:
            raise ProblemError(
                error(
                    "studio.yaml",
                    0,
                    0,
                    msg("export to {target} refused: studio.yaml in the working tree differs "
                        "from the exported commit {commit}, and a target's settings are read "
                        "from the commit: commit studio.yaml (or check out that version) first",
                        target=name, commit=commit[:10]),
                )
            )
    return settings


def _target_in(targets: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    settings = targets.get(name)
    if not isinstance(settings, Mapping):
        known = ", ".join(sorted(targets)) or "none"
        raise ProblemError(error("studio.yaml", 0, 0, msg(
            "no target {target} (targets: {known})", target=repr(name), known=known)))
    if "token" in settings:
        raise ProblemError(
            error(
                "studio.yaml",
                *_at(settings, "token"),
                msg("target {target} stores a token: tokens never go in the project; name an "
                    "environment variable with token_env instead", target=repr(name)),
            )
        )
    if bool(settings.get("path")) == bool(settings.get("url")):
        raise ProblemError(
            error("studio.yaml", *_at(targets, name),
                  msg("target {target} needs either path: or url:", target=repr(name)))
        )
    if settings.get("url"):
        _check_url(name, str(settings["url"]), _at(settings, "url"))
    return settings


def _at(mapping: Any, key: str) -> tuple[int, int]:
    """Where KEY stands in studio.yaml, when MAPPING was read from it (else 0, 0)."""
    return mapping.where(key) if isinstance(mapping, LocatedDict) else (0, 0)


def _check_url(name: str, url: str, where: tuple[int, int] = (0, 0)) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProblemError(
            error("studio.yaml", *where, msg("target {target}: {url} is not an http(s) URL",
                                             target=repr(name), url=repr(url)))
        )
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise ProblemError(
            error(
                "studio.yaml",
                *where,
                msg("target {target}: plain http would send the token in clear; use https "
                    "(http is accepted for loopback addresses only)", target=repr(name)),
            )
        )


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _int(settings: Mapping[str, Any], key: str, default: int, target: str) -> int:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ProblemError(
            error("studio.yaml", *_at(settings, key),
                  msg("target {target}: {key} must be a whole number", target=repr(target),
                      key=key))
        )
    return value


def _token(target: str, settings: Mapping[str, Any]) -> str:
    variable = settings.get("token_env")
    if not isinstance(variable, str) or not variable:
        raise ProblemError(
            error(
                "studio.yaml",
                *_at(settings, "token_env" if "token_env" in settings else "url"),
                msg("target {target} needs token_env: the environment variable holding the "
                    "server's token", target=repr(target)),
            )
        )
    token = os.environ.get(variable, "")
    if not token:
        raise ProblemError(
            error(
                "studio.yaml",
                *_at(settings, "token_env"),
                msg("target {target}: the environment variable {variable} (token_env) is not "
                    "set", target=repr(target), variable=variable),
            )
        )
    return token


def refuse_void_settings(repository: Repository, package: Package, target: str) -> None:
    """Refuse an export to a target from a version whose studio.yaml carries a change of the
    roles or compliance settings, or of where targets deliver without the gate, that a
    non-approver made (verify names it): such a change is not in force for the ledger, and a
    target's settings are read from that very file (a dropped requires_approval, or the
    production server's url under a new target's name, would otherwise let the version out
    ungated)."""
    from studio.core.compliance import _blob_hash
    from studio.core.ledger import judge_history

    judged = judge_history(repository, [package.commit])
    if _blob_hash(repository, "studio.yaml", package.commit) in judged.void_settings:
        raise ProblemError(
            error(
                "studio.yaml",
                0,
                0,
                msg("export to {target} refused: studio.yaml at {commit} holds a change of the "
                    "roles, the compliance settings or the ungated targets made by someone who "
                    "is not an approver (missiva verify names it): it is not in force until an "
                    "approver makes it", target=target, commit=package.commit[:10]),
            )
        )


def gate(repository: Repository, package: Package, target: str) -> None:
    """Refuse the export while a regulatory block the package uses is not approved (judged with
    the decisions of the project's main line: the latest decision on a text governs every
    revision holding it), or the sign-off ledger itself is broken."""
    from studio.core.compliance import gate_states, ledger_integrity
    from studio.core.ledger import judge_history, main_line

    broken = ledger_integrity(repository, judge_history(repository, main_line(repository)))
    if broken:
        raise ProblemError(
            error(
                broken[0].path,
                broken[0].line,
                0,
                msg("export to {target} refused: the sign-off ledger is broken ({reason})",
                    target=target, reason=broken[0].parts[0] if len(broken[0].parts) == 1
                    else broken[0].message),
            )
        )
    blocked = gate_states(repository, package.manifest["templates"], rev=package.commit)
    if not blocked:
        altered = wording_problems(repository.project_at(package.commit),
                                   package.manifest["templates"])
        if altered:
            first = altered[0]
            raise ProblemError(
                error(
                    first.path,
                    first.line,
                    first.col,
                    msg("export to {target} refused: the approved wording does not reach the "
                        "reader as approved at {commit}: {reason}{more}", target=target,
                        commit=package.commit[:10], reason=first.message,
                        more=msg(" (and {count} more: missiva validate lists them)",
                                 count=len(altered) - 1) if len(altered) > 1 else ""),
                )
            )
    if blocked:
        shown = ", ".join(
            f"block {s.block} ({s.state}"
            + (f", renamed from {s.renamed_from}" if s.renamed_from else "")
            + (f"; {s.note}" if s.note else "")
            + ")"
            for s in blocked
        )
        raise ProblemError(
            error(
                "studio.yaml",
                0,
                0,
                msg("export to {target} refused: not approved at {commit}: {blocks}",
                    target=target, commit=package.commit[:10], blocks=shown),
            )
        )


def wording_problems(project: Project, templates: Iterable[str]) -> list[Problem]:
    """The regulatory wording of TEMPLATES as every channel shows it (studio/core/wording.py):
    laid out for the default sample (print, email and mobile as a reader sees them), and for the
    other samples as the project's own layouts hand it over (a layout may filter the content for
    some records only), in every locale. What the gate refuses on, beside the texts' states."""
    from studio.core import channels, wording
    from studio.core.compose import WordingError, compose

    if not wording.carriers(project):
        return []
    default = str(project.config.raw.get("default_sample") or "typical")
    if default not in project.samples:
        default = min(project.samples, default="")
    problems: list[Problem] = []
    for name in templates:
        template = project.templates.get(name)
        if template is None:
            continue
        for channel in template.channels:
            check = channels.wording_checker(channel)
            if check is None:
                continue
            samples = [s for s in project.samples.values()
                       if s.name == default or wording.own_layout(project, channel)]
            for sample in samples:
                for locale in project.config.locales:
                    try:
                        composition = compose(project, template, channel, sample.record, locale)
                    except WordingError as exc:
                        problems.append(exc.problem)  # an include that changes the wording
                        continue
                    except ProblemError:
                        continue  # not about the wording: validation reports it
                    for problem in check(composition, laid_out=sample.name == default):
                        if problem not in problems:
                            problems.append(problem)
    return problems


def write_package(package: Package, folder: Path) -> Path:
    """Write the package file into FOLDER atomically; the same content is not rewritten."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / package.file_name
    if path.is_file() and path.read_bytes() == package.data:
        return path
    return write_atomic(path, package.data)


def signing_key_for(repository: Repository, explicit: str | None) -> str | None:
    """The releaser's SSH key: EXPLICIT, or git's user.signingkey when git signs with SSH."""
    from studio.core.signatures import signing_key

    return signing_key(repository, explicit)


def sign_package(package: Package, key: str) -> Package:
    """PACKAGE with the detached SSH signature of its manifest made with KEY."""
    from studio.core.package import signed_package
    from studio.core.signatures import sign

    return signed_package(package, sign(package.manifest_bytes, key))


# Pushing over HTTP ------------------------------------------------------------------------


def push(
    url: str,
    data: bytes,
    token: str,
    *,
    activate: bool = True,
    attempts: int = 4,
    backoff: float = 0.5,
    timeout: float = 60.0,
    target: str = "",
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Upload a package to a rendering server (and activate it); the package id."""
    import httpx

    base = url.rstrip("/")
    name = target or base
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=timeout, headers=headers) as client:

        def post(path: str, **kwargs: Any) -> httpx.Response:
            last = ""
            for attempt in range(max(1, attempts)):
                if attempt:
                    sleep(backoff * 2 ** (attempt - 1))
                try:
                    response = client.post(base + path, **kwargs)
                except httpx.TransportError as exc:
                    last = f"{type(exc).__name__}: {exc}"
                    continue
                if response.status_code >= 500:
                    last = f"{response.status_code} {_message(response)}"
                    continue
                if response.status_code >= 400:
                    raise ProblemError(
                        error(
                            "studio.yaml",
                            0,
                            0,
                            msg("{target} refused the package: {status} {reason}: {said}",
                                target=name, status=response.status_code,
                                reason=response.reason_phrase, said=_message(response)),
                        )
                    )
                return response
            raise ProblemError(
                error(
                    "studio.yaml",
                    0,
                    0,
                    msg("could not deliver to {target} ({url}) after {count} attempt(s): "
                        "{reason}", target=name, url=base, count=max(1, attempts),
                        reason=last),
                )
            )

        response = post(
            "/v1/packages", content=data, headers={"Content-Type": "application/zip"}
        )
        try:
            package_id = str(response.json()["id"])
        except (ValueError, KeyError, TypeError):
            raise ProblemError(
                error("studio.yaml", 0, 0, msg("{target} answered without a package id",
                                               target=name))
            ) from None
        if activate:
            post(f"/v1/packages/{package_id}/activate")
        return package_id


def _message(response: Any) -> str:
    """The server's own words: the problem's message of a JSON error, or the start of the body."""
    try:
        body = response.json()
    except ValueError:
        return str(response.text[:300]).strip() or "(no message)"
    if isinstance(body, dict):
        problem = body.get("problem")
        if isinstance(problem, dict) and problem.get("message"):
            where = problem.get("path")
            return f"{where}: {problem['message']}" if where else str(problem["message"])
        if body.get("error"):
            return str(body["error"])
    return str(body)[:300]
