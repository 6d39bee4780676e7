<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="it_IT">
<context>
    <name>ChangesPanel</name>
    <message>
        <location filename="../../studio/gui/changes_view.py" line="38" />
        <source>What changed, and why</source>
        <translation>Che cosa è cambiato, e perché</translation>
    </message>
    <message>
        <location filename="../../studio/gui/changes_view.py" line="39" />
        <source>Commit</source>
        <translation>Registra</translation>
    </message>
    <message>
        <location filename="../../studio/gui/changes_view.py" line="42" />
        <source>Refresh</source>
        <translation>Aggiorna</translation>
    </message>
    <message>
        <location filename="../../studio/gui/changes_view.py" line="68" />
        <source>No version control here: %s</source>
        <translation>Nessun controllo di versione qui: %s</translation>
    </message>
    <message>
        <location filename="../../studio/gui/changes_view.py" line="75" />
        <source>%d change(s) since the last commit</source>
        <translation>%d modifiche dall’ultima registrazione</translation>
    </message>
    <message>
        <location filename="../../studio/gui/changes_view.py" line="76" />
        <source>No changes since the last commit</source>
        <translation>Nessuna modifica dall’ultima registrazione</translation>
    </message>
    <message>
        <location filename="../../studio/gui/changes_view.py" line="82" />
        <source>Write a commit message first.</source>
        <translation>Scrivi prima un messaggio per la registrazione.</translation>
    </message>
</context>
<context>
    <name>EmailPreview</name>
    <message>
        <location filename="../../studio/gui/previews/web.py" line="257" />
        <source>Text</source>
        <translation>Testo</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/web.py" line="257" />
        <source>Show the plain-text part</source>
        <translation>Mostra la parte in solo testo</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/web.py" line="278" />
        <source>From</source>
        <translation>Da</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/web.py" line="278" />
        <source>To</source>
        <translation>A</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/web.py" line="278" />
        <source>Date</source>
        <translation>Data</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../studio/gui/main_window.py" line="182" />
        <source>Preview</source>
        <translation>Anteprima</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="189" />
        <source>Template</source>
        <translation>Modello</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="190" />
        <source>Sample</source>
        <translation>Esempio</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="191" />
        <source>Locale</source>
        <translation>Lingua</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="209" />
        <source>&lt;h3&gt;Nothing open yet&lt;/h3&gt;&lt;p&gt;Open a block, a template or a sample from the &lt;b&gt;Project&lt;/b&gt; panel: the previews follow what you type.&lt;/p&gt;&lt;p&gt;Choose the template, the sample customer and the language in the toolbar.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Nessun file aperto&lt;/h3&gt;&lt;p&gt;Apri un blocco, un modello o un esempio dal pannello &lt;b&gt;Progetto&lt;/b&gt;: le anteprime seguono ciò che scrivi.&lt;/p&gt;&lt;p&gt;Scegli il modello, il cliente di esempio e la lingua nella barra degli strumenti.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="250" />
        <location filename="../../studio/gui/main_window.py" line="827" />
        <source>Where used</source>
        <translation>Dove è usato</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="253" />
        <source>Project</source>
        <translation>Progetto</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="272" />
        <source>Problems</source>
        <translation>Problemi</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="282" />
        <source>History</source>
        <translation>Cronologia</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="293" />
        <source>Changes</source>
        <translation>Modifiche</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="331" />
        <source>Review (%d)</source>
        <translation>Revisione (%d)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="332" />
        <location filename="../../studio/gui/main_window.py" line="399" />
        <source>Review</source>
        <translation>Revisione</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="334" />
        <source>%d regulatory block(s) await a decision</source>
        <translation>%d blocchi regolamentati attendono una decisione</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="355" />
        <source>No history: %s</source>
        <translation>Nessuna cronologia: %s</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="373" />
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="374" />
        <source>&amp;Open Project…</source>
        <translation>&amp;Apri progetto…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="375" />
        <source>Open &amp;Recent</source>
        <translation>Apri &amp;recenti</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="377" />
        <source>&amp;New Project…</source>
        <translation>&amp;Nuovo progetto…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="379" />
        <source>&amp;Save</source>
        <translation>&amp;Salva</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="380" />
        <source>Save &amp;All</source>
        <translation>Salva &amp;tutto</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="381" />
        <source>&amp;Revert</source>
        <translation>&amp;Ripristina</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="382" />
        <source>&amp;Close Tab</source>
        <translation>&amp;Chiudi scheda</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="385" />
        <source>&amp;Settings…</source>
        <translation>&amp;Impostazioni…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="386" />
        <source>&amp;Quit</source>
        <translation>&amp;Esci</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="387" />
        <source>&amp;View</source>
        <translation>&amp;Visualizza</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="394" />
        <source>Maximise %s</source>
        <translation>Ingrandisci %s</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="396" />
        <source>Show all channels</source>
        <translation>Mostra tutti i canali</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="397" />
        <source>&amp;Tools</source>
        <translation>S&amp;trumenti</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="398" />
        <source>&amp;Render all</source>
        <translation>&amp;Aggiorna tutte le anteprime</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="403" />
        <source>Review regulatory blocks and sign them off</source>
        <translation>Rivedi e approva i blocchi regolamentati</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="407" />
        <source>&amp;Help</source>
        <translation>&amp;Aiuto</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="408" />
        <source>&amp;About Missiva Studio</source>
        <translation>&amp;Informazioni su Missiva Studio</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="451" />
        <source>Open a Missiva project</source>
        <translation>Apri un progetto Missiva</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="456" />
        <source>Folder for the new project</source>
        <translation>Cartella del nuovo progetto</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="464" />
        <source>New project</source>
        <translation>Nuovo progetto</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="465" />
        <source>The folder must be empty.</source>
        <translation>La cartella deve essere vuota.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="552" />
        <source>The template has no %s channel</source>
        <translation>Il modello non ha il canale %s</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="595" />
        <source>Open</source>
        <translation>Apri</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="631" />
        <source>Regulatory block owned by %s: you are an owner; changes need sign-off.</source>
        <translation>Blocco regolamentato di proprietà di %s: ne sei proprietario; le modifiche richiedono approvazione.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="635" />
        <source>Regulatory block owned by %s: locked. Only its owners may change it.</source>
        <translation>Blocco regolamentato di proprietà di %s: bloccato. Solo i proprietari possono modificarlo.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="727" />
        <source>%s changed on disk. Your unsaved edits are kept; saving will ask before replacing the other version.</source>
        <translation>%s è cambiato sul disco. Le tue modifiche non salvate sono conservate; al salvataggio ti verrà chiesto prima di sostituire l'altra versione.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="733" />
        <source>File changed on disk</source>
        <translation>File cambiato sul disco</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="734" />
        <source>%s was changed outside the studio while you have unsaved edits.

