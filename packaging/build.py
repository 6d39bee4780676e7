#!/usr/bin/env python3
"""Build Missiva Studio as a desktop application (one folder, PyInstaller) and check it.

    python3 packaging/build.py                    # wheel + sdist, then dist/missiva/, smoke test
    python3 packaging/build.py --archive          # and a .tar.gz (Linux) / .zip of the folder
    python3 packaging/build.py --screenshot docs/screenshots/first-run-tour.png
                                                  # and start it under Xvfb on a fresh home

Steps: `python -m build` makes the wheel and sdist (packaging/dist/python/); a build
environment (packaging/build/venv) gets PyInstaller and that wheel with its [gui] extra, so
what is frozen is what pip users get; PyInstaller runs packaging/missiva.spec; the result
(packaging/dist/missiva/) is smoke-tested: --version, doctor, a real render of the bundled
sample. On Linux the desktop entry, AppStream metainfo and icons are laid out in
dist/missiva/share/. Windows and macOS: see packaging/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "build"
DIST = HERE / "dist"
BUILD_VENV = WORK / "venv"
APP_ID = "io.github.missiva.Studio"
BIN = BUILD_VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
APP = DIST / "missiva" / ("missiva.exe" if os.name == "nt" else "missiva")


def say(message: str) -> None:
    print(f"[build] {message}", flush=True)


def run(*command: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], check=True, text=True, **kwargs)  # type: ignore[call-overload]


def python_distributions() -> Path:
    if not PYTHON.exists():
        say(f"creating the build environment {BUILD_VENV.relative_to(ROOT)}")
        venv.EnvBuilder(with_pip=True).create(BUILD_VENV)
    run(PYTHON, "-m", "pip", "install", "--quiet", "pyinstaller>=6.10", "build>=1.2")
    out = DIST / "python"
    shutil.rmtree(out, ignore_errors=True)
    say("building the sdist and the wheel")
    run(PYTHON, "-m", "build", "--outdir", out, ROOT, stdout=subprocess.DEVNULL)
    [wheel] = out.glob("*.whl")
    say(f"installing {wheel.name}[gui] into the build environment")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", wheel)
    run(PYTHON, "-m", "pip", "install", "--quiet", f"{wheel}[gui]")
    return wheel


def freeze() -> None:
    say("freezing with PyInstaller (one folder)")
    started = time.monotonic()
    run(BIN / "pyinstaller", "--noconfirm", "--log-level", "WARN", "--workpath", WORK / "work",
        "--distpath", DIST, HERE / "missiva.spec")
    say(f"frozen in {time.monotonic() - started:.0f} s: {APP.parent.relative_to(ROOT)}")


def desktop_files() -> None:
    """The freedesktop files, laid out as under a prefix: copy share/ to ~/.local/share."""
    if not sys.platform.startswith("linux"):
        return
    share = APP.parent / "share"
    shutil.rmtree(share, ignore_errors=True)
    (share / "applications").mkdir(parents=True)
    (share / "metainfo").mkdir()
    shutil.copy(HERE / f"{APP_ID}.desktop", share / "applications")
    shutil.copy(HERE / f"{APP_ID}.metainfo.xml", share / "metainfo")
    shutil.copytree(ROOT / "resources" / "icons" / "hicolor", share / "icons" / "hicolor")


def fingerprint(folder: Path) -> str:
    """Names, sizes and modification times of every file: did anything write in the bundle?"""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            stat = path.stat()
            digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}\n"
                          .encode())
    return digest.hexdigest()


def fresh_environment(home: Path) -> dict[str, str]:
    """A first run: an empty home, no proxy (offline), Chromium's sandbox off for root."""
    env = {key: value for key, value in os.environ.items()
           if not key.lower().endswith("_proxy") and not key.startswith(("XDG_", "QT_"))}
    env.update(HOME=str(home), LANG="en_US.UTF-8")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = "--no-sandbox"
    return env


