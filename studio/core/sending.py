"""Sending a rendered email as a test, through the SMTP server the project or environment names."""

from __future__ import annotations

import email
import email.policy
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from studio.core.messages import msg
from studio.core.problems import ProblemError, error

ENV_PREFIX = "MISSIVA_SMTP_"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "starttls", "ssl" or "none"
    username: str | None
    password: str | None
    timeout: float = 30.0


def smtp_settings(project_settings: Mapping[str, Any],
                  environ: Mapping[str, str] | None = None) -> SmtpSettings:
    """studio.yaml's smtp: {host, port, security, username}, overridden by MISSIVA_SMTP_*.

    The password only ever comes from the environment (MISSIVA_SMTP_PASSWORD): a project is a
    git repository, and secrets do not belong in it.
    """
    env = os.environ if environ is None else environ
    host = env.get(f"{ENV_PREFIX}HOST") or project_settings.get("host")
    if not host:
        raise ProblemError(error("studio.yaml", 0, 0, "no SMTP server: set smtp.host in "
                                 "studio.yaml or MISSIVA_SMTP_HOST"))
    security = str(env.get(f"{ENV_PREFIX}SECURITY") or project_settings.get("security")
                   or "starttls").lower()
    if security not in ("starttls", "ssl", "none"):
        raise ProblemError(error("studio.yaml", 0, 0, msg(
            "smtp.security {security!r}: use starttls, ssl or none", security=security)))
    default_port = {"ssl": 465, "starttls": 587, "none": 25}[security]
    try:
        port = int(env.get(f"{ENV_PREFIX}PORT") or project_settings.get("port") or default_port)
    except ValueError:
        raise ProblemError(error("studio.yaml", 0, 0, msg("smtp.port must be a number"))) from None
    username = env.get(f"{ENV_PREFIX}USER") or project_settings.get("username")
    return SmtpSettings(str(host), port, security, str(username) if username else None,
                        env.get(f"{ENV_PREFIX}PASSWORD"))


def as_test(eml: bytes, to: str) -> EmailMessage:
    """The rendered message, addressed to the tester instead of the customer."""
    message = email.message_from_bytes(eml, policy=email.policy.SMTP)
    assert isinstance(message, EmailMessage)
    for header in ("To", "Cc", "Bcc"):
        del message[header]
    message["To"] = to
    message["X-Missiva-Test"] = "yes"
    return message


def send(message: EmailMessage, settings: SmtpSettings) -> None:
    """Deliver one message; failures become one clear sentence."""
    try:
        if settings.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port,
                                                    timeout=settings.timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.username:
                client.login(settings.username, settings.password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise ProblemError(error("studio.yaml", 0, 0, msg(
            "sending through {host}:{port} failed: {reason}", host=settings.host,
            port=settings.port, reason=str(exc)))) from None
