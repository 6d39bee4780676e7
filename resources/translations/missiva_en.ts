<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB">
<context>
    <name>ChangeRequestsPanel</name>
    <message numerus="yes">
        <source>%n change(s) waiting for review</source>
        <translation>
            <numerusform>%n change waiting for review</numerusform>
            <numerusform>%n changes waiting for review</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message numerus="yes">
        <source>%n version(s)</source>
        <translation>
            <numerusform>%n version</numerusform>
            <numerusform>%n versions</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SmsPreview</name>
    <message numerus="yes">
        <source>%n segment(s)</source>
        <translation>
            <numerusform>%n segment</numerusform>
            <numerusform>%n segments</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n character(s)</source>
        <translation>
            <numerusform>%n character</numerusform>
            <numerusform>%n characters</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n unit(s))</source>
        <translation>
            <numerusform>(%n unit)</numerusform>
            <numerusform>(%n units)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Team</name>
    <message numerus="yes">
        <source>%n commit(s) taken back: their changes are in your files, uncommitted.</source>
        <translation>
            <numerusform>%n commit taken back: its changes are in your files, uncommitted.</numerusform>
            <numerusform>%n commits taken back: their changes are in your files, uncommitted.</numerusform>
        </translation>
    </message>
</context>
</TS>
