"""The studio draws its web previews in software where OpenGL is the processor (app.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from studio.gui.app import choose_rendering, is_software_gl

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("renderer", "software"), [
    ("llvmpipe (LLVM 15.0.6, 256 bits)", True),
    ("softpipe", True),
    ("Software Rasterizer", True),
    ("Google SwiftShader", True),
    ("Microsoft Basic Render Driver", True),
    (None, True),  # no OpenGL at all
    ("Mesa Intel(R) UHD Graphics 620 (KBL GT2)", False),
    ("NVIDIA GeForce RTX 3060/PCIe/SSE2", False),
    ("AMD Radeon RX 6600 (radeonsi, navi23, LLVM 15.0.6, DRM 3.49, 6.1.0)", False),
])
def test_software_renderers_are_told_from_graphics_cards(renderer, software):
    assert is_software_gl(renderer) is software


def test_a_backend_the_user_chose_is_kept(qapp, monkeypatch):
    monkeypatch.setenv("QT_QUICK_BACKEND", "rhi")
    assert choose_rendering(qapp) == "as set"


def test_the_offscreen_platform_is_not_probed(qapp, monkeypatch):
    monkeypatch.delenv("QT_QUICK_BACKEND", raising=False)
    monkeypatch.delenv("QSG_RHI_BACKEND", raising=False)
    assert qapp.platformName() == "offscreen"
    before = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS")
    assert choose_rendering(qapp) == "opengl"
    assert os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS") == before


_CHILD = """
import json, os
from PySide6.QtQuick import QQuickWindow
from studio.gui.app import create_application, gl_renderer, is_software_gl
app = create_application()
print(json.dumps({"chosen": app.property("missivaRendering"),
                  "renderer": gl_renderer(),
                  "backend": QQuickWindow.sceneGraphBackend(),
                  "flags": os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")}))
"""


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (xvfb-run)")
def test_on_a_real_x_display_the_choice_follows_its_opengl():
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "QT_QUICK_BACKEND", "QSG_RHI_BACKEND",
                        "QTWEBENGINE_CHROMIUM_FLAGS")}
    done = subprocess.run(["xvfb-run", "-a", sys.executable, "-c", _CHILD], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    if is_software_gl(facts["renderer"]):  # Xvfb's OpenGL is Mesa's, on the processor
        assert facts["chosen"] == "software"
        assert facts["backend"] == "software"
        assert "--disable-gpu" in facts["flags"].split()
    else:
        assert facts["chosen"] == "opengl"
        assert "--disable-gpu" not in facts["flags"].split()
