<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
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
</TS>
