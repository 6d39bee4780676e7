"""The states a reviewer meets beyond approved, stale, pending and rejected, as the review view
shows them in English and in Italian: a block renamed since its approval (the bundled sample's
legal/useful-info, in this repository's history), a decision that does not count for want of
the signature the project requires, and a sign-off interrupted before its commit.

Each test saves what the panel shows in `grabs` (MISSIVA_GRABS=docs/screenshots refreshes the
README's pictures)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLocale

from studio.core import compliance
from studio.core.history import open_repository
from studio.gui.review_view import ReviewPanel
from tests.conftest import SAMPLE

WAIT = 90_000  # ms: the worker process starts, then renders every channel of a template
GIULIA = ("Giulia Bianchi", "giulia.bianchi@lumen-energia.example")  # legal: owner, approver
MARCO = ("Marco Ferri", "marco.ferri@lumen-energia.example")  # legal too


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


def become(monkeypatch: pytest.MonkeyPatch, who: tuple[str, str]) -> None:
    name, email = who
    for prefix in ("GIT_AUTHOR", "GIT_COMMITTER", "MISSIVA_AUTHOR"):
        monkeypatch.setenv(f"{prefix}_NAME", name)
        monkeypatch.setenv(f"{prefix}_EMAIL", email)


@pytest.fixture
def italian(qapp):
    """The studio in Italian for one test (the catalogue and the UI language)."""
    from studio.gui.app import install_translations

    translators = install_translations(qapp, QLocale(QLocale.Language.Italian,
                                                     QLocale.Country.Italy))
    yield
    for translator in translators:
        qapp.removeTranslator(translator)


def lumen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signatures: bool = False) -> Path:
    """A copy of the sample without its ledger, committed by Giulia in a new repository (with
    signed sign-offs required when SIGNATURES); git and the studio's settings of its own."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    become(monkeypatch, GIULIA)
    root = tmp_path / "lumen"
    shutil.copytree(SAMPLE, root,
                    ignore=shutil.ignore_patterns("__init__.py", "__pycache__", "compliance"))
    if signatures:
        config = root / "studio.yaml"
        text = config.read_text(encoding="utf-8")
        assert "compliance:\n  approvers: [legal]\n" in text
        config.write_text(text.replace("compliance:\n  approvers: [legal]\n",
                                       "compliance:\n  approvers: [legal]\n"
                                       "  signatures: required\n"), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import")
    return root


def open_panel(qtbot, root: Path, block: str) -> ReviewPanel:
    panel = ReviewPanel()
    qtbot.addWidget(panel)
    panel.resize(1400, 820)
    panel.layout().itemAt(0).widget().setSizes([400, 1000])  # the queue's states in full
    panel.show()
    with qtbot.waitSignal(panel.statesChanged, timeout=WAIT):
        panel.set_root(root)
    with qtbot.waitSignal(panel.renderingDone, timeout=WAIT):
        panel.select(block)
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=WAIT)
    return panel


def close_panel(panel: ReviewPanel) -> None:
    panel.shutdown()
    panel.deleteLater()  # its web pages must go before Qt's profile does at exit
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def queue_state(panel: ReviewPanel, block: str) -> str:
    for row in range(panel.queue.topLevelItemCount()):
        item = panel.queue.topLevelItem(row)
        if item.text(0) == block:
            return item.text(1)
    raise AssertionError(f"{block} is not in the queue")


def plain(html: str) -> str:
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText()


# Renamed: the sample's legal/useful-info, approved as legal/bill-info ---------------------


