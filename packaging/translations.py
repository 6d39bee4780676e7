"""Keep the studio's translations in step with its code: lupdate, then lrelease.

    python packaging/translations.py            # update the .ts catalogues, build the .qm
    python packaging/translations.py --check    # exit 1 naming what is untranslated or stale

Every user-visible string of studio/gui goes through Qt's tr() (tests/gui/test_translations.py
fails on a literal that does not). pyside6-lupdate reads them from the code into
resources/translations/missiva_it.ts (Italian, every message) and missiva_en.ts (English,
plural forms only: "%n segment(s)" → "1 segment", "2 segments"); a new or changed English
text arrives unfinished, for a translator to fill (Qt Linguist opens the .ts), and --check
fails until they have. The tour's strings have their own catalogue (tour_translations.py).

The headless core (no Qt) writes its messages with studio.core.messages.msg(); they are read
from the code here into resources/translations/missiva_core_it.po (gettext's format, through
Babel), which the studio reads to show validation problems in Italian. --fill takes them too:
{"missiva_core_it.po": {"English text with {fields}": "testo con {fields}"}}.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "resources" / "translations"
CATALOGUES = {"missiva_it.ts": [], "missiva_en.ts": ["-pluralonly"]}
KEPT = {"missiva_tour_it.ts"}  # its strings are built at run time: tour_translations.py
CORE_CATALOGUES = ["missiva_core_it.po"]
CORE_SOURCES = ("studio/core", "studio/cli", "studio/server")


def tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if found is None:
        here = Path(sys.executable).parent / f"pyside6-{name}"
        if here.exists():
            return str(here)
        raise SystemExit(f"pyside6-{name} not found (pip install PySide6)")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "studio" / "gui").rglob("*.py"))


def lupdate(ts: Path, extra: list[str]) -> None:
    subprocess.run([tool("lupdate"), *sources(), "-no-obsolete", "-locations", "none",
                    *extra, "-ts", str(ts)], cwd=ROOT, check=True, capture_output=True)


def _key(context: ET.Element, message: ET.Element) -> tuple[str, str]:
    return context.findtext("name") or "", message.findtext("source") or ""


def absorb(ts: Path, others: list[Path]) -> int:
    """Fill TS's unfinished messages from OTHERS (catalogues written before this one took
    every string of the studio): one catalogue, no translation lost. How many were filled."""
    known: dict[tuple[str, str], ET.Element] = {}
    for other in others:
        for context in ET.parse(other).getroot().iter("context"):
            for message in context.iter("message"):
                translation = message.find("translation")
                if translation is not None and translation.get("type") != "unfinished":
                    known[_key(context, message)] = translation
    tree = ET.parse(ts)
    filled = 0
    for context in tree.getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            found = known.get(_key(context, message))
            if found is not None and (translation is None
                                      or translation.get("type") == "unfinished"):
                if translation is not None:
                    message.remove(translation)
                message.append(found)
                filled += 1
    if filled:
        tree.write(ts, encoding="utf-8", xml_declaration=True)
    return filled


def fill(ts: Path, translations: dict[str, str | list[str]]) -> int:
    """Write TRANSLATIONS ({"Context|source": text, or [singular, plural]}) into TS's
    unfinished messages; how many were filled."""
    tree = ET.parse(ts)
    filled = 0
    for context in tree.getroot().iter("context"):
        for message in context.iter("message"):
            context_name, source = _key(context, message)
            text = translations.get(f"{context_name}|{source}")
            translation = message.find("translation")
            if text is None or (translation is not None
                                and translation.get("type") != "unfinished"):
                continue
            if translation is not None:
                message.remove(translation)
            translation = ET.SubElement(message, "translation")
            if isinstance(text, list):
                for form in text:
                    ET.SubElement(translation, "numerusform").text = form
            else:
                translation.text = text
            filled += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return filled


def unfinished(ts: Path) -> list[str]:
    """The messages of TS a translator still has to write, as "Context: source"."""
    missing = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            forms = [] if translation is None else list(translation.iter("numerusform"))
            texts = [f.text for f in forms] if forms else [
                None if translation is None else translation.text]
            if translation is None or translation.get("type") in ("unfinished", "vanished") \
                    or not all(t and t.strip() for t in texts):
                missing.append(f"{name}: {message.findtext('source')}")
    return missing


def stale(ts: Path, extra: list[str]) -> list[str]:
    """What lupdate would add to TS now: the code has strings the catalogue lacks."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / ts.name
        shutil.copy(ts, copy)
        lupdate(copy, extra)
        before = {(c.findtext("name"), m.findtext("source"))
                  for c in ET.parse(ts).getroot().iter("context") for m in c.iter("message")}
        after = {(c.findtext("name"), m.findtext("source"))
                 for c in ET.parse(copy).getroot().iter("context") for m in c.iter("message")}
    return sorted(f"{c}: {s}" for c, s in after - before)


