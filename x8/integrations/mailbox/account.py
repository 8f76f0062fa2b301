"""One mailbox's connection settings, and the failures its servers give, named by side (IMAP or SMTP)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

TIMEOUT_SECONDS: Final = 10.0  # a connect form waits on it: a dead host must not outlast the request


class Security(StrEnum):
    SSL = "ssl"  # implicit TLS (IMAP 993, SMTP 465)
    STARTTLS = "starttls"  # plain, then upgraded (IMAP 143, SMTP 587)
    NONE = "none"  # no encryption: local servers only


@dataclass(frozen=True)
class MailboxAccount:
    address: str
    imap_host: str
    imap_port: int
    imap_security: Security
    smtp_host: str
    smtp_port: int
    smtp_security: Security
    username: str
    password: str = field(repr=False)

    def to_config(self) -> dict[str, Any]:
        """Everything but the password: kept on the channel (the password goes to the vault)."""
        return {
            "address": self.address,
            "imap_host": self.imap_host,
            "imap_port": self.imap_port,
            "imap_security": self.imap_security.value,
            "smtp_host": self.smtp_host,
            "smtp_port": self.smtp_port,
            "smtp_security": self.smtp_security.value,
            "username": self.username,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], password: str) -> MailboxAccount:
        return cls(
            address=str(config["address"]),
            imap_host=str(config["imap_host"]),
            imap_port=int(config["imap_port"]),
            imap_security=Security(config["imap_security"]),
            smtp_host=str(config["smtp_host"]),
            smtp_port=int(config["smtp_port"]),
            smtp_security=Security(config["smtp_security"]),
            username=str(config["username"]),
            password=password,
        )


class MailboxError(Exception):
    """A mail server failed. ``side`` is ``IMAP`` or ``SMTP``; ``refused``: the server answered and said no (a
    wrong password), as opposed to not being reachable or failing (``retryable``)."""

    def __init__(self, side: str, reason: str, *, refused: bool) -> None:
        super().__init__(f"{side}: {reason}")
        self.side = side
        self.reason = reason
        self.refused = refused

    @property
    def retryable(self) -> bool:
        return not self.refused


class LoginRefused(MailboxError):
    """The server refused the account's login: a wrong or changed password, no retry will help."""

    def __init__(self, side: str, reason: str) -> None:
        super().__init__(side, reason, refused=True)


def tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def server_words(value: object) -> str:
    """A server's answer (bytes or text, often a list of them) as one short line for people."""
    if isinstance(value, list | tuple):
        value = b" ".join(v if isinstance(v, bytes) else str(v).encode() for v in value)
    text = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)
    return " ".join(text.split())[:300] or "no reason given"
