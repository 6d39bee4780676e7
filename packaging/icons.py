"""Render the application icon set from resources/icons/missiva.svg.

    python packaging/icons.py

Writes resources/icons/hicolor/<N>x<N>/apps/<app id>.png for the freedesktop sizes (with
rsvg-convert, from librsvg), the scalable SVG beside them, missiva.ico (Windows) and
missiva.icns (macOS) with Pillow. The results are committed: a build needs no librsvg.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
APP_ID = "io.github.missiva.Studio"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def main() -> int:
    source = ICONS / "missiva.svg"
    converter = shutil.which("rsvg-convert")
    if converter is None:
        print("rsvg-convert is missing (Debian/Ubuntu: apt install librsvg2-bin)", file=sys.stderr)
        return 1
    for size in SIZES:
        target = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([converter, "-w", str(size), "-h", str(size), "-o", str(target),
                        str(source)], check=True)
    scalable = ICONS / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, scalable)
    largest = Image.open(ICONS / "hicolor" / "512x512" / "apps" / f"{APP_ID}.png")
    largest.save(ICONS / "missiva.ico", sizes=[(s, s) for s in SIZES if s <= 256])
    largest.save(ICONS / "missiva.icns")
    print(f"icons written to {ICONS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