def smoke_test() -> None:
    say("smoke test: --version, doctor, a render of the bundled sample")
    with tempfile.TemporaryDirectory(prefix="missiva-smoke-") as temporary:
        env = fresh_environment(Path(temporary))
        version = run(APP, "--version", capture_output=True, env=env).stdout.strip()
        say(version)
        doctor = run(APP, "doctor", "--json", capture_output=True, env=env)
        report = json.loads(doctor.stdout)
        for check in report["checks"]:
            say(f"  doctor {check['status']:<7} {check['name']}: {check['detail']}")
        sample = next(c["detail"] for c in report["checks"] if c["name"] == "sample")
        sample_root = sample.rsplit("(", 1)[1].rstrip(")")
        pdf = Path(temporary) / "bill.pdf"
        line = run(APP, "render", sample_root, "bill", "--channel", "print", "-o", pdf,
                   "--json", capture_output=True, env=env).stdout
        facts = json.loads(line)
        assert facts["ok"] and pdf.read_bytes().startswith(b"%PDF"), line
        say(f"  render bill/print: {facts['pages']} pages, {facts['bytes']} bytes")


def offline_prefix() -> list[str]:
    """`unshare --net`: a network namespace with no interface up, so the first run is proved
    to need no network (Linux, as root); elsewhere nothing."""
    unshare = shutil.which("unshare")
    if not sys.platform.startswith("linux") or not unshare or os.geteuid() != 0:
        return []
    if subprocess.run([unshare, "--net", "true"], capture_output=True).returncode != 0:
        return []
    return [unshare, "--net"]


def screenshot(target: Path, wait: float) -> None:
    """Start the built app under Xvfb on an empty home, as a first run, and photograph it."""
    xvfb, grab = shutil.which("xvfb-run"), shutil.which("import")
    if not xvfb or not grab:
        raise SystemExit("--screenshot needs xvfb-run (xvfb) and import (imagemagick)")
    before = fingerprint(APP.parent)
    with tempfile.TemporaryDirectory(prefix="missiva-first-run-") as temporary:
        home = Path(temporary)
        target.parent.mkdir(parents=True, exist_ok=True)
        # The app leads its own process group, so its render workers end with it at once
        # (they also leave by themselves within a second of their parent's end).
        script = (f'setsid "{APP}" > "{home}/app.log" 2>&1 & pid=$!; sleep {wait}; '
                  f'import -window root "{target}"; kill -TERM -$pid; sleep 3; '
                  f'kill -KILL -$pid 2>/dev/null; true')
        offline = offline_prefix()
        say(f"starting {APP.name} with no arguments under Xvfb"
            f"{' with no network' if offline else ''}, screenshot after {wait:.0f} s")
        run(*offline, xvfb, "-a", "-s", "-screen 0 1600x1000x24", "sh", "-c", script,
            env=fresh_environment(home), timeout=wait + 120)
        copy = home / ".local" / "share" / "missiva" / "projects" / "lumen-energia"
        if not (copy / "studio.yaml").is_file() or not (copy / ".git").is_dir():
            log = (home / "app.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"the first run did not create the user's sample at {copy}\n{log}")
        say(f"first run: the sample was copied to {copy.relative_to(home)} (a git repository)")
    if fingerprint(APP.parent) != before:
        raise SystemExit("the app wrote inside its own folder")
    say(f"the bundle is unchanged after the run; screenshot: {target}")


def archive() -> Path:
    version = run(APP, "--version", capture_output=True).stdout.split()[-1]
    system = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(sys.platform,
                                                                            sys.platform)
    import platform

    name = f"missiva-studio-{version}-{system}-{platform.machine().lower()}"
    if os.name == "nt":
        return Path(shutil.make_archive(str(DIST / name), "zip", DIST, "missiva"))
    target = DIST / f"{name}.tar.gz"
    say(f"archiving {target.name}")
    with tarfile.open(target, "w:gz") as tar:
        tar.add(APP.parent, arcname=name)
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", action="store_true", help="also pack the folder")
    parser.add_argument("--screenshot", type=Path, help="start it under Xvfb and save a PNG")
    parser.add_argument("--wait", type=float, default=30, help="seconds before the screenshot")
    parser.add_argument("--no-freeze", action="store_true",
                        help="reuse dist/missiva (only the checks, screenshot, archive)")
    args = parser.parse_args(argv)
    if not args.no_freeze:
        python_distributions()
        freeze()
        desktop_files()
    smoke_test()
    if args.screenshot:
        screenshot(args.screenshot.resolve(), args.wait)
    if args.archive:
        say(f"archive: {archive()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
