"""Hybrid KB search (SPEC.md R-K5): full-text (the company's language and ``simple``, with prefixes) plus
character-trigram overlap for typos and partial words. Only the tenant's own schema is ever searched.

score = 2·(language rank) + (simple rank) + 1.5·(share of the query's trigrams the item has)
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import text

from x8.kb_engine.store import PUBLIC_COLUMNS, _row, search_config
from x8.kb_engine.trigrams import query_trigrams, words
from x8.tenancy.session import TenantSession

MIN_TRIGRAM_SHARE = 0.5  # typos of real words share ≥ 0.7 of trigrams; unrelated words ~0.4

_SEARCH = text(f"""
WITH q AS (
    SELECT websearch_to_tsquery(CAST(:config AS regconfig), :query) AS lang,
           to_tsquery('simple', :prefix) AS simple
)
SELECT *, 2 * rank_lang + rank_simple + 1.5 * trigram_share AS score
FROM (
    SELECT {", ".join("i." + c for c in PUBLIC_COLUMNS)},
           ts_rank_cd(i.search_vector, q.lang) AS rank_lang,
           ts_rank_cd(i.search_vector, q.simple) AS rank_simple,
           (i.search_vector @@ q.lang OR i.search_vector @@ q.simple) AS text_match,
           (SELECT count(*) FROM unnest(i.trigrams) t WHERE t = ANY(CAST(:trigrams AS text[])))::float
               / greatest(cardinality(CAST(:trigrams AS text[])), 1) AS trigram_share
    FROM kb_items i, q
    WHERE i.kb_id = ANY(CAST(:kbs AS uuid[]))
      AND (i.search_vector @@ q.lang OR i.search_vector @@ q.simple OR i.trigrams && CAST(:trigrams AS text[]))
) ranked
WHERE text_match OR trigram_share >= :min_share
ORDER BY score DESC, position
LIMIT :limit
""")  # noqa: S608 - column names are constants


def _prefix_query(query: str) -> str:
    """'red appl' → 'red:* & appl:*' for the simple configuration (only word characters reach it)."""
    terms = [re.sub(r"\W", "", w) for w in words(query)]
    return " & ".join(f"{t}:*" for t in terms if t) or "''"


async def search(
    ts: TenantSession, kb_ids: list[uuid.UUID], query: str, *, language: str, limit: int = 10
) -> list[dict[str, Any]]:
    query = query.strip()
    if not query or not kb_ids:
        return []
    tris = query_trigrams(query)
    result = await ts.execute(
        _SEARCH,
        {
            "config": search_config(language),
            "query": query,
            "prefix": _prefix_query(query),
            "trigrams": tris,
            "kbs": kb_ids,
            "limit": limit,
            "min_share": MIN_TRIGRAM_SHARE,
        },
    )
    # A hit found only by trigrams must share a good part of the query's trigrams, or it is noise.
    return [{"row": _row(m), "score": round(float(m["score"]), 4)} for m in result.mappings()]