def core_messages(root: Path = ROOT) -> tuple[dict[str, str], list[str]]:
    """The msg() texts of the headless code, each with where it first appears, and the
    msg() calls whose text is not a literal string (no catalogue can hold those)."""
    found: dict[str, str] = {}
    bad: list[str] = []
    for folder in CORE_SOURCES:
        for path in sorted((root / folder).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), rel)):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id == "msg"):
                    continue
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.setdefault(first.value, f"{rel}:{node.lineno}")
                else:
                    bad.append(f"{rel}:{node.lineno}")
    return found, bad


def update_core(po: Path, given: dict[str, str]) -> list[str]:
    """Bring PO in step with the code's msg() texts (new ones added untranslated, gone ones
    dropped), write GIVEN translations into it; the texts still untranslated."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    found, _ = core_messages()
    old = read_po(po.open("rb")) if po.exists() else Catalog(locale="it")
    fixed = datetime(2026, 1, 1, tzinfo=UTC)  # the same catalogue, the same bytes
    catalogue = Catalog(locale="it", project="Missiva Studio", version="1",
                        copyright_holder="Missiva Studio developers", charset="utf-8",
                        creation_date=fixed, revision_date=fixed, fuzzy=False,
                        last_translator="Missiva Studio developers",
                        language_team="Italian")
    for text, where in found.items():
        previous = old.get(text)
        translation = given.get(text) or (previous.string if previous else "")
        path, line = where.rsplit(":", 1)
        catalogue.add(text, translation, locations=[(path, int(line))],
                      flags=("python-brace-format",))
    with po.open("wb") as file:
        write_po(file, catalogue, width=100, omit_header=False, sort_output=True,
                 include_lineno=False)
    return [text for text in found if not catalogue.get(text).string]


def core_problems(po: Path) -> list[str]:
    """What --check says of a core catalogue: texts missing or untranslated, translations
    with other {fields} than their text, msg() calls without a literal text."""
    import string

    from babel.messages.pofile import read_po

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    found, bad = core_messages()
    catalogue = read_po(po.open("rb")) if po.exists() else None
    problems = [f"{where}: msg() needs a literal text" for where in bad]
    for text, where in found.items():
        entry = catalogue.get(text) if catalogue is not None else None
        if entry is None or not entry.string or entry.fuzzy:
            problems.append(f"{po.name}: untranslated: {text!r} ({where})")
        elif fields(str(entry.string)) != fields(text):
            problems.append(f"{po.name}: other fields than the text: {text!r} ({where})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--fill", metavar="JSON", help='translations to write: '
                        '{"missiva_it.ts": {"Context|source": "testo" or [forms]}, …}')
    args = parser.parse_args(argv)
    problems: list[str] = []
    for name, extra in CATALOGUES.items():
        ts = FOLDER / name
        if args.check:
            problems += [f"{name}: not in the catalogue: {m}" for m in stale(ts, extra)]
        else:
            lupdate(ts, extra)
            if name == "missiva_it.ts":
                absorb(ts, [p for p in FOLDER.glob("missiva_*_it.ts") if p.name not in KEPT])
            if args.fill:
                given = json.loads(Path(args.fill).read_text(encoding="utf-8"))
                fill(ts, given.get(name, {}))
        problems += [f"{name}: untranslated: {m}" for m in unfinished(ts)]
        if not args.check:
            subprocess.run([tool("lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))],
                           check=True, capture_output=True)
    for name in CORE_CATALOGUES:
        po = FOLDER / name
        if not args.check:
            given = json.loads(Path(args.fill).read_text(encoding="utf-8")) if args.fill else {}
            update_core(po, given.get(name, {}))
        problems += core_problems(po)
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
