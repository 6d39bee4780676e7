"""`missiva doctor`: is this machine ready for the studio, and how to fix what is missing.

Each check says ok, warning or failed, and for a problem how to fix it on this platform
(Debian/Ubuntu, Fedora, macOS, Windows). Nothing here imports Qt: Qt WebEngine and QtPdf are
probed in a child process (`studio.gui.probe`), so a broken Qt install can crash that child but
never the command.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from studio.core.resources import resources_dir, sample_project

OK, WARNING, FAILED = "ok", "warning", "failed"
PLATFORMS = ("debian", "fedora", "macos", "windows")
PROBE_TIMEOUT = 60  # seconds: loading Qt WebEngine from a cold disk is slow
# What `missiva` frozen by PyInstaller runs instead of `python -m studio.gui.probe`.
FROZEN_PROBE_ARGUMENT = "--qt-probe"


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | warning | failed
    detail: str
    fix: str = ""

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail, "fix": self.fix}


def platform_family(os_release: str | None = None) -> str:
    """debian, fedora, macos, windows or other: which package manager a fix names."""
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    if os_release is None:
        try:
            os_release = Path("/etc/os-release").read_text(encoding="utf-8")
        except OSError:
            os_release = ""
    ids: set[str] = set()
    for line in os_release.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            ids.update(value.strip().strip('"').lower().split())
    if ids & {"debian", "ubuntu"}:
        return "debian"
    if ids & {"fedora", "rhel", "centos"}:
        return "fedora"
    return "other"


def _fix(family: str, fixes: Mapping[str, str]) -> str:
    return fixes.get(family) or fixes.get("other") or ""


# The checks --------------------------------------------------------------------------------

SHIPPED_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
                 "DejaVuSans-BoldOblique.ttf", "DejaVuSansMono.ttf")
REINSTALL = {
    "other": "reinstall Missiva Studio (pip install --force-reinstall missiva-studio, or the "
             "built application again): its shipped files are damaged",
}


def check_fonts(family: str) -> Check:
    from fontTools.ttLib import TTFont, TTLibError

    folder = resources_dir() / "fonts"
    bad = []
    for name in SHIPPED_FONTS:
        try:
            with TTFont(folder / name, lazy=True) as font:
                font["name"].getDebugName(1)
        except (OSError, TTLibError, KeyError, AssertionError):
            bad.append(name)
    if bad:
        return Check("fonts", FAILED, f"shipped fonts missing or unreadable in {folder}: "
                     + ", ".join(bad), _fix(family, REINSTALL))
    return Check("fonts", OK, f"{len(SHIPPED_FONTS)} shipped fonts (Missiva Sans, Missiva Mono)")


WEASYPRINT_FIXES = {
    "debian": "sudo apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0",
    "fedora": "sudo dnf install pango harfbuzz",
    "macos": "brew install pango harfbuzz",
    "windows": "install the GTK 3 runtime (MSYS2: pacman -S mingw-w64-ucrt-x86_64-pango) "
               "or use the built Missiva Studio application, which carries it",
    "other": "install Pango ≥ 1.44 and HarfBuzz (with its subset library) with your package "
             "manager",
}


def check_weasyprint(family: str) -> Check:
    """WeasyPrint's system libraries, by loading them and laying out a real page."""
    quiet = io.StringIO()  # WeasyPrint prints a banner to stdout before raising
    try:
        with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            import weasyprint
            from weasyprint.text import ffi

            pdf = weasyprint.HTML(string="<p>Missiva</p>").write_pdf()
    except Exception as exc:  # noqa: BLE001 - OSError from dlopen, or any failure to lay out
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Check("weasyprint", FAILED, f"WeasyPrint cannot draw text: {reason}",
                     _fix(family, WEASYPRINT_FIXES))
    if not pdf or not pdf.startswith(b"%PDF"):
        return Check("weasyprint", FAILED, "WeasyPrint produced no PDF",
                     _fix(family, WEASYPRINT_FIXES))
    number = int(ffi.pango.pango_version())  # e.g. 15604 for 1.56.4
    version = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    detail = f"WeasyPrint {weasyprint.__version__}, Pango {version}"
    if getattr(ffi, "harfbuzz_subset", None) is None:
        return Check("weasyprint", WARNING, detail + "; HarfBuzz subset library missing "
                     "(fonts are embedded whole: larger PDFs)", _fix(family, WEASYPRINT_FIXES))
    return Check("weasyprint", OK, detail + ", HarfBuzz subset")


