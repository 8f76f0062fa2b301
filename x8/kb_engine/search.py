"""Hybrid KB search (SPEC.md R-K5). Only the tenant's own schema is ever searched.

Two stages, so the common case stays an index lookup:
1. Full text: the company's language (``websearch_to_tsquery``) and ``simple`` prefixes (``word:*``), ranked.
   At most ``CANDIDATES`` matches are ranked, so a very common word costs a bounded amount.
2. Only when stage 1 finds fewer than ``limit`` rows (a typo, a partial SKU…): character trigrams. A row
   qualifies through the GIN index when it contains an adjacent *pair* of the query's trigrams, which a typo
   rarely breaks everywhere and which is far more selective than one trigram; it is kept when it shares at
   least ``MIN_TRIGRAM_SHARE`` of the query's trigrams.

score = 2·(language rank) + (simple rank) + 1.5·(share of the query's trigrams the row has)
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import text

from x8.kb_engine.embeddings import to_pgvector
from x8.kb_engine.store import PUBLIC_COLUMNS, _row, has_embeddings_table, search_config
from x8.kb_engine.trigrams import query_trigram_pairs, query_trigrams, words
from x8.tenancy.session import TenantSession

MIN_TRIGRAM_SHARE = 0.5  # typos of real words share >= 0.7 of trigrams; unrelated words about 0.4
CANDIDATES = 300
TRIGRAM_CANDIDATES = 100
_COLUMNS = ", ".join("i." + c for c in PUBLIC_COLUMNS)
_SHARE = (
    "(SELECT count(*) FROM unnest(i.trigrams) t WHERE t = ANY(CAST(:trigrams AS text[])))::float "
    "/ greatest(cardinality(CAST(:trigrams AS text[])), 1)"
)

_FULL_TEXT_TEMPLATE = f"""
WITH q AS (
    SELECT {{lang}} AS lang, to_tsquery('simple', :prefix) AS simple
), hits AS (
    SELECT i.* FROM kb_items i, q
    WHERE i.kb_id = ANY(CAST(:kbs AS uuid[])) AND (i.search_vector @@ q.lang OR i.search_vector @@ q.simple)
      AND NOT (i.id = ANY(CAST(:exclude AS uuid[])))
    LIMIT :candidates
)
SELECT {_COLUMNS},
       2 * ts_rank_cd(i.search_vector, q.lang) + ts_rank_cd(i.search_vector, q.simple) + 1.5 * {_SHARE} AS score
