"""Reading customers' email and writing replies to it (SPEC.md R-CH5), for Gmail and any IMAP/SMTP mailbox alike.

- ``parse_email`` turns an RFC 5322 message into what the assistant reads: who wrote, the threading headers, and
  only what the person wrote this time (HTML turned into text, quoted history and signatures cut off), plus the
  attachments' names, types and sizes (their content is never read).
- Automatic mail (auto-replies, bounces, newsletters, no-reply senders) is recognised, so it is stored and never
  answered: answering it would start mail loops with other robots.
- ``build_reply`` writes a reply that mail clients thread with the customer's message: ``In-Reply-To``,
  ``References`` and a ``Re:`` subject that does not stack.

Only the standard library's ``email`` package (``policy.default``) is used. Nothing here raises on odd input: an
unknown charset or a broken part is read as well as it can be.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr
from html.parser import HTMLParser

from x8.kit.clock import utcnow

MAX_TEXT_CHARS = 8000  # what the assistant reads of one mail; a longer one is cut
MAX_PART_BYTES = 2 * 1024 * 1024  # a text part larger than this is not decoded beyond it
MAX_REFERENCES = 20  # RFC 5322 §3.6.4 allows trimming; the first and the latest ids are kept
PLATFORM_HEADER = "X-X8-Channel"  # marks the platform's own replies, so they are never taken for the business's

_NO_REPLY = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]daemon|postmaster|bounces?|notifications?-noreply)([+-].*)?$",
    re.IGNORECASE,
)
_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|sv|vs|antw|odp|отв|ответ|rif)\s*(\[\d+\]|\(\d+\))?\s*[:：]\s*)+", re.I)
# "On Mon, 1 Jan 2024 at 10:00, Jane <jane@x.com> wrote:" (Gmail, Apple Mail, Thunderbird); the Russian forms.
_ATTRIBUTION = re.compile(
    r"^(on\s.{3,200}\swrote:|.{3,200}\s(написал|написала|написал\(а\)|пишет)\s*:|le\s.{3,200}\sa\s+écrit\s*:|"
    r"am\s.{3,200}\sschrieb.{0,100}:)\s*$",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(
    r"^\s*(-{2,}\s*(original message|исходное сообщение|пересланное сообщение|forwarded message)\s*-{2,}|"
    r"_{10,}|begin forwarded message:)\s*$",
    re.IGNORECASE,
)
# Outlook's header block of the quoted mail: "From: …" followed by "Sent:"/"Date:" (or the Russian "От:"/"Отправлено:").
_OUTLOOK_FROM = re.compile(r"^\s*\*?(from|от)\s*:\*?\s", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(r"^\s*\*?(sent|date|to|отправлено|дата|кому)\s*:\*?\s", re.IGNORECASE)
_DEVICE_SIGNATURE = re.compile(
    r"^\s*(sent from my \w+.*|get outlook for \w+.*|отправлено с (моего )?\w+.*|"
    r"отправлено из мобильной почты .*)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class ParsedEmail:
    """One mail as the platform keeps it. ``sender`` is the lower-cased address (the contact's id); ``text`` is
    the new part only; ``automatic`` names why the mail is a robot's (None: a person wrote it)."""

    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    sender: str
    sender_name: str
    recipients: tuple[str, ...]
    text: str
    attachments: tuple[Attachment, ...]
    automatic: str | None
    from_platform: bool  # one of the platform's own replies (``PLATFORM_HEADER``)

    def summary(self) -> str:
        """What is stored as the message: the new text, and a line per attachment (so a human sees them)."""
        lines = [self.text] if self.text else []
        lines += [f"[attachment: {a.name} ({a.content_type}, {a.size} bytes)]" for a in self.attachments]
        return "\n".join(lines) or "(empty email)"


def parse_email(raw: bytes) -> ParsedEmail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    return read_message(message)


def read_message(message: Message) -> ParsedEmail:
    sender_name, sender = _address(_header(message, "from"))
    plain, html, attachments = _walk(message)
    body = plain if plain.strip() else html_to_text(html)
    text = strip_quoted(body)[:MAX_TEXT_CHARS].strip()
    return ParsedEmail(
        message_id=_one_id(_header(message, "message-id")),
        in_reply_to=_one_id(_header(message, "in-reply-to")),
        references=tuple(_ids(_header(message, "references"))),
        subject=_header(message, "subject").strip()[:998],
        sender=sender,
        sender_name=sender_name,
        recipients=tuple(a.lower() for _, a in getaddresses([_header(message, "to"), _header(message, "cc")]) if a),
        text=text,
        attachments=tuple(attachments),
        automatic=automatic_reason(message, sender),
        from_platform=bool(_header(message, PLATFORM_HEADER)),
    )


def _header(message: Message, name: str) -> str:
    """A header as text; a malformed one (which ``policy.default`` may refuse to parse) as its raw value."""
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError):
        value = None
    if value is None:
        raw = next((v for k, v in message.raw_items() if k.lower() == name.lower()), None)
        return str(raw or "")
    return str(value)