Load the version on disk (your edits are discarded), or keep your edits?</source>
        <translation>%s è stato modificato fuori dallo studio mentre hai modifiche non salvate.

Caricare la versione sul disco (le tue modifiche vanno perse) o mantenere le tue modifiche?</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="743" />
        <source>Overwrite?</source>
        <translation>Sovrascrivere?</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="744" />
        <source>%s changed on disk since you opened it. Replace it with your version?</source>
        <translation>%s è cambiato sul disco da quando l'hai aperto. Sostituirlo con la tua versione?</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="751" />
        <source>Unsaved changes</source>
        <translation>Modifiche non salvate</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="752" />
        <source>Save changes to %s?</source>
        <translation>Salvare le modifiche a %s?</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="758" />
        <source>Recover unsaved edits</source>
        <translation>Recupera le modifiche non salvate</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="759" />
        <source>Missiva Studio closed with unsaved edits in:
%s

Recover them?</source>
        <translation>Missiva Studio si è chiuso con modifiche non salvate in:
%s

Recuperarle?</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="828" />
        <source>Block %s is used by: %s</source>
        <translation>Il blocco %s è usato da: %s</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="828" />
        <source>none</source>
        <translation>nessuno</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="834" />
        <source>Problems (%d errors, %d warnings)</source>
        <translation>Problemi (%d errori, %d avvisi)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="851" />
        <source>About Missiva Studio</source>
        <translation>Informazioni su Missiva Studio</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="852" />
        <source>Missiva Studio %s — design customer communications once; preview print, email, mobile and SMS.</source>
        <translation>Missiva Studio %s — progetta una volta le comunicazioni ai clienti; anteprima di stampa, email, mobile e SMS.</translation>
    </message>
</context>
<context>
    <name>MobilePreview</name>
    <message>
        <location filename="../../studio/gui/previews/web.py" line="474" />
        <source>Viewport</source>
        <translation>Schermo</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="98" />
        <source>stale</source>
        <extracomment>The channel name a subclass shows; `show_rendition` refuses renditions of another one. The human name in the header.</extracomment>
        <translation>non aggiornata</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="118" />
        <source>Render time</source>
        <translation>Tempo di generazione</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="221" />
        <source>sent</source>
        <translation>inviata</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="221" />
        <source>not sent</source>
        <translation>non inviata</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="153" />
        <source>No preview yet</source>
        <translation>Nessuna anteprima</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="194" />
        <source>The preview no longer matches the editor</source>
        <translation>L'anteprima non corrisponde più all'editor</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="278" />
        <source>Restore the other previews</source>
        <translation>Ripristina le altre anteprime</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="278" />
        <source>Maximise this preview</source>
        <translation>Ingrandisci questa anteprima</translation>
    </message>
