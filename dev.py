#!/usr/bin/env python3
"""Set up a development environment and run the studio or the tests: the README's two commands.

    python3 dev.py studio   # set up, then open the studio on the bundled sample project
    python3 dev.py test     # set up, then run the linter and every test

Everything goes into .venv beside this file; nothing is installed into the system Python.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
# WeasyPrint draws text with Pango; fonts-dejavu gives every machine the same default font.
DEBIAN_PACKAGES = ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0",
                   "fonts-dejavu-core", "poppler-utils"]
# ssh-keygen: SSH signatures of commits and packages (compliance.signatures, --trusted-signers).
SIGNING_DEBIAN_PACKAGES = ["openssh-client"]
# Qt's xcb platform plugin (a real window on X11) needs these beyond what PySide6 ships.
GUI_DEBIAN_PACKAGES = ["libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4", "libxcb-image0",
                       "libxcb-keysyms1", "libxcb-randr0", "libxcb-render-util0",
                       "libxcb-shape0", "libxcb-xinerama0", "libxcb-xkb1", "libegl1", "libnss3"]
# ...found by these names: one missing (libxcb-icccm4 alone, say) and no window opens.
GUI_LIBRARIES = ["xcb-cursor", "xkbcommon-x11", "xcb-icccm", "xcb-image", "xcb-keysyms",
                 "xcb-randr", "xcb-render-util", "xcb-shape", "xcb-xinerama", "xcb-xkb", "EGL",
                 "nss3"]


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def system_libraries(gui: bool = False) -> None:
    needed = list(DEBIAN_PACKAGES)
    present = ctypes.util.find_library("pango-1.0") and ctypes.util.find_library("harfbuzz-subset")
    if gui:
        needed += GUI_DEBIAN_PACKAGES
        present = present and all(ctypes.util.find_library(name) for name in GUI_LIBRARIES)
    if not shutil.which("ssh-keygen"):
        needed += SIGNING_DEBIAN_PACKAGES
        present = False
    if present:
        return
    if sys.platform.startswith("linux") and shutil.which("apt-get") and os.geteuid() == 0:
        say("installing the system libraries WeasyPrint and Qt need: " + " ".join(needed))
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", *needed], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    elif not ctypes.util.find_library("pango-1.0"):
        say("WeasyPrint needs Pango: see https://doc.courtbouillon.org/weasyprint/stable/"
            "first_steps.html#installation (Debian/Ubuntu: apt install " +
            " ".join(DEBIAN_PACKAGES) + ")")


def environment(extras: str) -> None:
    if not PYTHON.exists():
        say(f"creating {VENV.relative_to(ROOT)}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras}"
    pyproject = ROOT / "pyproject.toml"
    if stamp.exists() and stamp.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    say(f"installing Missiva Studio with [{extras}] into .venv")
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                   check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f".[{extras}]"],
                   cwd=ROOT, check=True)
    stamp.touch()


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    if command == "studio":
        system_libraries(gui=True)
        environment("gui,test")
        return subprocess.call([str(BIN / "missiva"), "open", *argv[1:]], cwd=ROOT)
    if command == "test":
        system_libraries()
        environment("test")
        say("ruff check")
        linted = ("studio", "tests", "bench", "packaging", "dev.py")
        paths = [p for p in linted if (ROOT / p).exists()]
        lint = subprocess.call([str(PYTHON), "-m", "ruff", "check", *paths], cwd=ROOT)
        say("mypy studio/core")
        lint = lint or subprocess.call([str(PYTHON), "-m", "mypy", "studio/core"], cwd=ROOT)
        say("pytest")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        # One test process a processor (at most 4: each starts render workers of its own):
        # on 2 cores the suite takes 10 minutes, not 16 (CI must stay under 20).
        # loadgroup: the tests of one xdist_group (the wheel build) share one process.
        parallel = ["-n", "auto", "--maxprocesses", "4", "--dist", "loadgroup"]
        tests = subprocess.call([str(PYTHON), "-m", "pytest", *parallel, *argv[1:]], cwd=ROOT,
                                env=env)
        return tests or lint
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
