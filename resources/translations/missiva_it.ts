<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>ActivityPanel</name>
    <message>
        <source>Commit</source>
        <translation>Commit</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Chi</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Cosa</translation>
    </message>
    <message>
        <source>Not on the server yet</source>
        <translation>Non ancora sul server</translation>
    </message>
    <message>
        <source>Arrived with the last sync</source>
        <translation>Arrivati con l&apos;ultima sincronizzazione</translation>
    </message>
</context>
<context>
    <name>BlockViews</name>
    <message>
        <source>Visual</source>
        <translation>Visuale</translation>
    </message>
    <message>
        <source>Edit the block as formatted text</source>
        <translation>Modifica il blocco come testo formattato</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Sorgente</translation>
    </message>
    <message>
        <source>Edit the block&apos;s Markdown and Jinja source</source>
        <translation>Modifica il sorgente Markdown e Jinja del blocco</translation>
    </message>
    <message>
        <source>Paragraph</source>
        <translation>Paragrafo</translation>
    </message>
    <message>
        <source>Heading %d</source>
        <translation>Titolo %d</translation>
    </message>
    <message>
        <source>Paragraph style</source>
        <translation>Stile del paragrafo</translation>
    </message>
    <message>
        <source>B</source>
        <translation>G</translation>
    </message>
    <message>
        <source>Bold (Ctrl+B)</source>
        <translation>Grassetto (Ctrl+B)</translation>
    </message>
    <message>
        <source>I</source>
        <translation>C</translation>
    </message>
    <message>
        <source>Italic (Ctrl+I)</source>
        <translation>Corsivo (Ctrl+I)</translation>
    </message>
    <message>
        <source>• List</source>
        <translation>• Elenco</translation>
    </message>
    <message>
        <source>Bulleted list</source>
        <translation>Elenco puntato</translation>
    </message>
    <message>
        <source>1. List</source>
        <translation>1. Elenco</translation>
    </message>
    <message>
        <source>Numbered list</source>
        <translation>Elenco numerato</translation>
    </message>
    <message>
        <source>Link…</source>
        <translation>Collegamento…</translation>
    </message>
    <message>
        <source>Link the selected words to an address</source>
        <translation>Collega le parole selezionate a un indirizzo</translation>
    </message>
    <message>
        <source>Style: %s</source>
        <translation>Stile: %s</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Collegamento</translation>
    </message>
    <message>
        <source>Address (https://, mailto: or tel:)</source>
        <translation>Indirizzo (https://, mailto: o tel:)</translation>
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
<context>
    <name>ChangeRequestsPanel</name>
    <message>
        <source>Change</source>
        <translation>Modifica</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Di</translation>
    </message>
    <message>
        <source>Blocks</source>
        <translation>Blocchi</translation>
    </message>
    <message>
        <source>Regulatory</source>
        <translation>Normativi</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aggiorna</translation>
    </message>
    <message>
        <source>&amp;Merge into main</source>
        <translation>&amp;Unisci in main</translation>
    </message>
    <message>
        <source>Send &amp;back…</source>
        <translation>&amp;Rimanda indietro…</translation>
    </message>
    <message>
        <source>Sent back: %1</source>
        <translation>Rimandata indietro: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) waiting for review</source>
        <translation>
            <numerusform>%n modifica in attesa di revisione</numerusform>
            <numerusform>%n modifiche in attesa di revisione</numerusform>
        </translation>
    </message>
    <message>
        <source>Rendering the change against main…</source>
        <translation>Confronto della modifica con main…</translation>
    </message>
    <message>
        <source>The change does not alter what customers receive on screen channels.</source>
        <translation>La modifica non cambia ciò che i clienti ricevono sui canali a schermo.</translation>
    </message>
    <message>
        <source>Merging…</source>
        <translation>Unione in corso…</translation>
    </message>
    <message>
        <source>Send the change back</source>
        <translation>Rimanda indietro la modifica</translation>
    </message>
    <message>
        <source>What should its author change?</source>
        <translation>Che cosa deve cambiare l&apos;autore?</translation>
    </message>
</context>
<context>
    <name>ChangesPanel</name>
    <message>
        <source>Clear the lock</source>
        <translation>Rimuovi il blocco</translation>
    </message>
    <message>
        <source>What changed, and why</source>
        <translation>Che cosa è cambiato, e perché</translation>
    </message>
    <message>
        <source>Commit</source>
        <translation>Registra</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aggiorna</translation>
    </message>
    <message>
        <source>The lock is cleared: commit again.</source>
        <translation>Il blocco è stato rimosso: registra di nuovo.</translation>
    </message>
    <message>
        <source>No version control here: %s</source>
        <translation>Nessun controllo di versione qui: %s</translation>
    </message>
    <message>
        <source>%d change(s) since the last commit</source>
        <translation>%d modifiche dall’ultima registrazione</translation>
    </message>
    <message>
        <source>No changes since the last commit</source>
        <translation>Nessuna modifica dall’ultima registrazione</translation>
    </message>
    <message>
        <source>git&apos;s index is locked (%s) by a git program that seems to have stopped: commits will fail until the lock is cleared.</source>
        <translation>l’indice di git è bloccato (%s) da un programma git che sembra essersi fermato: le registrazioni non riusciranno finché il blocco non sarà rimosso.</translation>
    </message>
    <message>
        <source>modified</source>
        <translation>modificato</translation>
    </message>
    <message>
        <source>added</source>
        <translation>aggiunto</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>eliminato</translation>
    </message>
    <message>
        <source>renamed</source>
        <translation>rinominato</translation>
    </message>
    <message>
        <source>new</source>
        <translation>nuovo</translation>
    </message>
    <message>
        <source>in conflict</source>
        <translation>in conflitto</translation>
    </message>
    <message>
        <source>Write a commit message first.</source>
        <translation>Scrivi prima un messaggio per la registrazione.</translation>
    </message>
    <message>
        <source>Not committed: a version needs its author&apos;s name and email.</source>
        <translation>Nessun commit: una versione ha bisogno del nome e dell’email di chi la fa.</translation>
    </message>
</context>
<context>
    <name>CloneDialog</name>
    <message>
        <source>Open from server</source>
        <translation>Apri dal server</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>Indirizzo:</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Scegli…</translation>
    </message>
    <message>
        <source>Into folder:</source>
        <translation>Nella cartella:</translation>
    </message>
    <message>
        <source>Your user name and password (or token) come from git&apos;s credential helper; Missiva never stores them.</source>
        <translation>Nome utente e password (o token) vengono dal gestore delle credenziali di git; Missiva non li memorizza mai.</translation>
    </message>
    <message>
        <source>Get the project</source>
        <translation>Scarica il progetto</translation>
    </message>
    <message>
        <source>Where to put the project</source>
        <translation>Dove mettere il progetto</translation>
    </message>
    <message>
        <source>Give the project&apos;s address.</source>
        <translation>Indica l&apos;indirizzo del progetto.</translation>
    </message>
    <message>
        <source>Getting the project…</source>
        <translation>Scaricamento del progetto…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Annullamento…</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <source>changed</source>
        <translation>modificata</translation>
    </message>
    <message>
        <source>added</source>
        <translation>aggiunta</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>rimossa</translation>
    </message>
    <message>
        <source>Compare %s</source>
        <translation>Confronta %s</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Testo</translation>
    </message>
    <message>
        <source>Rendering %1 for %2 at both versions…</source>
        <translation>Composizione di %1 per %2 in entrambe le versioni…</translation>
    </message>
    <message>
        <source>Could not compare: %s</source>
        <translation>Impossibile confrontare: %s</translation>
    </message>
    <message>
        <source>Note: %s</source>
        <translation>Nota: %s</translation>
    </message>
    <message>
        <source>No printed page changes.</source>
        <translation>Nessuna pagina stampata cambia.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Page %1&lt;/b&gt;: %2</source>
        <translation>&lt;b&gt;Pagina %1&lt;/b&gt;: %2</translation>
    </message>
</context>
<context>
    <name>CompositionView</name>
    <message>
        <source>Blocks of the template, in order</source>
        <translation>Blocchi del modello, in ordine</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Sposta su</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Sposta giù</translation>
    </message>
    <message>
        <source>Condition…</source>
        <translation>Condizione…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Rimuovi</translation>
    </message>
    <message>
        <source>Drag cards to reorder them; drag a block from the Project panel to add it. Double-click a card to open its block.</source>
        <translation>Trascina le schede per riordinarle; trascina un blocco dal pannello Progetto per aggiungerlo. Doppio clic su una scheda per aprirne il blocco.</translation>
    </message>
    <message>
        <source>Channels:</source>
        <translation>Canali:</translation>
    </message>
    <message>
        <source>Show the selected block on this channel</source>
        <translation>Mostra il blocco selezionato su questo canale</translation>
    </message>
    <message>
        <source>Cannot show the body as cards: %s</source>
        <translation>Impossibile mostrare il corpo come schede: %s</translation>
    </message>
    <message>
        <source>only if %s</source>
        <translation>solo se %s</translation>
    </message>
    <message>
        <source>on %s</source>
        <translation>su %s</translation>
    </message>
    <message>
        <source>with settings</source>
        <translation>con impostazioni</translation>
    </message>
    <message>
        <source> and </source>
        <translation> e </translation>
    </message>
    <message>
        <source> or </source>
        <translation> o </translation>
    </message>
    <message>
        <source>number of %s</source>
        <translation>numero di %s</translation>
    </message>
    <message>
        <source>contains</source>
        <translation>contiene</translation>
    </message>
    <message>
        <source>is one of</source>
        <translation>è uno tra</translation>
    </message>
    <message>
        <source>is present</source>
        <translation>è presente</translation>
    </message>
    <message>
        <source>is missing</source>
        <translation>manca</translation>
    </message>
</context>
<context>
    <name>ConditionRow</name>
    <message>
        <source>Field</source>
        <translation>Campo</translation>
    </message>
    <message>
        <source>Comparison</source>
        <translation>Confronto</translation>
    </message>
    <message>
        <source>is (=)</source>
        <translation>è (=)</translation>
    </message>
    <message>
        <source>is not (≠)</source>
        <translation>non è (≠)</translation>
    </message>
    <message>
        <source>less than (&lt;)</source>
        <translation>minore di (&lt;)</translation>
    </message>
    <message>
        <source>at most (≤)</source>
        <translation>al massimo (≤)</translation>
    </message>
    <message>
        <source>more than (&gt;)</source>
        <translation>maggiore di (&gt;)</translation>
    </message>
    <message>
        <source>at least (≥)</source>
        <translation>almeno (≥)</translation>
    </message>
    <message>
        <source>contains</source>
        <translation>contiene</translation>
    </message>
    <message>
        <source>is one of</source>
        <translation>è uno tra</translation>
    </message>
    <message>
        <source>is present</source>
        <translation>è presente</translation>
    </message>
    <message>
        <source>is missing</source>
        <translation>manca</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valore</translation>
    </message>
    <message>
        <source>value (several: separated by commas)</source>
        <translation>valore (più valori: separati da virgole)</translation>
    </message>
    <message>
        <source>number of items</source>
        <translation>numero di elementi</translation>
    </message>
    <message>
        <source>Compare how many items the field holds (a list)</source>
        <translation>Confronta quanti elementi contiene il campo (un elenco)</translation>
    </message>
    <message>
        <source>Remove this condition</source>
        <translation>Rimuovi questa condizione</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>Resolve conflicts</source>
        <translation>Risolvi i conflitti</translation>
    </message>
    <message>
        <source>You and a colleague changed the same text. For each file, keep your version, take theirs, or write the combined text. Nothing is lost until you decide: both versions are kept.</source>
        <translation>Tu e un collega avete modificato lo stesso testo. Per ogni file tieni la tua versione, prendi la sua o scrivi il testo combinato. Finché non decidi non si perde nulla: entrambe le versioni sono conservate.</translation>
    </message>
    <message>
        <source>Common version</source>
        <translation>Versione comune</translation>
    </message>
    <message>
        <source>Theirs</source>
        <translation>La loro</translation>
    </message>
    <message>
        <source>Mine</source>
        <translation>La mia</translation>
    </message>
    <message>
        <source>Combined text (edit, then use it):</source>
        <translation>Testo combinato (modificalo, poi usalo):</translation>
    </message>
    <message>
        <source>Keep &amp;mine</source>
        <translation>Tieni la &amp;mia</translation>
    </message>
    <message>
        <source>Take &amp;theirs</source>
        <translation>Prendi la &amp;loro</translation>
    </message>
    <message>
        <source>Use the &amp;edited text</source>
        <translation>Usa il testo &amp;modificato</translation>
    </message>
    <message>
        <source>&amp;Abandon the sync</source>
        <translation>&amp;Annulla la sincronizzazione</translation>
    </message>
    <message>
        <source>(not in the common version)</source>
        <translation>(assente nella versione comune)</translation>
    </message>
    <message>
        <source>(deleted by them)</source>
        <translation>(eliminato da loro)</translation>
    </message>
    <message>
        <source>(deleted by you)</source>
        <translation>(eliminato da te)</translation>
    </message>
    <message>
        <source>Keys changed on both sides: %1</source>
        <translation>Chiavi modificate da entrambe le parti: %1</translation>
    </message>
    <message>
        <source>Rendering…</source>
        <translation>Composizione in corso…</translation>
    </message>
    <message>
        <source>Rendered: %1, %2, default sample</source>
        <translation>Anteprima: %1, %2, esempio predefinito</translation>
    </message>
    <message>
        <source>Resolving…</source>
        <translation>Risoluzione in corso…</translation>
    </message>
    <message>
        <source>Recording the combined work and sending it…</source>
        <translation>Registrazione e invio del lavoro combinato…</translation>
    </message>
    <message>
        <source>Going back to before the sync…</source>
        <translation>Ritorno a prima della sincronizzazione…</translation>
    </message>
</context>
<context>
    <name>DataPanel</name>
    <message>
        <source>Double-click a field, or drag it into the block.</source>
        <translation>Fai doppio clic su un campo o trascinalo nel blocco.</translation>
    </message>
    <message>
        <source>As written</source>
        <translation>Così com&apos;è</translation>
    </message>
    <message>
        <source>Currency (€1,234.50)</source>
        <translation>Valuta (1.234,50 €)</translation>
    </message>
    <message>
        <source>Number (1,234.5)</source>
        <translation>Numero (1.234,5)</translation>
    </message>
    <message>
        <source>Date, long (25 March 2026)</source>
        <translation>Data estesa (25 marzo 2026)</translation>
    </message>
    <message>
        <source>Date, short (25/03/26)</source>
        <translation>Data breve (25/03/26)</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Campo</translation>
    </message>
    <message>
        <source>Sample value</source>
        <translation>Valore di esempio</translation>
    </message>
</context>
<context>
    <name>EditorTab</name>
    <message>
        <source>YAML source</source>
        <translation>Sorgente YAML</translation>
    </message>
    <message>
        <source>Show the template&apos;s YAML instead of cards</source>
        <translation>Mostra lo YAML del modello al posto delle schede</translation>
    </message>
</context>
<context>
    <name>EmailPreview</name>
    <message>
        <source>Text</source>
        <translation>Testo</translation>
    </message>
    <message>
        <source>Show the plain-text part</source>
        <translation>Mostra la parte in solo testo</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Da</translation>
    </message>
    <message>
        <source>To</source>
        <translation>A</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Data</translation>
    </message>
</context>
<context>
    <name>FieldsController</name>
    <message>
        <source>Data</source>
        <translation>Dati</translation>
    </message>
    <message>
        <source>Open a block to insert a field into it.</source>
        <translation>Apri un blocco per inserirvi un campo.</translation>
    </message>
    <message>
        <source>This block is locked: only its owners may change it.</source>
        <translation>Questo blocco è bloccato: solo i suoi responsabili possono modificarlo.</translation>
    </message>
</context>
<context>
    <name>GroupBox</name>
    <message>
        <source>All of these are true</source>
        <translation>Sono vere tutte queste</translation>
    </message>
    <message>
        <source>Any of these is true</source>
        <translation>È vera almeno una di queste</translation>
    </message>
    <message>
        <source>How the conditions combine</source>
        <translation>Come si combinano le condizioni</translation>
    </message>
    <message>
        <source>Remove this group</source>
        <translation>Rimuovi questo gruppo</translation>
    </message>
    <message>
        <source>Add condition</source>
        <translation>Aggiungi condizione</translation>
    </message>
    <message>
        <source>Add group</source>
        <translation>Aggiungi gruppo</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>working copy</source>
        <translation>copia di lavoro</translation>
    </message>
    <message>
        <source>No item selected</source>
        <translation>Nessun elemento selezionato</translation>
    </message>
    <message>
        <source>Compare…</source>
        <translation>Confronta…</translation>
    </message>
    <message>
        <source>Two versions selected: compare them. One: compare it with the working copy.</source>
        <translation>Due versioni selezionate: le confronta. Una: la confronta con la copia di lavoro.</translation>
    </message>
    <message>
        <source>Restore this version</source>
        <translation>Ripristina questa versione</translation>
    </message>
    <message>
        <source>Bring this version back as a new version; the history is kept.</source>
        <translation>Riporta questa versione come nuova versione; la cronologia resta.</translation>
    </message>
    <message numerus="yes">
        <source>%n version(s)</source>
        <translation>
            <numerusform>%n versione</numerusform>
            <numerusform>%n versioni</numerusform>
        </translation>
    </message>
    <message>
        <source>Bring back %1 as it was in the version of %2?

This adds a new version on top; no version is deleted.</source>
        <translation>Riportare %1 com’era nella versione di %2?

Si aggiunge una nuova versione; nessuna versione viene cancellata.</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Cronologia</translation>
    </message>
</context>
<context>
    <name>IdentityDialog</name>
    <message>
        <source>Who is committing?</source>
        <translation>Chi registra la versione?</translation>
    </message>
    <message>
        <source>Every version records who made it. Your name and email are kept in the studio&apos;s settings and used for your commits and sign-offs.</source>
        <translation>Ogni versione registra chi l’ha fatta. Nome ed email restano nelle impostazioni dello studio e firmano le Sue versioni e approvazioni.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
</context>
<context>
    <name>LiveChecks</name>
    <message>
        <source>The checks could not run: %s</source>
        <translation>I controlli non sono stati eseguiti: %s</translation>
    </message>
    <message>
        <source>readability %s: %s &lt; %s</source>
        <translation>leggibilità %s: %s &lt; %s</translation>
    </message>
    <message>
        <source>⚠ %d</source>
        <translation>⚠ %d</translation>
    </message>
    <message>
        <source>✓ accessible</source>
        <translation>✓ accessibile</translation>
    </message>
    <message>
        <source>No accessibility findings</source>
        <translation>Nessun problema di accessibilità</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Preview</source>
        <translation>Anteprima</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Modello</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>Esempio</translation>
    </message>
    <message>
        <source>Locale</source>
        <translation>Lingua</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Nothing open yet&lt;/h3&gt;&lt;p&gt;Open a block, a template or a sample from the &lt;b&gt;Project&lt;/b&gt; panel: the previews follow what you type.&lt;/p&gt;&lt;p&gt;Choose the template, the sample customer and the language in the toolbar.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Nessun file aperto&lt;/h3&gt;&lt;p&gt;Apri un blocco, un modello o un esempio dal pannello &lt;b&gt;Progetto&lt;/b&gt;: le anteprime seguono ciò che scrivi.&lt;/p&gt;&lt;p&gt;Scegli il modello, il cliente di esempio e la lingua nella barra degli strumenti.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Where used</source>
        <translation>Dove è usato</translation>
    </message>
    <message>
        <source>Filter: id, title, owner, state</source>
        <translation>Filtra: id, titolo, responsabile, stato</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>Progetto</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Cerca</translation>
    </message>
    <message>
        <source>Errors and warnings</source>
        <translation>Errori e avvisi</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Solo errori</translation>
    </message>
    <message>
        <source>Warnings only</source>
        <translation>Solo avvisi</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Problemi</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Cronologia</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Modifiche</translation>
    </message>
    <message>
        <source>Review (%d)</source>
        <translation>Revisione (%d)</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Revisione</translation>
    </message>
    <message>
        <source>%d regulatory block(s) await a decision</source>
        <translation>%d blocchi regolamentati attendono una decisione</translation>
    </message>
    <message>
        <source>No history: %s</source>
        <translation>Nessuna cronologia: %s</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Open Project…</source>
        <translation>&amp;Apri progetto…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>Apri &amp;recenti</translation>
    </message>
    <message>
        <source>&amp;New Project…</source>
        <translation>&amp;Nuovo progetto…</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Salva</translation>
    </message>
    <message>
        <source>Save &amp;All</source>
        <translation>Salva &amp;tutto</translation>
    </message>
    <message>
        <source>&amp;Revert</source>
        <translation>&amp;Ripristina</translation>
    </message>
    <message>
        <source>&amp;Close Tab</source>
        <translation>&amp;Chiudi scheda</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Impostazioni…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Esci</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Visualizza</translation>
    </message>
    <message>
        <source>Maximise %s</source>
        <translation>Ingrandisci %s</translation>
    </message>
    <message>
        <source>Show all channels</source>
        <translation>Mostra tutti i canali</translation>
    </message>
    <message>
        <source>F&amp;ind</source>
        <translation>T&amp;rova</translation>
    </message>
    <message>
        <source>&amp;Open Block or Template…</source>
        <translation>&amp;Apri blocco o modello…</translation>
    </message>
    <message>
        <source>&amp;Search in Blocks…</source>
        <translation>&amp;Cerca nei blocchi…</translation>
    </message>
    <message>
        <source>&amp;Where Used</source>
        <translation>&amp;Dove è usato</translation>
    </message>
    <message>
        <source>&amp;Filter the Explorer</source>
        <translation>&amp;Filtra l&apos;esploratore</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>S&amp;trumenti</translation>
    </message>
    <message>
        <source>&amp;Render all</source>
        <translation>&amp;Aggiorna tutte le anteprime</translation>
    </message>
    <message>
        <source>Review regulatory blocks and sign them off</source>
        <translation>Rivedi e approva i blocchi regolamentati</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aiuto</translation>
    </message>
    <message>
        <source>&amp;About Missiva Studio</source>
        <translation>&amp;Informazioni su Missiva Studio</translation>
    </message>
    <message>
        <source>This project is also open in another Missiva window (%s). Each window keeps its own unsaved edits; a file saved there shows here as changed on disk.</source>
        <translation>Questo progetto è aperto anche in un’altra finestra di Missiva (%s). Ogni finestra tiene le proprie modifiche non salvate; un file salvato là appare qui come cambiato sul disco.</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Open a Missiva project</source>
        <translation>Apri un progetto Missiva</translation>
    </message>
    <message>
        <source>Folder for the new project</source>
        <translation>Cartella del nuovo progetto</translation>
    </message>
    <message>
        <source>New project</source>
        <translation>Nuovo progetto</translation>
    </message>
    <message>
        <source>Cannot create a project in {0}: {1}</source>
        <translation>Impossibile creare un progetto in {0}: {1}</translation>
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
        <source>Revert?</source>
        <translation>Ripristinare?</translation>
    </message>
    <message>
        <source>Revert %s to the version on disk? Your unsaved edits in it will be lost.</source>
        <translation>Ripristinare %s alla versione sul disco? Le modifiche non salvate andranno perse.</translation>
    </message>
    <message>
        <source>Missiva Studio closed with unsaved edits in:
%s

Recover them? (No keeps them for the next start; Discard deletes them for good.)</source>
        <translation>Missiva Studio si è chiuso con modifiche non salvate in:
%s

Recuperarle? («No» le conserva per il prossimo avvio; «Scarta» le elimina definitivamente.)</translation>
    </message>
    <message>
        <source>Autosave failed: %s</source>
        <translation>Salvataggio automatico non riuscito: %s</translation>
    </message>
    <message>
        <source>The template has no %s channel</source>
        <translation>Il modello non ha il canale %s</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Apri</translation>
    </message>
    <message>
        <source>Previewing %s: it uses %s</source>
        <translation>Anteprima di %s: usa %s</translation>
    </message>
    <message>
        <source>Regulatory block owned by %s: you are an owner; changes need sign-off.</source>
        <translation>Blocco regolamentato di proprietà di %s: ne sei proprietario; le modifiche richiedono approvazione.</translation>
    </message>
    <message>
        <source>Regulatory block owned by %s: locked. Only its owners may change it.</source>
        <translation>Blocco regolamentato di proprietà di %s: bloccato. Solo i proprietari possono modificarlo.</translation>
    </message>
    <message>
        <source>Overwrite?</source>
        <translation>Sovrascrivere?</translation>
    </message>
    <message>
        <source>%s changed on disk since you opened it. Replace it with your version?</source>
        <translation>%s è cambiato sul disco da quando l&apos;hai aperto. Sostituirlo con la tua versione?</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Modifiche non salvate</translation>
    </message>
    <message>
        <source>Save changes to %s?</source>
        <translation>Salvare le modifiche a %s?</translation>
    </message>
    <message>
        <source>Recover unsaved edits</source>
        <translation>Recupera le modifiche non salvate</translation>
    </message>
    <message>
        <source>Checking %d blocks and %d templates…</source>
        <translation>Controllo di %d blocchi e %d modelli…</translation>
    </message>
    <message>
        <source>Checking %s of %s parts (blocks, templates, samples, trial renders)…</source>
        <translation>Controllo di %s parti su %s (blocchi, modelli, esempi, rese di prova)…</translation>
    </message>
    <message>
        <source>Problems (checking… %d%%)</source>
        <translation>Problemi (controllo in corso… %d%%)</translation>
    </message>
    <message>
        <source>Problems (checking…)</source>
        <translation>Problemi (controllo in corso…)</translation>
    </message>
    <message>
        <source>Problems (%d errors, %d warnings)</source>
        <translation>Problemi (%d errori, %d avvisi)</translation>
    </message>
    <message>
        <source>About Missiva Studio</source>
        <translation>Informazioni su Missiva Studio</translation>
    </message>
    <message>
        <source>Missiva Studio %s — design customer communications once; preview print, email, mobile and SMS.</source>
        <translation>Missiva Studio %s — progetta una volta le comunicazioni ai clienti; anteprima di stampa, email, mobile e SMS.</translation>
    </message>
</context>
<context>
    <name>MobilePreview</name>
    <message>
        <source>Viewport</source>
        <translation>Schermo</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <source>stale</source>
        <extracomment>How a preview outlines the block hovered in the editor (issue 19): one colour everywhere. The reader clicked a paragraph: the block that wrote it and the text clicked (issue 19: click to edit). Panes that can tell emit it; the window opens the block there. The channel name a subclass shows; `show_rendition` refuses renditions of another one. The human name in the header.</extracomment>
        <translation>non aggiornata</translation>
    </message>
    <message>
        <source>Render time</source>
        <translation>Tempo di generazione</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>inviata</translation>
    </message>
    <message>
        <source>not sent</source>
        <translation>non inviata</translation>
    </message>
    <message>
        <source>No preview yet</source>
        <translation>Nessuna anteprima</translation>
    </message>
    <message>
        <source>The preview no longer matches the editor</source>
        <translation>L&apos;anteprima non corrisponde più all&apos;editor</translation>
    </message>
    <message>
        <source>Restore the other previews</source>
        <translation>Ripristina le altre anteprime</translation>
    </message>
    <message>
        <source>Maximise this preview</source>
        <translation>Ingrandisci questa anteprima</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>Stampa</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>Mobile</translation>
    </message>
</context>
<context>
    <name>PrintPreview</name>
    <message>
        <source>Zoom out</source>
        <translation>Riduci</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Ingrandisci</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Adatta</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>Adatta alla larghezza</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>Pagina</translation>
    </message>
    <message>
        <source>Fit the whole page</source>
        <translation>Mostra la pagina intera</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Pagina precedente</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Pagina successiva</translation>
    </message>
    <message>
        <source>Page {0} of {1}</source>
        <translation>Pagina {0} di {1}</translation>
    </message>
    <message>
        <source>No pages</source>
        <translation>Nessuna pagina</translation>
    </message>
</context>
<context>
    <name>ProblemsModel</name>
    <message>
        <source>File</source>
        <translation>File</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Riga</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Messaggio</translation>
    </message>
</context>
<context>
    <name>ProjectTreeModel</name>
    <message>
        <source>Templates</source>
        <translation>Modelli</translation>
    </message>
    <message>
        <source>Blocks</source>
        <translation>Blocchi</translation>
    </message>
    <message>
        <source>Layouts</source>
        <translation>Impaginazioni</translation>
    </message>
    <message>
        <source>Styles</source>
        <translation>Stili</translation>
    </message>
    <message>
        <source>Assets</source>
        <translation>Risorse</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Dati</translation>
    </message>
</context>
<context>
    <name>QuickOpen</name>
    <message>
        <source>Open a block or template</source>
        <translation>Apri un blocco o un modello</translation>
    </message>
    <message>
        <source>Block or template: id or title</source>
        <translation>Blocco o modello: id o titolo</translation>
    </message>
    <message>
        <source>%s — %s (template)</source>
        <translation>%s — %s (modello)</translation>
    </message>
</context>
<context>
    <name>ReadabilityGauge</name>
    <message>
        <source>Gulpease</source>
        <translation>Gulpease</translation>
    </message>
    <message>
        <source>Flesch</source>
        <translation>Flesch</translation>
    </message>
    <message>
        <source>%s %s</source>
        <translation>%s %s</translation>
    </message>
    <message>
        <source>%s %s (budget %s)</source>
        <translation>%s %s (soglia %s)</translation>
    </message>
    <message>
        <source>Too short to judge (%d words)</source>
        <translation>Troppo breve per giudicare (%d parole)</translation>
    </message>
    <message>
        <source>%d words; shorter sentences and words raise the score</source>
        <translation>%d parole; frasi e parole più brevi alzano il punteggio</translation>
    </message>
</context>
<context>
    <name>ReviewPanel</name>
    <message>
        <source>Only blocks awaiting a decision</source>
        <translation>Solo i blocchi in attesa di decisione</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Blocco</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Stato</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Responsabile</translation>
    </message>
    <message>
        <source>Choose a regulatory block to review.</source>
        <translation>Scegli un blocco regolamentato da rivedere.</translation>
    </message>
    <message>
        <source>Open block</source>
        <translation>Apri il blocco</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>Esempio</translation>
    </message>
    <message>
        <source>Locale</source>
        <translation>Lingua</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Quando</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Decisione</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>Revisore</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Versione</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Commento</translation>
    </message>
    <message>
        <source>Where it appears</source>
        <translation>Dove compare</translation>
    </message>
    <message>
        <source>Changes since approval</source>
        <translation>Modifiche dall’approvazione</translation>
    </message>
    <message>
        <source>Decisions</source>
        <translation>Decisioni</translation>
    </message>
    <message>
        <source>Comment for the record (required)</source>
        <translation>Commento per il registro (obbligatorio)</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Approva</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Respingi</translation>
    </message>
    <message>
        <source>No version control here: %s</source>
        <translation>Nessun controllo di versione qui: %s</translation>
    </message>
    <message>
        <source>Reviewing as %s &lt;%s&gt;, approver (%s).</source>
        <translation>Revisione come %s &lt;%s&gt;, approvatore (%s).</translation>
    </message>
    <message>
        <source>You (%s) are not an approver: you can read, not decide.</source>
        <translation>Tu (%s) non sei un approvatore: puoi leggere, non decidere.</translation>
    </message>
    <message>
        <source>Every state</source>
        <translation>Tutti gli stati</translation>
    </message>
    <message>
        <source>Every owner</source>
        <translation>Tutti i responsabili</translation>
    </message>
    <message>
        <source>Every template</source>
        <translation>Tutti i modelli</translation>
    </message>
    <message>
        <source>used by no template</source>
        <translation>non usato da alcun modello</translation>
    </message>
    <message>
        <source>signature missing</source>
        <translation>firma mancante</translation>
    </message>
    <message>
        <source>four eyes</source>
        <translation>quattro occhi</translation>
    </message>
    <message>
        <source>the commit is not signed</source>
        <translation>il commit non è firmato</translation>
    </message>
    <message>
        <source>it is signed with a key that compliance/allowed_signers does not list for %s</source>
        <translation>è firmato con una chiave che compliance/allowed_signers non elenca per %s</translation>
    </message>
    <message>
        <source>its author</source>
        <translation>il suo autore</translation>
    </message>
    <message>
        <source>its signature cannot be checked on this computer (%s)</source>
        <translation>la sua firma non si può verificare su questo computer (%s)</translation>
    </message>
    <message>
        <source>its signature is not valid (%s)</source>
        <translation>la sua firma non è valida (%s)</translation>
    </message>
    <message>
        <source>Renamed from {0} to {1}: it replaces the wording decided on under the old name, and its changes are shown against the text approved as {0}.</source>
        <translation>Rinominato da {0} a {1}: sostituisce il testo deciso con il vecchio nome, e le modifiche sono mostrate rispetto al testo approvato come {0}.</translation>
    </message>
    <message>
        <source>Signature missing: the {0} by {1} in commit {2} does not count, because {3}. This project requires signed sign-offs.</source>
        <translation>Firma mancante: la decisione ({0}) di {1} nel commit {2} non conta, perché {3}. Questo progetto richiede approvazioni firmate.</translation>
    </message>
    <message>
        <source>Signature missing: {0} changed this text in commit {1}, but {2}: who wrote it is not proven, and verify refuses the commit.</source>
        <translation>Firma mancante: {0} ha modificato questo testo nel commit {1}, ma {2}: chi l&apos;ha scritto non è provato, e verify rifiuta il commit.</translation>
    </message>
    <message>
        <source>Its text is the approved one, but %s: approve it as it now reads.</source>
        <translation>Il testo è quello approvato, ma %s: approvalo di nuovo così come si legge ora.</translation>
    </message>
    <message>
        <source>Rendering…</source>
        <translation>Composizione in corso…</translation>
    </message>
    <message>
        <source> — last %s by %s, %s</source>
        <translation> — ultima decisione (%s) di %s, %s</translation>
    </message>
    <message>
        <source>no template</source>
        <translation>nessun modello</translation>
    </message>
    <message>
        <source>Never approved: the whole text is new.</source>
        <translation>Mai approvato: tutto il testo è nuovo.</translation>
    </message>
    <message>
        <source>Approved as {0} by {1}, {2} → {3} as committed now</source>
        <translation>Approvato come {0} da {1}, {2} → {3} come registrato ora</translation>
    </message>
    <message>
        <source>Approved by %s, %s → the committed version now</source>
        <translation>Approvato da %s, %s → la versione registrata ora</translation>
    </message>
    <message>
        <source>No change since that approval.</source>
        <translation>Nessuna modifica da quell’approvazione.</translation>
    </message>
    <message>
        <source>What customers see:</source>
        <translation>Ciò che vedono i clienti:</translation>
    </message>
    <message>
        <source>Compare %s</source>
        <translation>Confronta %s</translation>
    </message>
    <message>
        <source>current ({0}, {1}, “{2}”)</source>
        <translation>attuale ({0}, {1}, “{2}”)</translation>
    </message>
    <message>
        <source>current</source>
        <translation>attuale</translation>
    </message>
    <message>
        <source>approved version ({0}, {1})</source>
        <translation>versione approvata ({0}, {1})</translation>
    </message>
    <message>
        <source>approved as {0} ({1}, {2})</source>
        <translation>approvato come {0} ({1}, {2})</translation>
    </message>
    <message>
        <source> (current)</source>
        <translation> (attuale)</translation>
    </message>
    <message>
        <source>Does not count: %s</source>
        <translation>Non conta: %s</translation>
    </message>
    <message>
        <source>Used by no template.</source>
        <translation>Non usato da alcun modello.</translation>
    </message>
    <message>
        <source>{0} is not in the {1} of {2}: this channel does not use it.</source>
        <translation>{0} non è nel canale {1} di {2}: questo canale non lo usa.</translation>
    </message>
    <message>
        <source>No rendition</source>
        <translation>Nessuna resa</translation>
    </message>
    <message>
        <source>changed since approval</source>
        <translation>cambiato dall’approvazione</translation>
    </message>
    <message>
        <source>This rendition is not the one the last approval saw: the block or what surrounds it in the template changed</source>
        <translation>Questa resa non è quella vista dall’ultima approvazione: è cambiato il blocco o ciò che lo circonda nel modello</translation>
    </message>
    <message>
        <source>as approved</source>
        <translation>come approvato</translation>
    </message>
    <message>
        <source>Byte for byte what the last approval saw</source>
        <translation>Byte per byte ciò che ha visto l’ultima approvazione</translation>
    </message>
    <message>
        <source>%d channel(s) changed since approval</source>
        <translation>%d canali cambiati dall’approvazione</translation>
    </message>
    <message>
        <source>Choose a block.</source>
        <translation>Scegli un blocco.</translation>
    </message>
    <message>
        <source>Only approvers decide.</source>
        <translation>Decidono solo gli approvatori.</translation>
    </message>
    <message>
        <source>Write a comment for the record.</source>
        <translation>Scrivi un commento per il registro.</translation>
    </message>
    <message>
        <source>Recording…</source>
        <translation>Registrazione…</translation>
    </message>
    <message>
        <source>You changed this text since its last approval: under the project&apos;s four-eyes rule another approver must approve it.</source>
        <translation>Hai modificato questo testo dopo l&apos;ultima approvazione: con la regola dei quattro occhi del progetto deve approvarlo un altro approvatore.</translation>
    </message>
    <message>
        <source>Recording the %s of %s…</source>
        <translation>Registrazione della decisione (%s) su %s…</translation>
    </message>
    <message>
        <source>Not recorded: %s</source>
        <translation>Non registrato: %s</translation>
    </message>
    <message>
        <source>%s: %s recorded in commit %s.</source>
        <translation>%s: %s, registrato nel commit %s.</translation>
    </message>
    <message>
        <source>approved</source>
        <extracomment>Badge colours (background, text) of each state: the same in the explorer and the queue. The queue&apos;s order: what waits for a reviewer first.</extracomment>
        <translation>approvato</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>da riapprovare</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>in attesa</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>respinto</translation>
    </message>
    <message>
        <source>owner</source>
        <translation>responsabile</translation>
    </message>
    <message>
        <source>Used by</source>
        <translation>Usato da</translation>
    </message>
    <message>
        <source>Finish interrupted sign-off</source>
        <translation>Completa la firma interrotta</translation>
    </message>
    <message>
        <source>approval</source>
        <translation>approvazione</translation>
    </message>
    <message>
        <source>rejection</source>
        <translation>rifiuto</translation>
    </message>
    <message>
        <source>from the studio&apos;s settings</source>
        <translation>dalle impostazioni dello studio</translation>
    </message>
    <message>
        <source>from git&apos;s user.email</source>
        <translation>dallo user.email di git</translation>
    </message>
    <message>
        <source>from MISSIVA_AUTHOR_EMAIL</source>
        <translation>da MISSIVA_AUTHOR_EMAIL</translation>
    </message>
    <message>
        <source>Decisions are committed under this identity (%s): the commit&apos;s author is the reviewer on record.</source>
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
<context>
    <name>RuleEditor</name>
    <message>
        <source>Condition</source>
        <translation>Condizione</translation>
    </message>
    <message>
        <source>Show this block only when:</source>
        <translation>Mostra questo blocco solo quando:</translation>
    </message>
    <message>
        <source>Condition as source</source>
        <translation>Condizione come testo sorgente</translation>
    </message>
    <message>
        <source>Edit as source</source>
        <translation>Modifica come sorgente</translation>
    </message>
    <message>
        <source>Edit as rule</source>
        <translation>Modifica come regola</translation>
    </message>
    <message>
        <source>No condition: the block is always shown</source>
        <translation>Nessuna condizione: il blocco è sempre mostrato</translation>
    </message>
    <message>
        <source>Cannot evaluate for this sample: %s</source>
        <translation>Impossibile valutare per questo esempio: %s</translation>
    </message>
    <message>
        <source>✔ True for this sample: the block is shown</source>
        <translation>✔ Vera per questo esempio: il blocco è mostrato</translation>
    </message>
    <message>
        <source>✘ False for this sample: the block is left out</source>
        <translation>✘ Falsa per questo esempio: il blocco è escluso</translation>
    </message>
</context>
<context>
    <name>SearchPanel</name>
    <message>
        <source>Search the text of every block</source>
        <translation>Cerca nel testo di tutti i blocchi</translation>
    </message>
    <message>
        <source>Block / line</source>
        <translation>Blocco / riga</translation>
    </message>
    <message>
        <source>Used in templates</source>
        <translation>Usato nei modelli</translation>
    </message>
    <message>
        <source>no template</source>
        <translation>nessun modello</translation>
    </message>
    <message>
        <source>%d line(s) in %d block(s), used in %d template(s)</source>
        <translation>%d righe in %d blocchi, usati in %d modelli</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Impostazioni</translation>
    </message>
    <message>
        <source>Author name</source>
        <translation>Nome dell&apos;autore</translation>
    </message>
    <message>
        <source>Author email</source>
        <translation>Email dell&apos;autore</translation>
    </message>
</context>
<context>
    <name>SigningNotice</name>
    <message>
        <source>git does not sign commits on this computer (git config commit.gpgsign true)</source>
        <translation>git non firma i commit su questo computer (git config commit.gpgsign true)</translation>
    </message>
    <message>
        <source>git does not sign with SSH keys on this computer (git config gpg.format ssh)</source>
        <translation>git non firma con chiavi SSH su questo computer (git config gpg.format ssh)</translation>
    </message>
    <message>
        <source>no signing key is set (git config user.signingkey ~/.ssh/id_ed25519.pub)</source>
        <translation>non è impostata una chiave di firma (git config user.signingkey ~/.ssh/id_ed25519.pub)</translation>
    </message>
    <message>
        <source>the signing key file (git config user.signingkey) does not exist</source>
        <translation>il file della chiave di firma (git config user.signingkey) non esiste</translation>
    </message>
    <message>
        <source>your signing key is not listed for your email in compliance/allowed_signers</source>
        <translation>la tua chiave di firma non è elencata per la tua email in compliance/allowed_signers</translation>
    </message>
    <message>
        <source>This project requires signed sign-offs and regulatory changes, but %s: your commits will be refused by verify.</source>
        <translation>Questo progetto richiede approvazioni e modifiche normative firmate, ma %s: verify rifiuterà i tuoi commit.</translation>
    </message>
</context>
<context>
    <name>SmsPreview</name>
    <message numerus="yes">
        <source>%n segment(s)</source>
        <translation>
            <numerusform>%n segmento</numerusform>
            <numerusform>%n segmenti</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n character(s)</source>
        <translation>
            <numerusform>%n carattere</numerusform>
            <numerusform>%n caratteri</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n unit(s))</source>
        <translation>
            <numerusform>(%n unità)</numerusform>
            <numerusform>(%n unità)</numerusform>
        </translation>
    </message>
    <message>
        <source>budget %1</source>
        <translation>limite %1</translation>
    </message>
    <message>
        <source>%1 — over</source>
        <translation>%1 — superato</translation>
    </message>