FROM hits i, q
ORDER BY score DESC, i.position
LIMIT :limit
"""  # noqa: S608 - constant column names and query shapes only
# Every word must match ...
_FULL_TEXT = text(_FULL_TEXT_TEMPLATE.replace("{lang}", "websearch_to_tsquery(CAST(:config AS regconfig), :query)"))
# ... or, when that finds too little, any word ("olive oil" still finds the olives).
_ANY_WORD = text(
    _FULL_TEXT_TEMPLATE.replace(
        "{lang}",
        "to_tsquery(CAST(:config AS regconfig), "
        "replace(plainto_tsquery(CAST(:config AS regconfig), :query)::text, ' & ', ' | '))",
    )
)

_TRIGRAMS = text(f"""
WITH hits AS (
    SELECT i.* FROM kb_items i
    WHERE i.kb_id = ANY(CAST(:kbs AS uuid[])) AND ({{pairs}}) AND NOT (i.id = ANY(CAST(:exclude AS uuid[])))
    LIMIT :candidates
)
SELECT {_COLUMNS}, 1.5 * {_SHARE} AS score, {_SHARE} AS share
FROM hits i
ORDER BY score DESC, i.position
""")  # noqa: S608


def _prefix_query(query: str, joiner: str = " & ") -> str:
    """'red appl' → 'red:* & appl:*' for the simple configuration (only word characters reach it)."""
    terms = [re.sub(r"\W", "", w) for w in words(query)]
    return joiner.join(f"{t}:*" for t in terms if t) or "''"


def _pair_filter(count: int) -> str:
    """SQL that is true when the row holds any adjacent pair of query trigrams (bound as :p0, :p1, …)."""
    return " OR ".join(f"i.trigrams @> CAST(:p{i} AS text[])" for i in range(count)) or "false"


MIN_SIMILARITY = 0.5

_SEMANTIC = text(f"""
SELECT {_COLUMNS}, 1 - (e.embedding <=> CAST(:vector AS vector)) AS similarity
FROM kb_embeddings e JOIN kb_items i ON i.id = e.item_id
WHERE i.kb_id = ANY(CAST(:kbs AS uuid[])) AND e.model = :model
ORDER BY e.embedding <=> CAST(:vector AS vector)
LIMIT :limit
""")  # noqa: S608


async def search(
    ts: TenantSession,
    kb_ids: list[uuid.UUID],
    query: str,
    *,
    language: str,
    limit: int = 10,
    query_vector: list[float] | None = None,
    model: str | None = None,
) -> list[dict[str, Any]]:
    """Lexical hits (full text, then trigrams), blended with pgvector similarity when a query vector is given."""
    query = query.strip()
    if not query or not kb_ids:
        return []
    hits = await _lexical(ts, kb_ids, query, language=language, limit=limit)
    if query_vector is None or model is None or not await has_embeddings_table(ts):
        return hits
    by_id = {h["row"]["id"]: h for h in hits}
    result = await ts.execute(
        _SEMANTIC, {"vector": to_pgvector(query_vector), "kbs": kb_ids, "model": model, "limit": limit}
    )
    for mapping in result.mappings():
        similarity = float(mapping["similarity"])
        if similarity < MIN_SIMILARITY:
            continue
        existing = by_id.get(mapping["id"])
        if existing is not None:
            existing["score"] = round(existing["score"] + similarity, 4)
        else:
            by_id[mapping["id"]] = {"row": _row(mapping), "score": round(similarity, 4)}
    return sorted(by_id.values(), key=lambda h: -h["score"])[:limit]


async def _lexical(
    ts: TenantSession, kb_ids: list[uuid.UUID], query: str, *, language: str, limit: int
) -> list[dict[str, Any]]:
    tris = query_trigrams(query)
    params: dict[str, Any] = {
        "config": search_config(language),
        "query": query,
        "prefix": _prefix_query(query),
        "trigrams": tris,
        "kbs": kb_ids,
        "limit": limit,
        "candidates": CANDIDATES,
        "exclude": [],
    }
    result = await ts.execute(_FULL_TEXT, params)
    hits: list[dict[str, Any]] = [{"row": _row(m), "score": round(float(m["score"]), 4)} for m in result.mappings()]
    if len(hits) < limit and len(words(query)) > 1:
        more_text = await ts.execute(
            _ANY_WORD,
            {
                **params,
                "prefix": _prefix_query(query, " | "),
                "exclude": [h["row"]["id"] for h in hits],
                "limit": limit - len(hits),
            },
        )
        hits += [{"row": _row(m), "score": round(float(m["score"]) / 2, 4)} for m in more_text.mappings()]
    if len(hits) >= limit or len(tris) < 2:
        return hits
    pairs = query_trigram_pairs(query)
    if not pairs:
        return hits
    statement = text(_TRIGRAMS.text.replace("{pairs}", _pair_filter(len(pairs))))
    more = await ts.execute(
        statement,
        {
            **params,
            **{f"p{i}": p for i, p in enumerate(pairs)},
            "exclude": [h["row"]["id"] for h in hits],
            "candidates": TRIGRAM_CANDIDATES,
        },
    )
    for mapping in more.mappings():
        if float(mapping["share"]) >= MIN_TRIGRAM_SHARE and len(hits) < limit:
            hits.append({"row": _row(mapping), "score": round(float(mapping["score"]), 4)})
    return hits
