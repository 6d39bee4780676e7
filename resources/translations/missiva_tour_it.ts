<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>Tour</name>
    <message>
        <source>Print</source>
        <translation>Stampa</translation>
    </message>
    <message>
        <source>The letter as the customer receives it on paper: real PDF pages, laid out for a window envelope. It follows what you type, for the sample customer and language chosen in the toolbar.</source>
        <translation>La lettera come il cliente la riceve su carta: pagine PDF vere, impaginate per la busta a finestra. Segue ciò che scrivi, per il cliente di esempio e la lingua scelti nella barra degli strumenti.</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>The same content as an email, as a mail client shows it. &lt;i&gt;Text&lt;/i&gt; shows the plain-text part, &lt;i&gt;Dark&lt;/i&gt; the dark-mode rules.</source>
        <translation>Lo stesso contenuto come email, come la mostra un programma di posta. &lt;i&gt;Testo&lt;/i&gt; mostra la parte in solo testo, &lt;i&gt;Scuro&lt;/i&gt; le regole per la modalità scura.</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <source>A page for a phone screen: pick a viewport, light or dark.</source>
        <translation>Una pagina per lo schermo di un telefono: scegli il formato, chiaro o scuro.</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>The text message: characters, segments and the encoding, with the characters that force UCS-2 highlighted.</source>
        <translation>Il messaggio di testo: caratteri, segmenti e codifica, con evidenziati i caratteri che impongono UCS-2.</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Cronologia</translation>
    </message>
    <message>
        <source>Every block and template is versioned in git. Compare two versions, as source and as rendered output per channel, or restore one as a new commit.</source>
        <translation>Ogni blocco e modello è versionato in git. Confronta due versioni, come sorgente e come risultato per canale, o ripristinane una come nuovo commit.</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Revisione</translation>
    </message>
    <message>
        <source>Compliance reviewers open the review here: which regulatory blocks changed since their approval, everywhere they appear, and approve or reject them.</source>
        <translation>Da qui i revisori della conformità aprono la revisione: quali blocchi regolamentati sono cambiati dalla loro approvazione, ovunque compaiano, e li approvano o li respingono.</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Indietro</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Avanti</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fine</translation>
    </message>
    <message>
        <source>Skip tour</source>
        <translation>Salta la guida</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>Passo %1 di %2</translation>
    </message>
    <message>
        <source>Take the &amp;Tour</source>
        <translation>&amp;Guida introduttiva</translation>
    </message>
</context>
</TS>
