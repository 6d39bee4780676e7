"""The layering contract: the headless core, the server and the CLI never import Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HEADLESS = [REPO / "studio" / "core", REPO / "studio" / "server", REPO / "studio" / "cli"]
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
        if path == REPO / "studio" / "cli" / "__init__.py" and module in allowed_lazy:
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


def _channel_comparisons(path: Path) -> list[str]:
    from studio.core.channels import CHANNEL_NAMES

    def names(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Constant) and node.value in CHANNEL_NAMES:
            return [node.value]
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return [n for element in node.elts for n in names(element)]
        return []

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                found += [f"{path.relative_to(REPO)}:{node.lineno} compares {name!r}"
                          for name in names(side)]
    return found


def test_no_channel_name_is_compared_outside_the_channels():
    # Everything a channel is (paged, has a subject, counted in segments…) is the registry's:
    # studio.core.channels.CHANNELS. A new channel must not need a hunt for `== "sms"`.
    channels = REPO / "studio" / "core" / "channels"
    found = [hit for path in sorted((REPO / "studio").rglob("*.py"))
             if channels not in path.parents for hit in _channel_comparisons(path)]
    assert found == []
    planted = REPO / "studio" / "core" / "render.py"
    assert _channel_comparisons(planted) == []  # and the check itself sees one when there is:
    tree_text = 'if channel == "sms" or kind in ("print", "email"):\n    pass\n'
    probe = REPO / "studio" / "_probe_channel_literals.py"
    probe.write_text(tree_text, encoding="utf-8")
    try:
        assert len(_channel_comparisons(probe)) == 3
    finally:
        probe.unlink()


@pytest.mark.parametrize("path", sorted((REPO / "studio" / "gui").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_the_studio_does_not_reach_the_cli(path):
    # the CLI is a front end like the studio: what both need lives in the core
    for module, line in _imports(path):
        assert not module.startswith(("studio.cli", "studio.cli_")), \
            f"{path}:{line} imports {module}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """studio's modules and the studio modules each imports, anywhere in it: at the top, in a
    function, under TYPE_CHECKING (a cycle hidden in a function is still a cycle)."""
    modules = {_module_name(p): p for p in (REPO / "studio").rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                    + ([node.module] if node.module else []))
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for following in sorted(graph[node]):
            if following not in index:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_among_studio_modules():
    graph = _import_graph()
    assert "studio.cli.common" in graph["studio.cli.batch"]  # the graph sees function imports
    assert _cycles(graph) == []
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
