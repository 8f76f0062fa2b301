"""FAQ entries as shipped in ``docs/faq/<language>/<id>.md``: a front matter with ``id``, ``title`` and optional
``keywords`` (comma-separated words people use for the topic), then the answer in Markdown. One file per entry and
language; the same ``id`` in each language is the same entry."""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from x8.runtime import ROOT

log = logging.getLogger(__name__)
FAQ_DIR = ROOT / "docs" / "faq"
LANGUAGES = ("en", "ru")
_FRONT = re.compile(r"\A---\n(?P<head>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")


@dataclass(frozen=True)
class Entry:
    id: str
    language: str
    title: str
    keywords: tuple[str, ...]
    body: str


class BadEntry(ValueError):
    pass


def parse(text: str, language: str) -> Entry:
    """One entry from its file's text; ``BadEntry`` names what is wrong."""
    match = _FRONT.match(text.replace("\r\n", "\n"))
    if match is None:
        raise BadEntry("no front matter between --- lines")
    head: dict[str, str] = {}
    for line in match["head"].splitlines():
        key, sep, value = line.partition(":")
        if sep:
            head[key.strip()] = value.strip()
    entry_id, title, body = head.get("id", ""), head.get("title", ""), match["body"].strip()
    if not _ID.match(entry_id):
        raise BadEntry(f"bad or missing id {entry_id!r}")
    if not title or not body:
        raise BadEntry("an entry needs a title and an answer")
    keywords = tuple(k.strip() for k in head.get("keywords", "").split(",") if k.strip())
    return Entry(id=entry_id, language=language, title=title, keywords=keywords, body=body)


@functools.lru_cache(maxsize=4)
def load(directory: Path = FAQ_DIR) -> tuple[Entry, ...]:
    """Every entry under ``directory``, read once per process. A broken file is logged and skipped: one bad entry
    must not take the FAQ bot down."""
    found: list[Entry] = []
    for language in LANGUAGES:
        for path in sorted((directory / language).glob("*.md")):
            try:
                found.append(parse(path.read_text(encoding="utf-8"), language))
            except (BadEntry, OSError, UnicodeDecodeError) as exc:
                log.warning("FAQ entry %s skipped: %s", path.name, exc)
    return tuple(found)