</context>
<context>
    <name>PrintPreview</name>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="44" />
        <source>Zoom out</source>
        <translation>Riduci</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="45" />
        <source>Zoom in</source>
        <translation>Ingrandisci</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="46" />
        <source>Fit</source>
        <translation>Adatta</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="46" />
        <source>Fit width</source>
        <translation>Adatta alla larghezza</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="49" />
        <source>Previous page</source>
        <translation>Pagina precedente</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="53" />
        <source>Next page</source>
        <translation>Pagina successiva</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="187" />
        <source>Page {0} of {1}</source>
        <translation>Pagina {0} di {1}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="187" />
        <source>No pages</source>
        <translation>Nessuna pagina</translation>
    </message>
</context>
<context>
    <name>ReviewPanel</name>
    <message>
        <location filename="../../studio/gui/review_view.py" line="102" />
        <source>Only blocks awaiting a decision</source>
        <extracomment>Badge colours (background, text) of each state: the same in the explorer and the queue. The queue's order: what waits for a reviewer first.</extracomment>
        <translation>Solo i blocchi in attesa di decisione</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="105" />
        <source>Block</source>
        <translation>Blocco</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="105" />
        <source>State</source>
        <translation>Stato</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="105" />
        <source>Owner</source>
        <translation>Responsabile</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="119" />
        <location filename="../../studio/gui/review_view.py" line="369" />
        <source>Choose a regulatory block to review.</source>
        <translation>Scegli un blocco regolamentato da rivedere.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="127" />
        <source>Open block</source>
        <translation>Apri il blocco</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="131" />
        <source>Sample</source>
        <translation type="unfinished">Esempio</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="133" />
        <source>Locale</source>
        <translation type="unfinished">Lingua</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="148" />
        <source>When</source>
        <translation>Quando</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="148" />
        <source>Decision</source>
        <translation>Decisione</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="148" />
        <source>Reviewer</source>
        <translation>Revisore</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="148" />
        <source>Version</source>
        <translation>Versione</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="149" />
        <source>Comment</source>
        <translation>Commento</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="154" />
        <source>Where it appears</source>
        <translation>Dove compare</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="155" />
        <source>Changes since approval</source>
        <translation>Modifiche dall’approvazione</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="156" />
        <source>Decisions</source>
        <translation>Decisioni</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="159" />
        <source>Comment for the record (required)</source>
        <translation>Commento per il registro (obbligatorio)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="161" />
        <source>Approve</source>
        <translation>Approva</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="164" />
        <source>Reject</source>
        <translation>Respingi</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="275" />
        <source>No version control here: %s</source>
        <translation>Nessun controllo di versione qui: %s</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="281" />
        <source>Reviewing as %s &lt;%s&gt;, approver (%s).</source>
        <translation>Revisione come %s &lt;%s&gt;, approvatore (%s).</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="284" />
        <source>You (%s) are not an approver: you can read, not decide.</source>
        <translation>Tu (%s) non sei un approvatore: puoi leggere, non decidere.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="313" />
        <source>used by no template</source>
        <translation>non usato da alcun modello</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="347" />
        <location filename="../../studio/gui/review_view.py" line="473" />
        <source>Rendering…</source>
        <translation>Composizione in corso…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="378" />
        <source> — last %s by %s, %s</source>
        <translation> — ultima decisione (%s) di %s, %s</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="380" />
        <source>no template</source>
        <translation>nessun modello</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="406" />
        <source>Never approved: the whole text is new.</source>
        <translation>Mai approvato: tutto il testo è nuovo.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="412" />
        <source>Approved by %s, %s → the committed version now</source>
        <translation>Approvato da %s, %s → la versione registrata ora</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="416" />
        <source>No change since that approval.</source>
        <translation>Nessuna modifica da quell’approvazione.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="420" />
        <source>What customers see:</source>
        <translation>Ciò che vedono i clienti:</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="422" />
        <source>Compare %s</source>
        <translation>Confronta %s</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="451" />
        <source> (current)</source>
        <translation> (attuale)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="489" />
        <source>Used by no template.</source>
        <translation>Non usato da alcun modello.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="508" />
        <source>No rendition</source>
        <translation>Nessuna resa</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="512" />
        <source>changed since approval</source>
        <translation>cambiato dall’approvazione</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="513" />
        <source>This rendition is not the one the last approval saw: the block or what surrounds it in the template changed</source>
        <translation>Questa resa non è quella vista dall’ultima approvazione: è cambiato il blocco o ciò che lo circonda nel modello</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="516" />
        <source>as approved</source>
        <translation>come approvato</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="517" />
        <source>Byte for byte what the last approval saw</source>
        <translation>Byte per byte ciò che ha visto l’ultima approvazione</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="522" />
        <source>%d channel(s) changed since approval</source>
        <translation>%d canali cambiati dall’approvazione</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="544" />
        <source>Choose a block.</source>
        <translation>Scegli un blocco.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="546" />
        <source>Only approvers decide.</source>
        <translation>Decidono solo gli approvatori.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="548" />
        <location filename="../../studio/gui/review_view.py" line="561" />
        <source>Write a comment for the record.</source>
        <translation>Scrivi un commento per il registro.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="550" />
        <source>Recording…</source>
        <translation>Registrazione…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="563" />
        <source>Recording the %s of %s…</source>
        <translation>Registrazione della decisione (%s) su %s…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="570" />
        <source>Not recorded: %s</source>
        <translation>Non registrato: %s</translation>
    </message>
    <message>
        <location filename="../../studio/gui/review_view.py" line="575" />
        <source>%s: %s recorded in commit %s.</source>
        <translation>%s: %s, registrato nel commit %s.</translation>
    </message>