QT_FIXES = {
    "debian": "pip install 'missiva-studio[gui]' (or use the built application); for a window "
              "on X11: sudo apt install libxcb-cursor0 libxkbcommon-x11-0 libnss3 libegl1",
    "fedora": "pip install 'missiva-studio[gui]'; sudo dnf install xcb-util-cursor "
              "libxkbcommon-x11 nss mesa-libEGL",
    "macos": "pip install 'missiva-studio[gui]'",
    "windows": "pip install \"missiva-studio[gui]\"",
    "other": "pip install 'missiva-studio[gui]'",
}


def probe_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, FROZEN_PROBE_ARGUMENT]
    return [sys.executable, "-m", "studio.gui.probe"]


def check_qt(family: str, command: list[str] | None = None) -> Check:
    """Qt WebEngine (email and mobile previews) and QtPdf (print preview), in a child process."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        result = subprocess.run(command or probe_command(), capture_output=True, text=True,
                                timeout=PROBE_TIMEOUT, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("qt", FAILED, f"could not probe Qt: {exc}", _fix(family, QT_FIXES))
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    try:
        facts = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        facts = None
    if result.returncode != 0 or not isinstance(facts, dict) or not facts.get("ok"):
        why = (facts or {}).get("error") if isinstance(facts, dict) else None
        if not why:
            tail = (result.stderr.strip().splitlines() or [f"exit code {result.returncode}"])
            why = tail[-1]
        return Check("qt", FAILED, f"Qt WebEngine/QtPdf unusable: {why}", _fix(family, QT_FIXES))
    detail = (f"PySide6 {facts.get('pyside')}, Qt {facts.get('qt')}, "
              f"WebEngine {facts.get('webengine')}, QtPdf")
    return Check("qt", OK, detail)


# What Qt's X11 window plugin links and PySide6 does not ship: soname → (Debian, Fedora) package.
XCB_PACKAGES = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libEGL.so.1": ("libegl1", "mesa-libEGL"),
    "libnss3.so": ("libnss3", "nss"),
}


def _xcb_fix(family: str, missing: list[str]) -> str:
    column = {"debian": 0, "fedora": 1}.get(family)
    known = [XCB_PACKAGES[name][column] for name in missing
             if column is not None and name in XCB_PACKAGES]
    unknown = [name for name in missing if column is None or name not in XCB_PACKAGES]
    parts = []
    if known:
        tool = "apt install" if family == "debian" else "dnf install"
        parts.append(f"sudo {tool} " + " ".join(dict.fromkeys(known)))
    if unknown:
        parts.append("install the packages that provide " + ", ".join(unknown))
    return "; ".join(parts)


def xcb_plugin() -> Path | None:
    """PySide6's X11 platform plugin, if PySide6 is installed."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    plugin = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / \
        "platforms" / "libqxcb.so"
    return plugin if plugin.exists() else None


