"""Write resources/translations/missiva_sync_it.ts from studio/gui/sync_view.py, then .qm.

    python packaging/sync_translations.py

The team's strings (clone, sync, conflicts, change requests) have their own catalogue, so this
work does not touch the studio's main one. Sources are extracted with pyside6-lupdate; a
source without an Italian text below makes the script fail, naming it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ITALIAN = {
    "Change": "Modifica",
    "By": "Di",
    "Blocks": "Blocchi",
    "Regulatory": "Normativi",
    "&Refresh": "&Aggiorna",
    "&Merge into main": "&Unisci in main",
    "Send &back…": "&Rimanda indietro…",
    "Sent back: %1": "Rimandata indietro: %1",
    "%n change(s) waiting for review": ("%n modifica in attesa di revisione",
                                        "%n modifiche in attesa di revisione"),
    "Merging…": "Unione in corso…",
    "Send the change back": "Rimanda indietro la modifica",
    "What should its author change?": "Che cosa deve cambiare l'autore?",
    "Open from server": "Apri dal server",
    "Address:": "Indirizzo:",
    "Choose…": "Scegli…",
    "Into folder:": "Nella cartella:",
    "Your user name and password (or token) come from git's credential helper; Missiva never "
    "stores them.":
    "Nome utente e password (o token) vengono dal gestore delle credenziali di git; Missiva non "
    "li memorizza mai.",
    "Get the project": "Scarica il progetto",
    "Where to put the project": "Dove mettere il progetto",
    "Give the project's address.": "Indica l'indirizzo del progetto.",
    "Getting the project…": "Scaricamento del progetto…",
    "Resolve conflicts": "Risolvi i conflitti",
    "You and a colleague changed the same text. For each file, keep your version, take theirs, "
    "or write the combined text. Nothing is lost until you decide: both versions are kept.":
    "Tu e un collega avete modificato lo stesso testo. Per ogni file tieni la tua versione, "
    "prendi la sua o scrivi il testo combinato. Finché non decidi non si perde nulla: entrambe "
    "le versioni sono conservate.",
    "Common version": "Versione comune",
    "Theirs": "La loro",
    "Mine": "La mia",
    "Combined text (edit, then use it):": "Testo combinato (modificalo, poi usalo):",
    "Keep &mine": "Tieni la &mia",
    "Take &theirs": "Prendi la &loro",
    "Use the &edited text": "Usa il testo &modificato",
    "&Abandon the sync": "&Annulla la sincronizzazione",
    "(not in the common version)": "(assente nella versione comune)",
    "(deleted by them)": "(eliminato da loro)",
    "(deleted by you)": "(eliminato da te)",
    "Keys changed on both sides: %1": "Chiavi modificate da entrambe le parti: %1",
    "Resolving…": "Risoluzione in corso…",
    "Recording the combined work and sending it…": "Registrazione e invio del lavoro combinato…",
    "Going back to before the sync…": "Ritorno a prima della sincronizzazione…",
    "Open from &Server…": "Apri dal &server…",
    "Sync": "Sincronizza",
    "Receive the team's work and send yours": "Ricevi il lavoro del gruppo e invia il tuo",
    "Changes to review": "Modifiche da rivedere",
    "Sync ↑%1 ↓%2": "Sincronizza ↑%1 ↓%2",
    "%1 commit(s) to send, %2 to receive (as of the last sync)":
    "%1 commit da inviare, %2 da ricevere (all'ultima sincronizzazione)",
    "Syncing…": "Sincronizzazione…",
    "Rendering…": "Composizione in corso…",
    "Rendered: %1, %2, default sample": "Anteprima: %1, %2, esempio predefinito",
    "Cancelling…": "Annullamento…",
    "Team": "Gruppo",
    "Who changed what": "Chi ha cambiato cosa",
    "Commit": "Commit",
    "Who": "Chi",
    "What": "Cosa",
    "Not on the server yet": "Non ancora sul server",
    "Arrived with the last sync": "Arrivati con l'ultima sincronizzazione",
    "Rendering the change against main…": "Confronto della modifica con main…",
    "The change does not alter what customers receive on screen channels.":
    "La modifica non cambia ciò che i clienti ricevono sui canali a schermo.",
}


def main() -> int:
    lupdate = shutil.which("pyside6-lupdate") or shutil.which("lupdate")
    lrelease = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    if lupdate is None or lrelease is None:
        print("pyside6-lupdate / pyside6-lrelease not found (pip install PySide6)",
              file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        extracted = Path(folder) / "sync.ts"
        subprocess.run([lupdate, str(ROOT / "studio" / "gui" / "sync_view.py"), "-ts",
                        str(extracted)], check=True, capture_output=True)
        tree = ET.parse(extracted)
    missing = []
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        italian = ITALIAN.get(source)
        if italian is None:
            missing.append(source)
            continue
        translation.attrib.pop("type", None)
        if isinstance(italian, tuple):
            translation.text = None
            for child in list(translation):
                translation.remove(child)
            for form in italian:
                ET.SubElement(translation, "numerusform").text = form
        else:
            translation.text = italian
        for location in message.findall("location"):
            message.remove(location)
    if missing:
        print("untranslated strings:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    tree.getroot().set("language", "it_IT")
    ts = ROOT / "resources" / "translations" / "missiva_sync_it.ts"
    ET.indent(tree)
    ts.write_text("<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE TS>\n"
                  + ET.tostring(tree.getroot(), encoding="unicode") + "\n", encoding="utf-8")
    subprocess.run([lrelease, str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True,
                   capture_output=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