@pytest.fixture
def sample_history(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    become(monkeypatch, GIULIA)  # who reads is an approver; nothing is decided here
    done = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=SAMPLE,
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip("the sample is not in a git checkout")
    if done.stdout.strip() == "true":
        pytest.skip("a shallow clone lacks the commits the sample's ledger names")
    return SAMPLE


def test_renamed_block_of_the_sample(qtbot, sample_history, grabs):
    panel = open_panel(qtbot, sample_history, "legal/useful-info")
    try:
        assert queue_state(panel, "legal/useful-info") == "stale · renamed"
        assert "legal/bill-info" not in [panel.queue.topLevelItem(i).text(0)
                                         for i in range(panel.queue.topLevelItemCount())]
        heading = plain(panel.heading.text())
        assert ("Renamed from legal/bill-info to legal/useful-info: it replaces the wording "
                "decided on under the old name, and its changes are shown against the text "
                "approved as legal/bill-info.") in heading
        # The words changed against the wording approved under the old name, not a new text.
        changes = panel.changes_view.toPlainText()
        assert changes.startswith("Approved as legal/bill-info by marco.ferri@lumen-energia."
                                  "example, ")
        assert "→ legal/useful-info as committed now" in changes
        assert "chiami" in changes and "Never approved" not in changes
        assert panel.decisions.rowCount() == 1
        assert panel.decisions.item(0, 1).text() == "approved"
        panel.views.setCurrentIndex(1)
        panel.grab().save(str(grabs / "review-renamed.png"))
        # Compare: the approved text under its old name against the renamed one.
        dialog = panel.compare_rendered("bill", panel.states["legal/useful-info"].history[-1]
                                        .commit, panel.states["legal/useful-info"].history[-1])
        assert dialog is not None
        assert dialog.header_text.startswith("block legal/useful-info — approved as "
                                             "legal/bill-info (marco.ferri@lumen-energia."
                                             "example, ")
        text = dialog.source_view.toPlainText()
        assert "chiami" in text
        assert "Bonus sociale" not in text  # unchanged words: only what changed is shown
        qtbot.waitUntil(lambda: not dialog.is_rendering(), timeout=WAIT)
        dialog.close()
    finally:
        close_panel(panel)


def test_renamed_block_of_the_sample_in_italian(qtbot, sample_history, italian, grabs):
    panel = open_panel(qtbot, sample_history, "legal/useful-info")
    try:
        assert queue_state(panel, "legal/useful-info") == "da riapprovare · rinominato"
        assert ("Rinominato da legal/bill-info a legal/useful-info: sostituisce il testo deciso "
                "con il vecchio nome, e le modifiche sono mostrate rispetto al testo approvato "
                "come legal/bill-info.") in plain(panel.heading.text())
        changes = panel.changes_view.toPlainText()
        assert changes.startswith("Approvato come legal/bill-info da marco.ferri@")
        assert "→ legal/useful-info come registrato ora" in changes
        panel.views.setCurrentIndex(1)
        panel.grab().save(str(grabs / "review-renamed-it.png"))
    finally:
        close_panel(panel)


# Signature missing: a project that requires signatures, a sign-off git did not sign ----------


@pytest.fixture
def signed_project(tmp_path, monkeypatch):
    """A project that requires signed sign-offs, its approver's key listed, and one approval
    committed without a signature (git here is not set up to sign)."""
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen (OpenSSH client) is not installed")
    key = tmp_path / "giulia"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "giulia", "-f",
                    str(key)], check=True)
    root = lumen(tmp_path, monkeypatch, signatures=True)
    public = key.with_name("giulia.pub").read_text(encoding="utf-8").strip()
    (root / "compliance").mkdir()
    (root / "compliance/allowed_signers").write_text(f"{GIULIA[1]} {public}\n",
                                                     encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Giulia's signing key")
    record = compliance.signoff(root, "legal/privacy", "approve", "GDPR ok")
    yield root, record.ledger_commit
    open_repository(root).close()


def test_an_unsigned_approval_is_shown_as_signature_missing(qtbot, signed_project, grabs):
    root, commit = signed_project
    panel = open_panel(qtbot, root, "legal/privacy")
    try:
        assert queue_state(panel, "legal/privacy") == "pending · signature missing"
        assert (f"Signature missing: the approval by {GIULIA[1]} in commit {commit[:10]} does "
                "not count, because the commit is not signed. This project requires signed "
                "sign-offs.") in plain(panel.heading.text())
        # The decision is listed, marked: it is there, and it does not count.
        assert panel.decisions.rowCount() == 1
        cell = panel.decisions.item(0, 1)
        assert cell.text() == "approved · signature missing"
        assert cell.toolTip() == "Does not count: the commit is not signed"
        # ...and the panel says why git here made it so.
        assert not panel.signing.isHidden()
        assert "git does not sign commits on this computer" in panel.signing.text()
        panel.views.setCurrentIndex(2)
        panel.grab().save(str(grabs / "review-signature-missing.png"))
    finally:
        close_panel(panel)


def test_signature_missing_in_italian_for_an_unlisted_key(qtbot, signed_project, italian,
                                                          tmp_path, grabs):
    root, _ = signed_project
    # A second sign-off, signed with a key compliance/allowed_signers does not list.
    other = tmp_path / "other"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "other", "-f",
                    str(other)], check=True)
    git(root, "config", "gpg.format", "ssh")
    git(root, "config", "user.signingkey", str(other))
    git(root, "config", "commit.gpgsign", "true")
    record = compliance.signoff(root, "legal/privacy", "reject", "Manca il DPO")
    assert "gpgsig" in git(root, "cat-file", "commit", "HEAD")  # signed, by the wrong key
    panel = open_panel(qtbot, root, "legal/privacy")
    try:
        assert queue_state(panel, "legal/privacy") == "in attesa · firma mancante"
        assert (f"Firma mancante: la decisione (rifiuto) di {GIULIA[1]} nel commit "
                f"{record.ledger_commit[:10]} non conta, perché è firmato con una chiave che "
                f"compliance/allowed_signers non elenca per {GIULIA[1]}.") \
            in plain(panel.heading.text())
        assert panel.decisions.rowCount() == 2
        assert panel.decisions.item(0, 1).text() == "respinto · firma mancante"
        assert panel.decisions.item(1, 1).text() == "approvato · firma mancante"
    finally:
        close_panel(panel)


