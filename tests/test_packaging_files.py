"""The desktop integration files and the icon set that packaging/ ships."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"
APP_ID = "io.github.missiva.Studio"
ICONS = REPO / "resources" / "icons" / "hicolor"


def test_icon_set_has_every_size_as_a_real_png():
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        with Image.open(ICONS / f"{size}x{size}" / "apps" / f"{APP_ID}.png") as image:
            assert image.format == "PNG" and image.size == (size, size)
            # The envelope is drawn, not a blank square: the rounded corner is transparent.
            assert image.convert("RGBA").getpixel((0, 0))[3] == 0
            assert image.convert("RGBA").getpixel((size // 2, size // 2))[3] == 255
    assert (ICONS / "scalable" / "apps" / f"{APP_ID}.svg").read_bytes() == \
        (REPO / "resources" / "icons" / "missiva.svg").read_bytes()
    with Image.open(REPO / "resources" / "icons" / "missiva.ico") as ico:
        assert ico.format == "ICO" and (256, 256) in ico.info["sizes"]


def test_desktop_entry_names_the_command_and_the_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(PACKAGING / f"{APP_ID}.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"].split()[:2] == ["missiva", "open"]
    assert desktop["Icon"] == APP_ID
    assert desktop["Type"] == "Application"


def test_metainfo_points_at_the_desktop_entry():
    root = ET.parse(PACKAGING / f"{APP_ID}.metainfo.xml").getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == f"{APP_ID}.desktop"  # type: ignore[union-attr]
    assert root.find("provides/binary").text == "missiva"  # type: ignore[union-attr]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-utils not installed")
def test_desktop_entry_validates():
    result = subprocess.run(["desktop-file-validate", str(PACKAGING / f"{APP_ID}.desktop")],
                            capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream not installed")
def test_metainfo_validates():
    result = subprocess.run(["appstreamcli", "validate", "--no-net",
                             str(PACKAGING / f"{APP_ID}.metainfo.xml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
