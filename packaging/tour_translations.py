"""Write resources/translations/missiva_tour_it.ts from the tour's own strings, then .qm.

    python packaging/tour_translations.py

The tour's strings (context "Tour") live in their own catalogue so the first run speaks the
system's language without touching the studio's main catalogue. Sources come from
studio.gui.tour itself, so a changed English text shows up here as an untranslated message
(the script fails, naming it) instead of silently falling back to English.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ITALIAN = {
    "Print": "Stampa",
    "Email": "Email",
    "Mobile": "Mobile",
    "SMS": "SMS",
    "History": "Cronologia",
    "Review": "Revisione",
    "Back": "Indietro",
    "Next": "Avanti",
    "Done": "Fine",
    "Skip tour": "Salta la guida",
    "Step %1 of %2": "Passo %1 di %2",
    "Take the &Tour": "&Guida introduttiva",
    "The letter as the customer receives it on paper: real PDF pages, laid out for a window "
    "envelope. It follows what you type, for the sample customer and language chosen in the "
    "toolbar.":
    "La lettera come il cliente la riceve su carta: pagine PDF vere, impaginate per la busta a "
    "finestra. Segue ciò che scrivi, per il cliente di esempio e la lingua scelti nella barra "
    "degli strumenti.",
    "The same content as an email, as a mail client shows it. <i>Text</i> shows the plain-text "
    "part, <i>Dark</i> the dark-mode rules.":
    "Lo stesso contenuto come email, come la mostra un programma di posta. <i>Testo</i> mostra "
    "la parte in solo testo, <i>Scuro</i> le regole per la modalità scura.",
    "A page for a phone screen: pick a viewport, light or dark.":
    "Una pagina per lo schermo di un telefono: scegli il formato, chiaro o scuro.",
    "The text message: characters, segments and the encoding, with the characters that force "
    "UCS-2 highlighted.":
    "Il messaggio di testo: caratteri, segmenti e codifica, con evidenziati i caratteri che "
    "impongono UCS-2.",
    "Every block and template is versioned in git. Compare two versions, as source and as "
    "rendered output per channel, or restore one as a new commit.":
    "Ogni blocco e modello è versionato in git. Confronta due versioni, come sorgente e come "
    "risultato per canale, o ripristinane una come nuovo commit.",
    "Compliance reviewers open the review here: which regulatory blocks changed since their "
    "approval, everywhere they appear, and approve or reject them.":
    "Da qui i revisori della conformità aprono la revisione: quali blocchi regolamentati sono "
    "cambiati dalla loro approvazione, ovunque compaiano, e li approvano o li respingono.",
}


def tour_sources() -> list[str]:
    from studio.gui import tour

    sources: list[str] = []
    for step in tour.tour_steps():
        sources += [step.title, step.text]
    return [*sources, *tour.FIXED_STRINGS]


def main() -> int:
    sources = tour_sources()
    missing = [s for s in sources if s not in ITALIAN]
    if missing:
        print("untranslated tour strings:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    messages = "".join(
        f"    <message>\n        <source>{escape(s)}</source>\n"
        f"        <translation>{escape(ITALIAN[s])}</translation>\n    </message>\n"
        for s in dict.fromkeys(sources))
    folder = ROOT / "resources" / "translations"
    ts = folder / "missiva_tour_it.ts"
    ts.write_text("<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE TS>\n"
                  '<TS version="2.1" language="it_IT">\n<context>\n    <name>Tour</name>\n'
                  f"{messages}</context>\n</TS>\n", encoding="utf-8")
    lrelease = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    if lrelease is None:
        print("pyside6-lrelease not found (pip install PySide6)", file=sys.stderr)
        return 1
    subprocess.run([lrelease, str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
