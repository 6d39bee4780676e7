<?xml version='1.0' encoding='utf-8'?>
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
      <translation>Arrivati con l'ultima sincronizzazione</translation>
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
      <translation>Che cosa deve cambiare l'autore?</translation>
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
      <source>Your user name and password (or token) come from git's credential helper; Missiva never stores them.</source>
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
      <source>Give the project's address.</source>
      <translation>Indica l'indirizzo del progetto.</translation>
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
      <source>Receive the team's work and send yours</source>
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
      <translation>%1 commit da inviare, %2 da ricevere (all'ultima sincronizzazione)</translation>
    </message>
    <message>
      <source>Syncing…</source>
      <translation>Sincronizzazione…</translation>
    </message>
  </context>
</TS>
