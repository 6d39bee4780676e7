"""Fetch the checkers the studio ships into resources/: axe-core's axe.min.js and caniemail's
data, each with its LICENSE and VERSION. Run by hand when updating (the studio and the CLI never
use the network): `python packaging/update_checkers.py [--axe VERSION] [--caniemail VERSION]`.

It uses `npm pack`, so the files come from the registry npm is configured for, checked by npm's
integrity hash.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXE_VERSION = "4.10.3"
CANIEMAIL_VERSION = "2.0.2"

# package name → (folder under resources/, files to keep: archive path → name in the folder)
PACKAGES = {
    "axe-core": ("axe", {"package/axe.min.js": "axe.min.js", "package/LICENSE": "LICENSE",
                         # axe's translators' Italian of its rules' help, for the studio
                         "package/locales/it.json": "locales/it.json"}),
    "caniemail": (
        "caniemail",
        {"package/data/caniemail.json": "caniemail.json", "package/LICENSE": "LICENSE"},
    ),
}


def fetch(package: str, version: str) -> Path:
    folder, files = PACKAGES[package]
    target = ROOT / "resources" / folder
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            ["npm", "pack", f"{package}@{version}", "--json"],
            cwd=tmp, capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"npm pack {package}@{version} failed:\n{result.stderr}")
        [packed] = json.loads(result.stdout)
        archive = Path(tmp) / packed["filename"]
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            for member, name in files.items():
                source = tar.extractfile(member)
                if source is None:
                    raise SystemExit(f"{package}@{version} has no {member}")
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                with source, open(target / name, "wb") as out:
                    shutil.copyfileobj(source, out)
        (target / "VERSION").write_text(
            f"{package} {packed['version']}\nintegrity {packed['integrity']}\n", encoding="utf-8"
        )
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--axe", default=AXE_VERSION, help="axe-core version")
    parser.add_argument("--caniemail", default=CANIEMAIL_VERSION, help="caniemail version")
    args = parser.parse_args(argv)
    for package, version in (("axe-core", args.axe), ("caniemail", args.caniemail)):
        print(f"{package}@{version} → {fetch(package, version)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
