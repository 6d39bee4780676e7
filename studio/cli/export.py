"""The delivery commands of `missiva`: export (a package to a folder or a target) and serve."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from studio.cli.common import TIME_LIMIT_HELP, UsageError, time_limit

_MIB = 1024 * 1024


def _usage(message: str) -> Exception:

    return UsageError(message)


def cmd_export(args: argparse.Namespace) -> int:
    from studio.core.export import export

    root = Path(args.project)
    if not (root / "studio.yaml").is_file():
        raise _usage(f"{args.project}: not a Missiva project (no studio.yaml)")
    done = export(
        root, rev=args.rev, out=args.out, target=args.target, with_samples=args.with_samples,
        signing_key=args.signing_key,
    )
    if args.json:
        print(json.dumps(done.as_json(), ensure_ascii=False))
        return 0
    package = done.package
    version = f"{package.commit[:10]}" + (f" ({package.tag})" if package.tag else "")
    if done.path is not None:
        print(f"exported {version} to {done.path} (sha256 {package.sha256[:16]}…)")
    else:
        state = "uploaded and activated" if done.activated else "uploaded"
        print(f"exported {version} to {done.target} ({done.url}): {state} as "
              f"{package.id[:16]}…")
    if done.signed_by:
        print(f"manifest signed with key {done.signed_by}")
    else:
        print("manifest not signed (no SSH signing key: git config gpg.format ssh and "
              "user.signingkey, or --signing-key); a server with --trusted-signers refuses it")
    return 0


MIN_TOKEN = 16  # characters of MISSIVA_TOKEN


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from studio.core.package import Limits
    from studio.server.app import ServerSettings, create_app

    token = os.environ.get("MISSIVA_TOKEN", "")
    if not token.strip():
        raise _usage(
            "MISSIVA_TOKEN is not set: the server needs the token clients must present "
            "(Authorization: Bearer …); set it in the environment"
        )
    if len(token.strip()) < MIN_TOKEN:
        raise _usage(
            f"MISSIVA_TOKEN is {len(token.strip())} characters: a token must have at least "
            f"{MIN_TOKEN} (a short one is guessed); e.g. python3 -c "
            "'import secrets; print(secrets.token_urlsafe(32))'"
        )
    settings = ServerSettings(
        store=Path(args.store),
        token=token.strip(),
        limits=Limits(
            max_package_bytes=int(args.max_package_mb * _MIB),
            max_members=args.max_members,
            max_member_bytes=int(args.max_member_mb * _MIB),
            max_total_bytes=int(args.max_total_mb * _MIB),
        ),
        **({"workers": args.workers} if args.workers is not None else {}),
        max_batch_records=args.max_batch_records,
        scheduler=args.scheduler,
        time_limit=args.time_limit,
    )
    trusted = _trusted_signers(args.trusted_signers)
    settings = replace(settings, trusted_signers=trusted)
    on_dask = f", batches on the Dask cluster at {args.scheduler}" if args.scheduler else ""
    print(f"missiva serve: store {settings.store.resolve()}, {settings.workers} render "
          f"worker(s){on_dask}, http://{args.host}:{args.port}/v1/", file=sys.stderr, flush=True)
    if trusted is None:
        print("missiva serve: no --trusted-signers: packages are NOT checked for a releaser's "
              "signature or sign-off evidence (any package consistent with its own manifest is "
              "accepted)", file=sys.stderr, flush=True)
    else:
        print(f"missiva serve: packages must be signed by a key of {trusted} and cover their "
              "regulatory blocks with approvals", file=sys.stderr, flush=True)
    # On SIGTERM, requests in flight get 3 s to finish; then the workers are stopped whatever
    # they are doing, so the server is gone well within 10 s.
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level,
                timeout_graceful_shutdown=3)
    return 0


def _trusted_signers(path: str | None) -> Path | None:
    """The trusted-signers file, checked before the server starts (a typo must not silently
    leave a production server open to any package)."""
    if path is None:
        return None
    import shutil

    from studio.core.provenance import trusted_signers_problems

    if shutil.which("ssh-keygen") is None:
        raise _usage("--trusted-signers needs ssh-keygen (the OpenSSH client) to check "
                     "signatures: install it")
    count, problems = trusted_signers_problems(path)
    if problems:
        raise _usage("--trusted-signers: " + "; ".join(str(p) for p in problems[:5]))
    print(f"missiva serve: {count} trusted signer key(s) in {path}", file=sys.stderr)
    return Path(path).resolve()


def _positive(kind: type) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0: {text!r}")
        return value

    return parse


def add_commands(subparsers: Any) -> None:
    """Add export and serve to `missiva`'s subcommands."""

    p = subparsers.add_parser(
        "export", help="build the package of a committed version; write it or push it"
    )
    p.add_argument("project")
    p.add_argument("--rev", help="the version to export (default HEAD, which must be clean)")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", metavar="DIR", help="write the package file into DIR")
    where.add_argument("--target", metavar="NAME", help="a target of studio.yaml")
    p.add_argument("--with-samples", action="store_true", help="include data/samples/")
    p.add_argument("--json", action="store_true", help="print path, sha256, commit, id as JSON")
    p.add_argument("--signing-key", metavar="KEY",
                   help="sign the manifest with this SSH key (default: git's user.signingkey "
                   "when gpg.format is ssh)")
    p.set_defaults(func=cmd_export)

    p = subparsers.add_parser("serve", help="run the rendering server (token: MISSIVA_TOKEN)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8470)
    p.add_argument("--store", required=True, metavar="DIR", help="the package store")
    p.add_argument("--workers", type=int, help="render processes (default: one a core; 0: "
                   "render in a thread of the server process)")
    p.add_argument("--scheduler", metavar="ADDR",
                   help="send /v1/batch work to this Dask scheduler (tcp://HOST:8786); its "
                   "workers must see the store folder")
    p.add_argument("--trusted-signers", metavar="FILE",
                   help="accept only packages signed by a key of FILE (git's allowed-signers "
                   "format) whose sign-off evidence covers their regulatory blocks")
    p.add_argument("--max-package-mb", type=_positive(float), default=64.0)
    p.add_argument("--max-member-mb", type=_positive(float), default=32.0)
    p.add_argument("--max-total-mb", type=_positive(float), default=256.0)
    p.add_argument("--max-members", type=_positive(int), default=10_000)
    p.add_argument("--max-batch-records", type=_positive(int), default=100_000)
    p.add_argument("--time-limit", type=time_limit, metavar="SECONDS", help=TIME_LIMIT_HELP)
    p.add_argument("--log-level", default="warning",
                   choices=("critical", "error", "warning", "info", "debug"))
    p.set_defaults(func=cmd_serve)

