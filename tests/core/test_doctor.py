"""`missiva doctor`'s checks on this machine, and what they say when something is missing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from studio.core import doctor
from studio.core.doctor import FAILED, OK, WARNING

UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n'
FEDORA = 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=41\n'
ROCKY = 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\n'
ARCH = 'NAME="Arch Linux"\nID=arch\n'


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="os-release is Linux's")
@pytest.mark.parametrize(("text", "family"), [(UBUNTU, "debian"), (FEDORA, "fedora"),
                                              (ROCKY, "fedora"), (ARCH, "other")])
def test_platform_family_from_os_release(text, family):
    assert doctor.platform_family(text) == family


def test_every_check_passes_on_this_machine(tmp_path, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)  # no X11 session: a missing xcb lib warns
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    checks = {check.name: check for check in doctor.run_checks()}
    assert set(checks) >= {"fonts", "weasyprint", "qt", "git", "sample", "config", "data"}
    # libxcb-cursor matters only for a window on X11: a warning, not a failure, where missing.
    x11 = checks.pop("x11", None)
    assert x11 is None or x11.status in (OK, WARNING)
    assert all(check.status == OK for check in checks.values()), checks
    assert "Pango 1." in checks["weasyprint"].detail
    assert "WebEngine 6." in checks["qt"].detail
    assert "Lumen Energia: 5 templates" in checks["sample"].detail
    assert str(tmp_path / "config" / "missiva") in checks["config"].detail


@pytest.mark.parametrize(("family", "words"), [("debian", "apt install git"),
                                               ("fedora", "dnf install git"),
                                               ("macos", "xcode-select --install"),
                                               ("windows", "winget install Git.Git")])
def test_missing_git_fails_with_the_fix_for_the_platform(family, words, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no git on PATH
    check = doctor.check_git(family)
    assert check.status == FAILED and "not on PATH" in check.detail
    assert words in check.fix


def test_old_git_is_a_warning(tmp_path, monkeypatch):
    fake = tmp_path / "git"
    fake.write_text("#!/bin/sh\necho 'git version 2.17.1'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    check = doctor.check_git("debian")
    assert check.status == WARNING and "2.17.1" in check.detail


def test_qt_probe_that_reports_a_missing_library_fails_with_the_fix():
    probe = [sys.executable, "-c", "import json, sys; print(json.dumps({'ok': False, "
             "'error': 'ImportError: libnss3.so: cannot open shared object file'})); "
             "sys.exit(1)"]
    check = doctor.check_qt("debian", probe)
    assert check.status == FAILED and "libnss3.so" in check.detail
    assert "libnss3" in check.fix and "apt install" in check.fix


def test_qt_probe_that_crashes_does_not_take_the_command_down():
    check = doctor.check_qt("fedora", [sys.executable, "-c", "import os; os.abort()"])
    assert check.status == FAILED and "dnf install" in check.fix


def test_damaged_shipped_fonts_fail(tmp_path, monkeypatch):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    from studio.core.resources import resources_dir

    for name in doctor.SHIPPED_FONTS:
        shutil.copy(resources_dir() / "fonts" / name, fonts / name)
    (fonts / "DejaVuSans-Bold.ttf").write_bytes(b"not a font")
    monkeypatch.setattr(doctor, "resources_dir", lambda: tmp_path)
    check = doctor.check_fonts("debian")
    assert check.status == FAILED and check.detail.endswith("DejaVuSans-Bold.ttf")
    assert "reinstall" in check.fix


def test_unwritable_config_folder_fails(tmp_path):
    blocker = tmp_path / "config"
    blocker.write_text("a file where a folder should be")
    check = doctor.check_writable("config", blocker / "missiva", "your settings")
    assert check.status == FAILED and "XDG_CONFIG_HOME" in check.fix


def test_weasyprint_lays_out_a_page_here():
    check = doctor.check_weasyprint("debian")
    assert check.status == OK and check.detail.startswith("WeasyPrint ")


def test_sample_check_names_the_installed_sample():
    from studio.core.resources import sample_project

    check = doctor.check_sample()
    assert check.status == OK and str(Path(sample_project())) in check.detail


def _plugin_linking(tmp_path: Path, sonames: tuple[str, ...]) -> tuple[Path, Path]:
    """A real shared object laid out as PySide6 lays out its X11 plugin, linked against stub
    libraries SONAMES (built in a folder of their own, returned second)."""
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "stub.c").write_text("int stub(void) { return 0; }\n")
    for soname in sonames:
        subprocess.run(["gcc", "-shared", "-fPIC", f"-Wl,-soname,{soname}", "-o",
                        str(stubs / soname), str(stubs / "stub.c")], check=True)
    platforms = tmp_path / "Qt" / "plugins" / "platforms"
    platforms.mkdir(parents=True)
    (tmp_path / "plugin.c").write_text("int plugin(void) { return 1; }\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(platforms / "libqxcb.so"),
                    str(tmp_path / "plugin.c"), "-Wl,--no-as-needed",
                    *(str(stubs / soname) for soname in sonames)], check=True)
    return platforms / "libqxcb.so", stubs


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("gcc")
                    or not shutil.which("ldd"), reason="builds a real ELF plugin with gcc")
def test_x11_check_names_what_the_window_plugin_cannot_load(tmp_path, monkeypatch):
    # Library names no machine has once their stubs are gone: ldd, not a guess, says what is
    # missing, whatever this machine has installed.
    sonames = ("libmissiva-absent-a.so.4", "libmissiva-absent-b.so.1")
    plugin, stubs = _plugin_linking(tmp_path, sonames)
    monkeypatch.setenv("LD_LIBRARY_PATH", str(stubs))
    assert doctor.check_display_libraries("debian", plugin).status == OK
    monkeypatch.delenv("LD_LIBRARY_PATH")
    shutil.rmtree(stubs)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    check = doctor.check_display_libraries("debian", plugin)
    assert check.status == FAILED  # in an X11 session the studio cannot start: not "Ready"
    assert "libmissiva-absent-a.so.4" in check.detail and "libmissiva-absent-b.so.1" in check.detail
    assert "libmissiva-absent-a.so.4" in check.fix
    monkeypatch.delenv("DISPLAY")
    assert doctor.check_display_libraries("debian", plugin).status == WARNING  # no X11 here


@pytest.mark.parametrize(("family", "words"), [
    ("debian", "sudo apt install libxcb-icccm4 libxcb-keysyms1"),
    ("fedora", "sudo dnf install xcb-util-wm xcb-util-keysyms"),
    ("other", "install the packages that provide libxcb-icccm.so.4, libxcb-keysyms.so.1"),
])
def test_x11_fix_names_the_packages_of_the_platform(family, words):
    assert doctor._xcb_fix(family, ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]) == words
