<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>ChangesPanel</name>
    <message>
        <source>Clear the lock</source>
        <translation>Rimuovi il blocco</translation>
    </message>
    <message>
        <source>The lock is cleared: commit again.</source>
        <translation>Il blocco è stato rimosso: registra di nuovo.</translation>
    </message>
    <message>
        <source>git's index is locked (%s) by a git program that seems to have stopped: commits will fail until the lock is cleared.</source>
        <translation>l’indice di git è bloccato (%s) da un programma git che sembra essersi fermato: le registrazioni non riusciranno finché il blocco non sarà rimosso.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>This project is also open in another Missiva window (%s). Each window keeps its own unsaved edits; a file saved there shows here as changed on disk.</source>
        <translation>Questo progetto è aperto anche in un’altra finestra di Missiva (%s). Ogni finestra tiene le proprie modifiche non salvate; un file salvato là appare qui come cambiato sul disco.</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Saved %s</source>
        <translation>Salvato %s</translation>
    </message>
    <message>
        <source>the file is read-only. Make it writable (or ask its owner), then save again.</source>
        <translation>il file è di sola lettura. Rendilo scrivibile (o chiedi a chi lo possiede), poi salva di nuovo.</translation>
    </message>
    <message>
        <source>permission denied. Check that you may write to its folder, then save again.</source>
        <translation>permesso negato. Verifica di poter scrivere nella sua cartella, poi salva di nuovo.</translation>
    </message>
    <message>
        <source>the disk is full. Free some space, then save again.</source>
        <translation>il disco è pieno. Libera dello spazio, poi salva di nuovo.</translation>
    </message>
    <message>
        <source>Fix it, then save again.</source>
        <translation>Correggi il problema, poi salva di nuovo.</translation>
    </message>
    <message>
        <source>Could not save %s: %s Your text is kept here and autosaved.</source>
        <translation>Impossibile salvare %s: %s Il tuo testo resta qui ed è salvato automaticamente.</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Riprova</translation>
    </message>
    <message>
        <source>%s was deleted on disk. Its text is still here: keep it to save it again, or close it.</source>
        <translation>%s è stato eliminato dal disco. Il suo testo è ancora qui: tienilo per salvarlo di nuovo, oppure chiudilo.</translation>
    </message>
    <message>
        <source>Keep mine</source>
        <translation>Tieni la mia</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Chiudi</translation>
    </message>
    <message>
        <source>%s was deleted on disk while you have unsaved edits. Keep yours (saving writes the file again), or let it go (your text is kept in recovery).</source>
        <translation>%s è stato eliminato dal disco mentre hai modifiche non salvate. Tieni le tue (salvando il file viene riscritto) o lasciale andare (il tuo testo resta nel recupero).</translation>
    </message>
    <message>
        <source>%s changed on disk (another editor, git or another window) while you have unsaved edits.</source>
        <translation>%s è cambiato sul disco (un altro editor, git o un’altra finestra) mentre hai modifiche non salvate.</translation>
    </message>
    <message>
        <source>Show both</source>
        <translation>Mostra entrambe</translation>
    </message>
    <message>
        <source>Take theirs</source>
        <translation>Prendi quella sul disco</translation>
    </message>
    <message>
        <source>Your unsaved edits are kept. Saving will ask before replacing the version on disk.</source>
        <translation>Le tue modifiche non salvate restano. Al salvataggio ti sarà chiesto prima di sostituire la versione sul disco.</translation>
    </message>
    <message>
        <source>The version on disk is loaded. Yours is kept in recovery.</source>
        <translation>È caricata la versione sul disco. La tua resta nel recupero.</translation>
    </message>
    <message>
        <source>Bring mine back</source>
        <translation>Riprendi la mia</translation>
    </message>
    <message>
        <source>Autosave failed: %s</source>
        <translation>Salvataggio automatico non riuscito: %s</translation>
    </message>
</context>
<context>
    <name>BothVersionsDialog</name>
    <message>
        <source>%s: on disk and yours</source>
        <translation>%s: sul disco e la tua</translation>
    </message>
    <message>
        <source>&lt;b&gt;−&lt;/b&gt; only on disk &amp;nbsp; &lt;b&gt;+&lt;/b&gt; only in your unsaved version</source>
        <translation>&lt;b&gt;−&lt;/b&gt; solo sul disco &amp;nbsp; &lt;b&gt;+&lt;/b&gt; solo nella tua versione non salvata</translation>
    </message>
    <message>
        <source>The file was deleted on disk.</source>
        <translation>Il file è stato eliminato dal disco.</translation>
    </message>
    <message>
        <source>The two versions are the same.</source>
        <translation>Le due versioni sono uguali.</translation>
    </message>
</context>
</TS>