def missing_libraries(binary: Path) -> list[str] | None:
    """The shared libraries BINARY needs and the loader cannot find (ldd), None without ldd.
    The plugin's own Qt library is looked at too: that is where most xcb links are."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    targets = [binary]
    qpa = binary.parents[2] / "lib" / "libQt6XcbQpa.so.6" if len(binary.parents) > 2 else None
    if qpa is not None and qpa.exists():
        targets.append(qpa)
    missing: list[str] = []
    for target in targets:
        try:
            result = subprocess.run([ldd, str(target)], capture_output=True, text=True,
                                    timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        for line in result.stdout.splitlines():
            name, _, where = line.strip().partition(" => ")
            if where.strip() == "not found" and name not in missing:
                missing.append(name)
    return missing


def check_display_libraries(family: str, plugin: Path | None = None) -> Check | None:
    """On Linux, what Qt's X11 window plugin links and the machine lacks (ldd says, not a
    guess): without it the studio cannot open a window on X11. In an X11 session that is a
    failure; elsewhere (Wayland, a server) a warning."""
    if not sys.platform.startswith("linux"):
        return None
    plugin = plugin or xcb_plugin()
    missing = missing_libraries(plugin) if plugin is not None else None
    if missing is None:
        import ctypes.util

        if ctypes.util.find_library("xcb-cursor"):
            return Check("x11", OK, "libxcb-cursor present (Qt's X11 window plugin)")
        missing = ["libxcb-cursor.so.0"]
    if not missing:
        return Check("x11", OK, "Qt's X11 window plugin finds every library it links")
    x11_session = bool(os.environ.get("DISPLAY")) and not os.environ.get("WAYLAND_DISPLAY")
    status = FAILED if x11_session else WARNING
    return Check("x11", status,
                 f"Qt cannot open a window on X11: missing {', '.join(missing)}",
                 _xcb_fix(family, missing))


GIT_FIXES = {
    "debian": "sudo apt install git",
    "fedora": "sudo dnf install git",
    "macos": "xcode-select --install (or brew install git)",
    "windows": "winget install Git.Git",
    "other": "install git ≥ 2.30",
}


def check_git(family: str) -> Check:
    found = shutil.which("git")
    if not found:
        return Check("git", FAILED, "git is not on PATH: history, commits and sign-offs need it",
                     _fix(family, GIT_FIXES))
    try:
        version = subprocess.run([found, "--version"], capture_output=True, text=True,
                                 timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("git", FAILED, f"{found} does not run: {exc}", _fix(family, GIT_FIXES))
    numbers = version.removeprefix("git version ").split(".")
    try:
        major_minor = (int(numbers[0]), int(numbers[1]))
    except (IndexError, ValueError):
        major_minor = (0, 0)
    if major_minor < (2, 30):
        return Check("git", WARNING, f"{version} is old; 2.30 or newer is tested",
                     _fix(family, GIT_FIXES))
    return Check("git", OK, f"{version} ({found})")


def check_sample() -> Check:
    from studio.core.project import load_project

    root = sample_project()
    if not (root / "studio.yaml").is_file():
        return Check("sample", FAILED, f"the sample project is missing: {root}", REINSTALL["other"])
    project = load_project(root)
    errors = [p for p in project.problems if p.is_error]
    if errors:
        return Check("sample", FAILED, f"the sample project has problems: {errors[0]}",
                     REINSTALL["other"])
    return Check("sample", OK, f"{project.name}: {len(project.templates)} templates, "
                 f"{len(project.blocks)} blocks ({root})")


def check_writable(name: str, folder: Path, purpose: str) -> Check:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check(name, FAILED, f"cannot write {folder} ({purpose}): {exc.strerror or exc}",
                     f"make {folder} writable by you, or point "
                     f"{'XDG_CONFIG_HOME' if name == 'config' else 'XDG_DATA_HOME'} elsewhere")
    return Check(name, OK, f"{folder} is writable ({purpose})")


def run_checks(qt: bool = True, family: str | None = None) -> list[Check]:
    from studio.core.settings import settings_path
    from studio.core.userdata import data_dir

    family = family or platform_family()
    steps: list[Callable[[], Check | None]] = [
        lambda: check_fonts(family),
        lambda: check_weasyprint(family),
    ]
    if qt:
        steps += [lambda: check_qt(family), lambda: check_display_libraries(family)]
    steps += [
        lambda: check_git(family),
        check_sample,
        lambda: check_writable("config", settings_path().parent, "your settings"),
        lambda: check_writable("data", data_dir(), "your copy of the sample, autosaves"),
    ]
    checks = []
    for step in steps:
        check = step()
        if check is not None:
            checks.append(check)
    return checks


def describe_platform() -> str:
    return f"{platform.system()} {platform.release()} ({platform_family()}), Python " \
           f"{platform.python_version()}"
