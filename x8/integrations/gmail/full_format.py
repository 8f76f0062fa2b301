"""Gmail's ``format=full`` message as an ``email`` message, so Gmail's mail and IMAP's are read by one parser
(``x8.channel_adapters.email_parsing``).

In ``format=full`` every part keeps its own headers, and its ``body.data`` is the decoded content in base64url
(large attachments have an ``attachmentId`` and no data). Each leaf is rebuilt with base64 transfer encoding over
that content; an attachment left out keeps its size as the ``Content-Disposition`` ``size`` parameter.
"""

from __future__ import annotations

import base64
import binascii
from email import policy
from email.message import EmailMessage
from typing import Any

_DROPPED = frozenset({"content-transfer-encoding", "content-length"})


def _decoded(data: object) -> bytes:
    if not isinstance(data, str):
        return b""
    try:
        return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        return b""


def _part(node: dict[str, Any]) -> EmailMessage:
    part = EmailMessage(policy=policy.compat32)
    for header in node.get("headers") or []:
        name, value = header.get("name"), header.get("value")
        if isinstance(name, str) and isinstance(value, str) and name.lower() not in _DROPPED:
            part[name] = value
    mime_type = str(node.get("mimeType") or "text/plain")
    if "content-type" not in {k.lower() for k in part}:
        part["Content-Type"] = mime_type
    children = node.get("parts") or []
    if mime_type.startswith("multipart/") and children:
        part.set_payload([_part(child) for child in children if isinstance(child, dict)])
        return part
    body = node.get("body") or {}
    content = _decoded(body.get("data"))
    part["Content-Transfer-Encoding"] = "base64"
    part.set_payload(base64.b64encode(content).decode("ascii"))
    size = body.get("size")
    if not content and body.get("attachmentId") and isinstance(size, int):
        disposition = part.get("Content-Disposition") or "attachment"
        del part["Content-Disposition"]
        part["Content-Disposition"] = f"{disposition}; size={size}"
    return part


def to_message(full: dict[str, Any]) -> EmailMessage:
    payload = full.get("payload")
    return _part(payload if isinstance(payload, dict) else {})