# Interrupted: a sign-off killed between writing its decision and committing it ----------------


@pytest.fixture
def interrupted(tmp_path, monkeypatch):
    root = lumen(tmp_path, monkeypatch)

    def killed(repository, path, record, who, note=""):  # the process dies after `git add`
        git(root, "add", path)
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(compliance, "_commit_decision", killed)
        with pytest.raises(KeyboardInterrupt):
            compliance.signoff(root, "legal/withdrawal", "approve", "Recesso ok")
    yield root
    open_repository(root).close()


def test_an_interrupted_signoff_as_its_reviewer_and_another_see_it(qtbot, interrupted,
                                                                   monkeypatch, grabs):
    panel = open_panel(qtbot, interrupted, "legal/withdrawal")
    try:
        assert queue_state(panel, "legal/withdrawal") == "pending · interrupted"
        assert (f"Interrupted sign-off: the approval by {GIULIA[1]} was written but not "
                "committed, so it does not count until they finish it.") \
            in plain(panel.heading.text())
        finish = panel.finish_button
        assert finish.isVisible() and finish.isEnabled()
        assert finish.text() == "Finish interrupted sign-off"
        assert finish.toolTip() == "Commit the sign-off you started, as it was written"
        panel.views.setCurrentIndex(1)
        panel.grab().save(str(grabs / "review-interrupted.png"))
    finally:
        close_panel(panel)
    # Another approver sees it, and cannot finish it in Giulia's name.
    become(monkeypatch, MARCO)
    panel = open_panel(qtbot, interrupted, "legal/withdrawal")
    try:
        assert panel.finish_button.isVisible() and not panel.finish_button.isEnabled()
        assert panel.finish_button.toolTip() == "Only the reviewer who made it can finish it"
    finally:
        close_panel(panel)
    assert git(interrupted, "status", "--porcelain").startswith("A  compliance/decisions/")


def test_an_interrupted_signoff_in_italian(qtbot, interrupted, italian):
    panel = open_panel(qtbot, interrupted, "legal/withdrawal")
    try:
        assert queue_state(panel, "legal/withdrawal") == "in attesa · interrotta"
        assert (f"Firma interrotta: la decisione (approvazione) di {GIULIA[1]} è stata scritta "
                "ma non registrata in un commit, quindi non conta finché non la completa.") \
            in plain(panel.heading.text())
        assert panel.finish_button.text() == "Completa la firma interrotta"
        with qtbot.waitSignal(panel.decided, timeout=WAIT):
            panel.finish_button.click()
        qtbot.waitUntil(lambda: queue_state(panel, "legal/withdrawal") == "approvato"
                        and not panel.is_busy(), timeout=WAIT)
        assert not panel.finish_button.isVisible()
        assert git(interrupted, "log", "-1", "--format=%ae").strip() == GIULIA[1]
    finally:
        close_panel(panel)


def test_the_changes_dock_names_each_change_in_italian(qtbot, tmp_path, monkeypatch, italian):
    from studio.gui.changes_view import ChangesPanel

    root = lumen(tmp_path, monkeypatch)
    privacy = root / "blocks/legal/privacy.md"
    privacy.write_text(privacy.read_text(encoding="utf-8") + "\nUlteriore clausola.\n",
                       encoding="utf-8")
    (root / "blocks/common/signature.md").write_text("Lumen Energia\n", encoding="utf-8")
    git(root, "mv", "blocks/common/closing.md", "blocks/common/farewell.md")
    (root / "blocks/common/greeting.en.md").unlink()
    panel = ChangesPanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.refreshed, timeout=WAIT):
        panel.set_root(root)
    shown = sorted(panel.list.item(i).text() for i in range(panel.list.count()))
    assert shown == sorted([
        "modificato: blocco legal/privacy",
        "nuovo: blocco common/signature",
        "rinominato: blocco common/closing → blocco common/farewell",
        "eliminato: blocco common/greeting (en)",
    ])
