<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="it_IT">
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
        <location filename="../../studio/gui/main_window.py" line="175" />
        <source>Preview</source>
        <translation>Anteprima</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="181" />
        <source>Template</source>
        <translation>Modello</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="182" />
        <source>Sample</source>
        <translation>Esempio</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="183" />
        <source>Locale</source>
        <translation>Lingua</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="201" />
        <source>&lt;h3&gt;Nothing open yet&lt;/h3&gt;&lt;p&gt;Open a block, a template or a sample from the &lt;b&gt;Project&lt;/b&gt; panel: the previews follow what you type.&lt;/p&gt;&lt;p&gt;Choose the template, the sample customer and the language in the toolbar.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Nessun file aperto&lt;/h3&gt;&lt;p&gt;Apri un blocco, un modello o un esempio dal pannello &lt;b&gt;Progetto&lt;/b&gt;: le anteprime seguono ciò che scrivi.&lt;/p&gt;&lt;p&gt;Scegli il modello, il cliente di esempio e la lingua nella barra degli strumenti.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="239" />
        <location filename="../../studio/gui/main_window.py" line="706" />
        <source>Where used</source>
        <translation>Dove è usato</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="242" />
        <source>Project</source>
        <translation>Progetto</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="261" />
        <source>Problems</source>
        <translation>Problemi</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="277" />
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="278" />
        <source>&amp;Open Project…</source>
        <translation>&amp;Apri progetto…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="279" />
        <source>Open &amp;Recent</source>
        <translation>Apri &amp;recenti</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="281" />
        <source>&amp;New Project…</source>
        <translation>&amp;Nuovo progetto…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="283" />
        <source>&amp;Save</source>
        <translation>&amp;Salva</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="284" />
        <source>Save &amp;All</source>
        <translation>Salva &amp;tutto</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="285" />
        <source>&amp;Revert</source>
        <translation>&amp;Ripristina</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="286" />
        <source>&amp;Close Tab</source>
        <translation>&amp;Chiudi scheda</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="289" />
        <source>&amp;Settings…</source>
        <translation>&amp;Impostazioni…</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="290" />
        <source>&amp;Quit</source>
        <translation>&amp;Esci</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="291" />
        <source>&amp;View</source>
        <translation>&amp;Visualizza</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="296" />
        <source>Maximise %s</source>
        <translation>Ingrandisci %s</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="298" />
        <source>Show all channels</source>
        <translation>Mostra tutti i canali</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="299" />
        <source>&amp;Tools</source>
        <translation>S&amp;trumenti</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="300" />
        <source>&amp;Render all</source>
        <translation>&amp;Aggiorna tutte le anteprime</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="301" />
        <source>&amp;Help</source>
        <translation>&amp;Aiuto</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="302" />
        <source>&amp;About Missiva Studio</source>
        <translation>&amp;Informazioni su Missiva Studio</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="341" />
        <source>Open a Missiva project</source>
        <translation>Apri un progetto Missiva</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="346" />
        <source>Folder for the new project</source>
        <translation>Cartella del nuovo progetto</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="354" />
        <source>New project</source>
        <translation>Nuovo progetto</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="355" />
        <source>The folder must be empty.</source>
        <translation>La cartella deve essere vuota.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="443" />
        <source>The template has no %s channel</source>
        <translation>Il modello non ha il canale %s</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="482" />
        <source>Open</source>
        <translation>Apri</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="518" />
        <source>Regulatory block owned by %s: you are an owner; changes need sign-off.</source>
        <translation>Blocco regolamentato di proprietà di %s: ne sei proprietario; le modifiche richiedono approvazione.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="522" />
        <source>Regulatory block owned by %s: locked. Only its owners may change it.</source>
        <translation>Blocco regolamentato di proprietà di %s: bloccato. Solo i proprietari possono modificarlo.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="609" />
        <source>%s changed on disk. Your unsaved edits are kept; saving will ask before replacing the other version.</source>
        <translation>%s è cambiato sul disco. Le tue modifiche non salvate sono conservate; al salvataggio ti verrà chiesto prima di sostituire l'altra versione.</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="615" />
        <source>File changed on disk</source>
        <translation>File cambiato sul disco</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="616" />
        <source>%s was changed outside the studio while you have unsaved edits.

Load the version on disk (your edits are discarded), or keep your edits?</source>
        <translation>%s è stato modificato fuori dallo studio mentre hai modifiche non salvate.

Caricare la versione sul disco (le tue modifiche vanno perse) o mantenere le tue modifiche?</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="625" />
        <source>Overwrite?</source>
        <translation>Sovrascrivere?</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="626" />
        <source>%s changed on disk since you opened it. Replace it with your version?</source>
        <translation>%s è cambiato sul disco da quando l'hai aperto. Sostituirlo con la tua versione?</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="633" />
        <source>Unsaved changes</source>
        <translation>Modifiche non salvate</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="634" />
        <source>Save changes to %s?</source>
        <translation>Salvare le modifiche a %s?</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="640" />
        <source>Recover unsaved edits</source>
        <translation>Recupera le modifiche non salvate</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="641" />
        <source>Missiva Studio closed with unsaved edits in:
%s

Recover them?</source>
        <translation>Missiva Studio si è chiuso con modifiche non salvate in:
%s

Recuperarle?</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="707" />
        <source>Block %s is used by: %s</source>
        <translation>Il blocco %s è usato da: %s</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="707" />
        <source>none</source>
        <translation>nessuno</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="713" />
        <source>Problems (%d errors, %d warnings)</source>
        <translation>Problemi (%d errori, %d avvisi)</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="730" />
        <source>About Missiva Studio</source>
        <translation>Informazioni su Missiva Studio</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="731" />
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
        <location filename="../../studio/gui/previews/base.py" line="94" />
        <source>stale</source>
        <extracomment>The channel name a subclass shows; `show_rendition` refuses renditions of another one. The human name in the header.</extracomment>
        <translation>non aggiornata</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="110" />
        <source>Render time</source>
        <translation>Tempo di generazione</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="213" />
        <source>sent</source>
        <translation>inviata</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="213" />
        <source>not sent</source>
        <translation>non inviata</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="145" />
        <source>No preview yet</source>
        <translation>Nessuna anteprima</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="186" />
        <source>The preview no longer matches the editor</source>
        <translation>L'anteprima non corrisponde più all'editor</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="256" />
        <source>Restore the other previews</source>
        <translation>Ripristina le altre anteprime</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/base.py" line="256" />
        <source>Maximise this preview</source>
        <translation>Ingrandisci questa anteprima</translation>
    </message>
</context>
<context>
    <name>PrintPreview</name>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="43" />
        <source>Zoom out</source>
        <translation>Riduci</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="44" />
        <source>Zoom in</source>
        <translation>Ingrandisci</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="45" />
        <source>Fit</source>
        <translation>Adatta</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="45" />
        <source>Fit width</source>
        <translation>Adatta alla larghezza</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="48" />
        <source>Previous page</source>
        <translation>Pagina precedente</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="52" />
        <source>Next page</source>
        <translation>Pagina successiva</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="162" />
        <source>Page {0} of {1}</source>
        <translation>Pagina {0} di {1}</translation>
    </message>
    <message>
        <location filename="../../studio/gui/previews/print.py" line="162" />
        <source>No pages</source>
        <translation>Nessuna pagina</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../studio/gui/main_window.py" line="125" />
        <source>Settings</source>
        <translation>Impostazioni</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="130" />
        <source>Author name</source>
        <translation>Nome dell'autore</translation>
    </message>
    <message>
        <location filename="../../studio/gui/main_window.py" line="131" />
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
</TS>