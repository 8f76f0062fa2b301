"""The distinct words of each KB (``kb_vocabulary``: one row per word and trigram), for correcting misspelled
query words.

Maintained on import and on row edits. A deleted row's words stay until the next replace import: a stale word
can only suggest a correction that then matches no row, so it costs nothing but a little ranking noise.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import text

from x8.kb_engine.rows import KbItem
from x8.kb_engine.trigrams import similarity, vocabulary_words, word_trigrams
from x8.tenancy.session import TenantSession

MIN_SIMILARITY = 0.4  # typos of real words score 0.45–0.65; unrelated words about 0.25
NEAR_BEST = 0.1  # alternatives this close to the best correction are searched too
MAX_ALTERNATIVES = 3

PER_WORD = 50  # candidates per query word, by shared trigrams; similarity then decides
# The same trigrams as x8.kb_engine.trigrams.word_trigrams: "  word " cut in threes.
_ADD = text("""
INSERT INTO kb_vocabulary (kb_id, trigram, word)
SELECT DISTINCT CAST(:kb AS uuid), substr('  ' || w || ' ', n, 3), w
FROM unnest(CAST(:words AS text[])) AS w, generate_series(1, length(w) + 1) AS n
ON CONFLICT DO NOTHING
""")


def item_words(item: KbItem) -> set[str]:
    fields = (item.name, item.sku or "", item.category or "", " ".join(item.tags), item.description)
    return set(vocabulary_words(" ".join(fields)))


async def add_words(ts: TenantSession, kb_id: uuid.UUID, new_words: Iterable[str]) -> None:
    batch = sorted(set(new_words))
    if batch:
        await ts.execute(_ADD, {"kb": kb_id, "words": batch})


async def clear(ts: TenantSession, kb_id: uuid.UUID) -> None:
    await ts.execute(text("DELETE FROM kb_vocabulary WHERE kb_id = :kb"), {"kb": kb_id})


async def corrections(ts: TenantSession, kb_ids: list[uuid.UUID], query_words: list[str]) -> dict[str, list[str]]:
    """For each query word, the KB words it most likely means (itself when the KB has it), best first.

    One round trip: per query word, the vocabulary words sharing the most trigrams with it (B-tree equality
    lookups), which are then scored here by pg_trgm's similarity.
    """
    if not query_words:
        return {}
    branches = " UNION ".join(
        f"(SELECT word FROM kb_vocabulary WHERE kb_id = ANY(CAST(:kbs AS uuid[])) "  # noqa: S608 - placeholders
        f"AND trigram = ANY(CAST(:t{i} AS text[])) GROUP BY word ORDER BY count(*) DESC, word LIMIT :n)"
        for i in range(len(query_words))
    )
    params = {f"t{i}": sorted(word_trigrams(w)) for i, w in enumerate(query_words)}
    result = await ts.execute(text(branches), {"kbs": kb_ids, "n": PER_WORD, **params})
    candidates = [r[0] for r in result]
    found: dict[str, list[str]] = {}
    for query_word in query_words:
        if query_word in candidates:
            found[query_word] = [query_word]
            continue
        scored = sorted(
            ((similarity(query_word, c), c) for c in candidates), key=lambda sc: (-sc[0], len(sc[1]), sc[1])
        )
        if scored and scored[0][0] >= MIN_SIMILARITY:
            best = scored[0][0]
            found[query_word] = [c for s, c in scored[:MAX_ALTERNATIVES] if s >= max(MIN_SIMILARITY, best - NEAR_BEST)]
    return found
