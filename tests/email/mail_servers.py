"""Real mail servers on loopback for the mailbox tests: IMAP from pymap (an IMAP4rev1 server in Python, in-memory
``dict`` backend, run as its own process) and SMTP from aiosmtpd with a login.

pymap is a dev dependency (pyproject.toml), so CI has it; a machine without it skips these tests and says why.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from imapclient import IMAPClient

LAUNCH_PYMAP = "import sys; from pymap.main import main; sys.exit(main())"

SHOP = "shop@bakery.test"  # the business's mailbox in the mailbox tests
PASSWORD = "app-password-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ImapServer:
    port: int
    user: str
    password: str

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Mail arrives in the INBOX (or another mail client files its sent mail in ``folder``)."""
        with self._client() as client:
            client.append(folder, raw)

    def create(self, folder: str) -> None:
        with self._client() as client:
            client.create_folder(folder)

    @contextmanager
    def _client(self) -> Iterator[IMAPClient]:
        client = IMAPClient("127.0.0.1", self.port, ssl=False)  # it encodes folder names (modified UTF-7)
        try:
            client.login(self.user, self.password)
            yield client
        finally:
            client.logout()


@contextmanager
def imap_server(user: str, password: str, *, port: int | None = None) -> Iterator[ImapServer]:
    """A fresh pymap on ``port`` (default: a free one): the same port again is a restarted server, empty."""
    try:
        import pymap  # noqa: F401
    except ImportError:
        pytest.skip(
            "pymap (the dev dependency that serves IMAP for these tests) is not installed: pip install -e .[dev]"
        )
    port = port or free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            LAUNCH_PYMAP,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-tls",
            "dict",
            "--demo-user",
            user,
            "--demo-password",
            password,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    error = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"pymap did not start: {error}") from None
                time.sleep(0.1)
        yield ImapServer(port, user, password)
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class SmtpInbox:
    user: str
    password: str
    received: list[dict[str, Any]] = field(default_factory=list)  # {"from", "to", "message"}
    logins: list[tuple[str, bool]] = field(default_factory=list)

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == (
            self.user,
            self.password,
        )
        self.logins.append((data.login.decode() if isinstance(data, LoginPassword) else "", ok))
        return AuthResult(success=ok, handled=False)  # False: aiosmtpd answers the 535 itself

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if not session.authenticated:
            return "530 5.7.0 Authentication required"
        message = BytesParser(policy=policy.default).parsebytes(bytes(envelope.content or b""))
        assert isinstance(message, EmailMessage)
        self.received.append({"from": envelope.mail_from, "to": envelope.rcpt_tos, "message": message})
        return "250 OK"


@contextmanager
def smtp_server(user: str, password: str, *, port: int | None = None) -> Iterator[tuple[SmtpInbox, int]]:
    inbox = SmtpInbox(user, password)
    port = port or free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=inbox.authenticate,
        auth_require_tls=False,  # loopback, security "none": the tests' only way without certificates
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
