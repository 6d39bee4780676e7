<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
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
</TS>