</context>
<context>
    <name>StateBadgeDelegate</name>
    <message>
        <source>approved</source>
        <translation>approvato</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>da riapprovare</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>in attesa</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>respinto</translation>
    </message>
</context>
<context>
    <name>Team</name>
    <message>
        <source>Open from &amp;Server…</source>
        <translation>Apri dal &amp;server…</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>Sincronizza</translation>
    </message>
    <message>
        <source>Receive the team&apos;s work and send yours</source>
        <translation>Ricevi il lavoro del gruppo e invia il tuo</translation>
    </message>
    <message>
        <source>Changes to review</source>
        <translation>Modifiche da rivedere</translation>
    </message>
    <message>
        <source>Who changed what</source>
        <translation>Chi ha cambiato cosa</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Gruppo</translation>
    </message>
    <message>
        <source>Sync ↑%1 ↓%2</source>
        <translation>Sincronizza ↑%1 ↓%2</translation>
    </message>
    <message>
        <source>%1 commit(s) to send, %2 to receive (as of the last sync)</source>
        <translation>%1 commit da inviare, %2 da ricevere (all&apos;ultima sincronizzazione)</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Sincronizzazione…</translation>
    </message>
    <message>
        <source>Take my commits back</source>
        <translation>Riprendi le mie versioni</translation>
    </message>
    <message>
        <source>Your commits not on the server become uncommitted changes again: nothing in your files changes.</source>
        <translation>Le tue versioni non ancora sul server tornano modifiche da registrare: nei tuoi file non cambia nulla.</translation>
    </message>
    <message numerus="yes">
        <source>%n commit(s) taken back: their changes are in your files, uncommitted.</source>
        <translation>
            <numerusform>%n versione ripresa: le sue modifiche sono nei tuoi file, da registrare.</numerusform>
            <numerusform>%n versioni riprese: le loro modifiche sono nei tuoi file, da registrare.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WhereUsedPanel</name>
    <message>
        <source>Choose a block, then Where used.</source>
        <translation>Scegli un blocco, poi Dove è usato.</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Modello</translation>
    </message>
    <message>
        <source>Through</source>
        <translation>Attraverso</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Riga</translation>
    </message>
    <message>
        <source>Reads %d record field(s), its includes&apos; too: %s</source>
        <translation>Legge %d campi del record, compresi quelli dei blocchi inclusi: %s</translation>
    </message>
    <message>
        <source>Reads no record field.</source>
        <translation>Non legge alcun campo del record.</translation>
    </message>
    <message>
        <source>Regulatory: a change needs a sign-off.</source>
        <translation>Blocco regolamentato: una modifica richiede l&apos;approvazione.</translation>
    </message>
    <message>
        <source>directly in its body</source>
        <translation>direttamente nel suo corpo</translation>
    </message>
    <message>
        <source>Block %s is used by %d template(s): %d directly, %d through other blocks.</source>
        <translation>Il blocco %s è usato da %d modelli: %d direttamente, %d attraverso altri blocchi.</translation>
    </message>
    <message>
        <source>Block %s is used by no template.</source>
        <translation>Il blocco %s non è usato da nessun modello.</translation>
    </message>
</context>
<context>
    <name>_Bubble</name>
    <message>
        <source>Copy</source>
        <translation>Copia</translation>
    </message>
    <message>
        <source>Copy the whole message</source>
        <translation>Copia tutto il messaggio</translation>
    </message>
</context>
<context>
    <name>_WebPreview</name>
    <message>
        <source>Dark</source>
        <extracomment>Emitted when the view has finished loading the HTML last given to it.</extracomment>
        <translation>Scuro</translation>
    </message>
    <message>
        <source>Preview as a reader in dark mode sees it</source>
        <translation>Anteprima come la vede chi usa la modalità scura</translation>
    </message>
</context>
</TS>
