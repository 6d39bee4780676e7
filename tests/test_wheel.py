"""The wheel and sdist as a release makes them, and `missiva` from a fresh virtual environment
installed from the wheel: --version, doctor and real renders of the bundled sample."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from pypdf import PdfReader

REPO = Path(__file__).resolve().parent.parent
BIN = "Scripts" if os.name == "nt" else "bin"

# One test process builds and installs once (dev.py runs pytest with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("wheel")

# What a build of the working tree leaves out: environments, caches, earlier builds.
_NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info",
                                     "__pycache__", "*.py[cod]", ".*_cache", ".hypothesis")


@pytest.fixture(scope="module")
def distributions(tmp_path_factory) -> dict[str, Path]:
    # setuptools builds the sdist in a folder named after the version under the source: two
    # builds of one tree (another test process, a developer's) remove each other's files. The
    # build runs on a copy.
    source = tmp_path_factory.mktemp("source") / "missiva-studio"
    shutil.copytree(REPO, source, ignore=_NOT_SOURCE)
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(source)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # "Package would be ignored": a data folder setuptools took for a package it drops.
    assert "would be ignored" not in result.stdout + result.stderr
    [wheel] = out.glob("*.whl")
    [sdist] = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.fixture(scope="module")
def installed(distributions, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel (and its dependencies) installed."""
    root = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(root)
    result = subprocess.run(
        [str(root / BIN / "python"), "-m", "pip", "install", "--quiet",
         str(distributions["wheel"])],
        capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return root


def _run(root: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["HOME"] = str(cwd)  # a user with no settings yet
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("XDG_DATA_HOME", None)
    # cwd is outside the checkout: nothing can be imported from the source tree by accident.
    return subprocess.run([str(root / BIN / "missiva"), *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def test_wheel_ships_the_resources_and_the_sample(distributions):
    names = set(zipfile.ZipFile(distributions["wheel"]).namelist())
    for expected in ("studio/_resources/fonts/DejaVuSans.ttf",
                     "studio/_resources/layouts/print.html",
                     "studio/_resources/icons/missiva.svg",
                     "studio/_resources/icons/hicolor/512x512/apps/io.github.missiva.Studio.png",
                     "studio/_resources/translations/missiva_it.qm",
                     "studio/_resources/translations/missiva_tour_it.qm",
                     "studio/_resources/translations/missiva_en.qm",
                     "studio/_resources/starter/studio.yaml",
                     "studio/_samples/lumen-energia/studio.yaml",
                     "studio/_samples/lumen-energia/templates/bill.yaml",
                     "studio/gui/tour.py", "studio/core/doctor.py"):
        assert expected in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith(("tests/", "packaging/"))]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "missiva = studio.cli:main" in zipfile.ZipFile(distributions["wheel"]).read(
        entry_points).decode()


def test_sdist_is_the_whole_source(distributions):
    with tarfile.open(distributions["sdist"]) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    for expected in ("pyproject.toml", "README.md", "MANIFEST.in", "dev.py",
                     "resources/fonts/DejaVuSans.ttf", "sample_projects/lumen-energia/studio.yaml",
                     "tests/test_wheel.py", "tests/gui/test_tour.py", "packaging/missiva.spec",
                     "packaging/build.py", "packaging/io.github.missiva.Studio.desktop"):
        assert expected in names
    assert not [n for n in names if "__pycache__" in n or n.startswith(".venv")]


def test_installed_wheel_runs_version_doctor_and_render(installed, tmp_path):
    version = _run(installed, "--version", cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"missiva {metadata.version('missiva-studio')}"

    doctor = _run(installed, "doctor", "--no-gui", "--json", cwd=tmp_path)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    report = json.loads(doctor.stdout)
    assert {c["name"]: c["status"] for c in report["checks"]}["weasyprint"] in ("ok", "warning")
    sample = next(c for c in report["checks"] if c["name"] == "sample")
    sample_root = Path(sample["detail"].rsplit("(", 1)[1].rstrip(")"))
    # The sample comes from the installed wheel, not from this checkout.
    assert installed in sample_root.parents and sample_root.name == "lumen-energia"

    pdf = tmp_path / "bill.pdf"
    printed = _run(installed, "render", str(sample_root), "bill", "--channel", "print",
                   "-o", str(pdf), "--json", cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    facts = json.loads(printed.stdout)
    reader = PdfReader(pdf)
    assert facts["ok"] and facts["pages"] == len(reader.pages) == 2
    text = reader.pages[0].extract_text()
    assert "Mario Rossi" in text and "Bolletta" in text
    # The shipped font, embedded: output does not depend on the machine's fonts.
    fonts = {str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any(name.endswith("+Missiva-Sans") for name in fonts), fonts

    sms = _run(installed, "render", str(sample_root), "otp", "--channel", "sms", "--json",
               cwd=tmp_path)
    assert sms.returncode == 0, sms.stderr
    line = json.loads(sms.stdout)
    assert line["encoding"] == "GSM-7" and line["segments"] == 1
    assert "Lumen Energia" in line["text"]


def test_every_python_package_is_named_in_pyproject():
    # packages are listed by hand (the data folders must not be taken for packages): a new
    # subpackage left out would be missing from the wheel, and only an installed user would see.
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {".".join(init.parent.relative_to(REPO).parts)
             for init in (REPO / "studio").rglob("__init__.py")}
    assert found - listed == set()