def _address(value: str) -> tuple[str, str]:
    name, address = parseaddr(value)
    return name.strip()[:255], address.strip().lower()[:320]


_ID = re.compile(r"<[^<>\s]{1,900}>")


def _ids(value: str) -> list[str]:
    return _ID.findall(value)


def _one_id(value: str) -> str | None:
    found = _ids(value)
    return found[0] if found else None


def automatic_reason(message: Message, sender: str) -> str | None:
    """Why this mail is a robot's, or None. RFC 3834 (``Auto-Submitted``), ``Precedence`` of lists and bulk mail,
    list headers (RFC 2369/2919), delivery reports, and addresses that take no replies."""
    auto = _header(message, "auto-submitted").strip().lower()
    if auto and not auto.startswith("no"):
        return "auto-submitted"
    if _header(message, "precedence").strip().lower() in ("bulk", "list", "junk", "auto_reply"):
        return "precedence"
    if _header(message, "list-unsubscribe") or _header(message, "list-id"):
        return "mailing list"
    if (
        _header(message, "x-autoreply")
        or _header(message, "x-autorespond")
        or _header(message, "x-auto-response-suppress").lower() in ("all", "oof")
    ):
        return "auto-reply"
    if message.get_content_type() == "multipart/report" or _header(message, "return-path").strip() == "<>":
        return "delivery report"
    local = sender.rpartition("@")[0]
    if not sender or _NO_REPLY.match(local):
        return "no-reply sender"
    return None


def _walk(message: Message) -> tuple[str, str, list[Attachment]]:
    """The first text/plain and text/html bodies, and the attachments (anything with a file name or marked as an
    attachment, and any non-text part)."""
    plain: str | None = None
    html: str | None = None
    attachments: list[Attachment] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        name = _filename(part)
        if disposition == "attachment" or name or not content_type.startswith("text/"):
            attachments.append(Attachment(name or "(unnamed)", content_type, _size(part)))
            continue
        if content_type == "text/plain" and plain is None:
            plain = _text_of(part)
        elif content_type == "text/html" and html is None:
            html = _text_of(part)
    return plain or "", html or "", attachments


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except (ValueError, TypeError, IndexError):
        name = None
    return str(name or "").strip()[:255]


def _size(part: Message) -> int:
    """The part's size: Gmail's ``size`` parameter when it left the data out, else the decoded bytes."""
    declared = part.get_param("size", header="content-disposition")
    if isinstance(declared, str) and declared.isdigit():
        return int(declared)
    payload = part.get_payload(decode=True)
    return len(payload) if isinstance(payload, bytes) else 0