<message><source>approved</source><translation>approvato</translation></message><message><source>stale</source><translation>da riapprovare</translation></message><message><source>pending</source><translation>in attesa</translation></message><message><source>rejected</source><translation>respinto</translation></message><message><source>owner</source><translation>responsabile</translation></message><message><source>Used by</source><translation>Usato da</translation></message></context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../studio/gui/main_window.py" line="130" />
        <source>Settings</source>
        <translation>Impostazioni</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="135" />
        <source>Author name</source>
        <translation>Nome dell'autore</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="136" />
        <source>Author email</source>
        <translation>Email dell'autore</translation>
    </message>
</context>
<context>
    <name>_WebPreview</name>
    <message>
        <location filename="../../studio/gui/previews/web.py" line="202" />
        <source>Dark</source>
        <extracomment>Emitted when the view has finished loading the HTML last given to it.</extracomment>
        <translation>Scuro</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/web.py" line="202" />
        <source>Preview as a reader in dark mode sees it</source>
        <translation>Anteprima come la vede chi usa la modalità scura</translation>
    </message>
</context>
<context>
    <name>ReviewPanel</name>
    <message>
        <source>Finish interrupted sign-off</source>
        <translation>Completa la firma interrotta</translation>
    </message>
    <message>
        <source>from the studio's settings</source>
        <translation>dalle impostazioni dello studio</translation>
    </message>
    <message>
        <source>from git's user.email</source>
        <translation>dallo user.email di git</translation>
    </message>
    <message>
        <source>from MISSIVA_AUTHOR_EMAIL</source>
        <translation>da MISSIVA_AUTHOR_EMAIL</translation>
    </message>
    <message>
        <source>Decisions are committed under this identity (%s): the commit's author is the reviewer on record.</source>
        <translation>Le decisioni sono registrate nel commit con questa identità (%s): l’autore del commit è il revisore agli atti.</translation>
    </message>
    <message>
        <source>renamed</source>
        <translation>rinominato</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>interrotta</translation>
    </message>
    <message>
        <source>un-flagged</source>
        <translation>non più regolamentato</translation>
    </message>
    <message>
        <source>Renamed from %s: it replaces the wording decided on under that name.</source>
        <translation>Rinominato da %s: sostituisce il testo su cui si è deciso con quel nome.</translation>
    </message>
    <message>
        <source>Interrupted sign-off: the %s by %s was written but not committed, so it does not count until they finish it.</source>
        <translation>Firma interrotta: la decisione (%s) di %s è stata scritta ma non registrata in un commit, quindi non conta finché non la completa.</translation>
    </message>
    <message>
        <source>No longer flagged regulatory, but not by its owners: %s</source>
        <translation>Non più contrassegnato come regolamentato, ma non dai suoi responsabili: %s</translation>
    </message>
    <message>
        <source>Commit the sign-off you started, as it was written</source>
        <translation>Registra la firma che hai iniziato, così com’è stata scritta</translation>
    </message>
    <message>
        <source>Only the reviewer who made it can finish it</source>
        <translation>Solo il revisore che l’ha iniziata può completarla</translation>
    </message>
    <message>
        <source>Finishing the interrupted sign-off of %s…</source>
        <translation>Completamento della firma interrotta di %s…</translation>
    </message>
</context>
<context><name>StateBadgeDelegate</name><message><source>approved</source><translation>approvato</translation></message><message><source>stale</source><translation>da riapprovare</translation></message><message><source>pending</source><translation>in attesa</translation></message><message><source>rejected</source><translation>respinto</translation></message></context></TS>