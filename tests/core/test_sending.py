"""Sending a test email to a real SMTP server on loopback (aiosmtpd), read back as received."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from studio.cli import main


class Inbox:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.envelopes.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def test_send_test_delivers_the_rendered_message(project_dir, smtp_server, monkeypatch, capsys):
    controller, inbox = smtp_server
    monkeypatch.setenv("MISSIVA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MISSIVA_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("MISSIVA_SMTP_SECURITY", "none")
    code = main(["send-test", str(project_dir()), "letter", "--sample", "typical",
                 "--to", "reviewer@test.example", "--locale", "en"])
    assert code == 0, capsys.readouterr()
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["reviewer@test.example"]  # never the customer
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["To"] == "reviewer@test.example"
    assert message["Subject"] == "Per Mario Rossi"
    assert message["X-Missiva-Test"] == "yes"
    assert message.get_content_type() == "multipart/alternative"
    assert "Dear Mario Rossi," in message.get_body(("plain",)).get_content()
    assert "sent “Per Mario Rossi” to reviewer@test.example" in capsys.readouterr().out


def test_send_test_from_studio_yaml_settings(project_dir, smtp_server, monkeypatch):
    controller, inbox = smtp_server
    for name in ("HOST", "PORT", "SECURITY", "USER", "PASSWORD"):
        monkeypatch.delenv(f"MISSIVA_SMTP_{name}", raising=False)
    root = project_dir()
    config = root / "studio.yaml"
    config.write_text(config.read_text() + f"smtp: {{host: 127.0.0.1, port: {controller.port}, "
                      "security: none}\n")
    assert main(["send-test", str(root), "letter", "--to", "qa@test.example"]) == 0
    assert [e.rcpt_tos for e in inbox.envelopes] == [["qa@test.example"]]


def test_unreachable_server_is_a_clear_error(project_dir, monkeypatch, capsys):
    monkeypatch.setenv("MISSIVA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MISSIVA_SMTP_PORT", str(_free_port()))
    monkeypatch.setenv("MISSIVA_SMTP_SECURITY", "none")
    assert main(["send-test", str(project_dir()), "letter", "--to", "qa@test.example"]) == 1
    err = capsys.readouterr().err
    assert "sending through 127.0.0.1:" in err and "failed" in err and "Traceback" not in err


def test_no_server_configured(project_dir, monkeypatch, capsys):
    monkeypatch.delenv("MISSIVA_SMTP_HOST", raising=False)
    assert main(["send-test", str(project_dir()), "letter", "--to", "qa@test.example"]) == 1
    assert "no SMTP server" in capsys.readouterr().err