def _text_of(part: Message) -> str:
    """A text part decoded with its charset; an unknown or wrong charset falls back to UTF-8, then Latin-1, with
    replacement characters rather than an error."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    payload = payload[:MAX_PART_BYTES]
    charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, "utf-8"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", errors="replace")


class _TextFromHtml(HTMLParser):
    """HTML to plain text: block elements become line breaks, scripts and styles are dropped, and so is quoted
    history that mail clients mark up (``blockquote``, Gmail's ``gmail_quote``, Outlook's reply header)."""

    _BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr"})
    _SKIP = frozenset({"script", "style", "head", "title", "blockquote"})
    _VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr", "source"})
    _QUOTE_MARKS = (
        "gmail_quote",
        "yahoo_quoted",
        "moz-cite-prefix",
        "divrplyfwdmsg",
        "appendonsend",
        "protonmail_quote",
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self._stopped = False  # Outlook's reply header: everything after it is the quoted mail

    @property
    def _skipping(self) -> bool:
        return self._stopped or any(skipped for _, skipped in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        marks = " ".join(v or "" for k, v in attrs if k in ("class", "id")).lower()
        quoted = any(mark in marks for mark in self._QUOTE_MARKS)
        if quoted and ("divrplyfwdmsg" in marks or "appendonsend" in marks):
            self._stopped = True
        if tag in self._BLOCKS and not self._skipping:
            self.parts.append("\n")
        if tag not in self._VOID:
            self._stack.append((tag, tag in self._SKIP or quoted))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, -1, -1):  # browsers forgive unclosed tags; so do we
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break
        if tag in self._BLOCKS and not self._skipping:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    if not html:
        return ""
    parser = _TextFromHtml()
    try:
        parser.feed(html[:MAX_PART_BYTES])
        parser.close()
    except (AssertionError, ValueError):  # HTMLParser's own complaints about hopeless markup
        pass
    lines = [line.strip() for line in "".join(parser.parts).replace("\xa0", " ").splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def strip_quoted(text: str) -> str:
    """The part of a plain-text mail the person wrote this time: up to the quoted history ("On … wrote:", "…
    написал(а):", Outlook's "From:/Sent:" block, "-----Original Message-----"), without ``>`` lines and without
    the signature (after "-- "). If nothing is left (a mail of quotes only), the text as it was."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if line.rstrip() in ("--", "-- ") or _SEPARATORS.match(line) or _DEVICE_SIGNATURE.match(line):
            break
        joined = f"{line.strip()} {lines[index + 1].strip()}" if index + 1 < len(lines) else line.strip()
        if _ATTRIBUTION.match(line.strip()) or (not line.strip().endswith(":") and _ATTRIBUTION.match(joined)):
            break
        if _OUTLOOK_FROM.match(line) and any(_OUTLOOK_NEXT.match(n) for n in lines[index + 1 : index + 4]):
            break
        if _introduces_quote(line, lines[index + 1 :]):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    result = "\n".join(kept).strip()
    return re.sub(r"\n{3,}", "\n\n", result) if result else text.strip()


def _introduces_quote(line: str, rest: list[str]) -> bool:
    """An attribution line in a language the patterns do not know: it ends with ":", names a date or an address,
    and quoted lines follow it."""
    stripped = line.strip()
    if not stripped.endswith(":") or not re.search(r"\d|@", stripped):
        return False
    following = next((n for n in rest if n.strip()), "")
    return following.lstrip().startswith(">")


def reply_subject(subject: str) -> str:
    """``Re: <subject>`` with any reply or forward prefixes it already had removed, so they never stack."""
    base = _REPLY_PREFIX.sub("", subject or "").strip()
    return f"Re: {base}" if base else "Re:"


def reply_references(references: tuple[str, ...] | list[str], message_id: str | None) -> list[str]:
    """The ``References`` of a reply: the parent's references and the parent's id, each once, trimmed to the
    first one and the latest ones when the thread is long."""
    chain: list[str] = []
    for ref in [*references, *([message_id] if message_id else [])]:
        if ref not in chain:
            chain.append(ref)
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1) :]]
    return chain


@dataclass(frozen=True)
class ThreadRef:
    """The customer's latest mail in a conversation, which a reply answers. ``thread_id``: Gmail's thread."""

    message_id: str | None
    references: tuple[str, ...]
    subject: str
    thread_id: str | None = None


def build_reply(
    *,
    sender: str,
    sender_name: str | None,
    to: str,
    text: str,
    thread: ThreadRef | None,
    channel_marker: str,
) -> EmailMessage:
    """A plain-text reply to ``to`` in ``thread`` (a new mail when there is none), marked as the platform's."""
    reply = EmailMessage(policy=policy.SMTP)
    local, _, domain = sender.partition("@")
    reply["From"] = Address(display_name=sender_name or "", username=local, domain=domain) if domain else sender
    reply["To"] = to
    reply["Subject"] = reply_subject(thread.subject) if thread is not None else "Re:"
    reply["Date"] = format_datetime(utcnow())
    reply["Message-ID"] = make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain or None)
    if thread is not None and thread.message_id:
        reply["In-Reply-To"] = thread.message_id
        reply["References"] = " ".join(reply_references(thread.references, thread.message_id))
    reply["Auto-Submitted"] = "auto-replied"  # RFC 3834: other robots must not answer it in turn
    reply[PLATFORM_HEADER] = channel_marker
    reply.set_content(text, cte="quoted-printable")
    return reply
