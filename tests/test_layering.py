"""The layering contract: the headless core, the server and the CLI never import Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HEADLESS = [REPO / "studio" / "core", REPO / "studio" / "server", REPO / "studio" / "cli.py",
            REPO / "studio" / "cli_batch.py", REPO / "studio" / "cli_export.py"]
HEADLESS += [REPO / "studio" / "cli_packaging.py"]  # missiva doctor
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "studio.gui")


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, node.lineno))
    return found


def _headless_files() -> list[Path]:
    files: list[Path] = []
    for entry in HEADLESS:
        files += [entry] if entry.is_file() else sorted(entry.rglob("*.py"))
    return files


@pytest.mark.parametrize("path", _headless_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_qt_import(path):
    allowed_lazy = {"studio.gui.app"}  # `missiva open` imports the GUI inside its function
    for module, line in _imports(path):
        if path.name == "cli.py" and module in allowed_lazy:
            continue
        assert not module.startswith(QT_MODULES), f"{path}:{line} imports {module}"


def test_rendering_every_channel_loads_no_qt(tmp_path):
    code = (
        "import sys\n"
        "from studio.core.project import load_project\n"
        "from studio.core.render import render\n"
        "from studio.core.validate import validate\n"
        "import studio.cli\n"
        "import studio.server.app\n"
        f"p = load_project({str(REPO / 'resources' / 'starter')!r})\n"
        "validate(p)\n"
        "for c in ('print', 'email', 'mobile', 'sms'):\n"
        "    render(p, 'welcome', c, p.samples['typical'].record)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'PyQt', 'shiboken'))]\n"
        "print('QT:' + ','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "QT:"
