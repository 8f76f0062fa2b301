"""Hybrid KB search (SPEC.md R-K5). Only the tenant's own schema is ever searched.

Stages, so the common case stays one full-text index lookup:
1. Full text, every word: the company's language (``websearch_to_tsquery``, stemmed) or ``simple`` prefixes
   (``word:*``, for partial words and SKUs), ranked. At most ``CANDIDATES`` matches are ranked, so a very common
   word costs a bounded amount.
2. When that finds fewer than ``limit`` rows: any word ("olive oil" still finds the olives).
3. When that still finds too few (a typo): each query word is corrected against the KB's vocabulary
   (``x8.kb_engine.vocabulary``: a few thousand distinct words with their trigrams, not the rows), and the
   corrected words run through stages 1–2 again, scored down by how sure the correction is.

score = 2·(language rank) + (simple rank), times the stage's weight (½ for any word; the correction's similarity
in stage 3, halved for any corrected word). Results come best first (R-K5): the rows that match every word, by
score, then those that match only some (``best_first``).
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from sqlalchemy import text

from x8.kb_engine import vocabulary
from x8.kb_engine.embeddings import to_pgvector
from x8.kb_engine.store import PUBLIC_COLUMNS, _row, has_embeddings_table, public_reader, search_config
from x8.kb_engine.trigrams import similarity, vocabulary_words, words
from x8.tenancy.session import TenantSession

CANDIDATES = 300
_DIGIT = re.compile(r"\d")
_COLUMNS = ", ".join("i." + c for c in PUBLIC_COLUMNS)

# The tsqueries are written out where they are used, not in a CTE: a CTE makes them a join input, and the
# planner then filters every row of the KB instead of asking the GIN index (100 ms instead of 5 on 100k rows).
# The GIN index is only usable under row-level security because control-plane migration 0007 marks ``@@``
# leakproof (see docs/decisions.md); without that, every search reads the whole KB.
_FULL_TEXT_TEMPLATE = f"""
WITH hits AS (
    SELECT i.* FROM kb_items i
    WHERE i.kb_id = ANY(CAST(:kbs AS uuid[]))
      AND (i.search_vector @@ {{lang}} OR i.search_vector @@ to_tsquery('simple', :prefix))
      AND NOT (i.id = ANY(CAST(:exclude AS uuid[])))
    LIMIT :candidates
)
SELECT {_COLUMNS},
       2 * ts_rank_cd(i.search_vector, {{lang}}) + ts_rank_cd(i.search_vector, to_tsquery('simple', :prefix)) AS score
FROM hits i
ORDER BY score DESC, i.position
LIMIT :limit
"""  # noqa: S608 - constant column names and query shapes only
# Every word must match ...
_FULL_TEXT = text(_FULL_TEXT_TEMPLATE.replace("{lang}", "websearch_to_tsquery(CAST(:config AS regconfig), :query)"))
# ... or, when that finds too little, any word.
_ANY_WORD = text(
    _FULL_TEXT_TEMPLATE.replace(
        "{lang}",
        "to_tsquery(CAST(:config AS regconfig), "
        "replace(plainto_tsquery(CAST(:config AS regconfig), :query)::text, ' & ', ' | '))",
    )
)
# Corrected words, as a tsquery built from vocabulary words (which are \w+ only): "(iphone | phone) & (case)".
_CORRECTED = text(_FULL_TEXT_TEMPLATE.replace("{lang}", "to_tsquery(CAST(:config AS regconfig), :query)"))
# The first stage of several searches in one statement (``search_many``): each query a row of ``:queries``, its
# stage run for it as ``_FULL_TEXT`` runs it alone (the row's words are the index scan's parameters).
_FULL_TEXT_EACH = text(f"""
SELECT q.n, hit.* FROM jsonb_to_recordset(CAST(:queries AS jsonb)) AS q(n integer, query text, prefix text, lim integer)
CROSS JOIN LATERAL (
    SELECT {_COLUMNS},
           2 * ts_rank_cd(i.search_vector, websearch_to_tsquery(CAST(:config AS regconfig), q.query))
             + ts_rank_cd(i.search_vector, to_tsquery('simple', q.prefix)) AS score
    FROM (
        SELECT i.* FROM kb_items i
        WHERE i.kb_id = ANY(CAST(:kbs AS uuid[]))
          AND (i.search_vector @@ websearch_to_tsquery(CAST(:config AS regconfig), q.query)
               OR i.search_vector @@ to_tsquery('simple', q.prefix))
        LIMIT :candidates
    ) i
    ORDER BY score DESC, i.position
    LIMIT q.lim
) hit
""")  # noqa: S608 - constant column names and query shapes only


# What is searched of a long text: its beginning (an assistant searches with the customer's whole message, which
# may be 20,000 characters). websearch_to_tsquery and the prefix query grow with every word.
MAX_QUERY_CHARS = 500
MAX_TERMS = 24
MAX_CODE = 80


def searchable(query: str) -> str:
    """The query as it is searched: NUL and runs of whitespace collapsed, at most ``MAX_QUERY_CHARS``."""
    return " ".join(query.replace("\x00", " ").split())[:MAX_QUERY_CHARS]


def _alnum(text: str) -> str:
    """Letters and digits only: the one alphabet that can never be tsquery syntax (quotes, ``&|!():*``, ``_``)."""
    return re.sub(r"[\W_]", "", text)


def _prefix_query(query: str, joiner: str = " & ") -> str | None:
    """'red appl' → 'red:* & appl:*' for the simple configuration; None when the query has no letter or digit
    (only '?', an emoji, punctuation), which no lexical stage can match.

    A product code is searched by its compact form ('SKU-0424' → 'sku0424:*'), which matches the compact SKU
    lexeme every row with a SKU carries (tenant migration t0004)."""
    compact = _alnum(query.casefold())[:MAX_CODE]
    if not compact:
        return None
    if _looks_like_code(query):
        return compact + ":*"
    terms = [t for t in (_alnum(w) for w in words(query)) if t][:MAX_TERMS]
    if not terms:  # only one-letter words ("a'b"): the letters together
        return compact + ":*"
    prefix = joiner.join(f"{t}:*" for t in terms)
    return f"({prefix}) | {compact}:*" if _DIGIT.search(compact) else prefix  # "SKU 0424" may be a code too


def _looks_like_code(query: str) -> bool:
    """One token with a digit ("SKU-0424", "a55"): searched as a code, not as words, and never corrected."""
    return " " not in query and _DIGIT.search(query) is not None and len(re.sub(r"[\W_]", "", query)) >= 3


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
    enough: int | None = None,
    query_vector: list[float] | None = None,
    model: str | None = None,
) -> list[dict[str, Any]]:
    """Lexical hits (full text, then trigrams), blended with pgvector similarity when a query vector is given."""
    query = searchable(query)
    if not query or not kb_ids:
        return []
    prefix = _prefix_query(query)
    hits = (
        await _lexical(ts, kb_ids, query, prefix, language=language, limit=limit, enough=enough or limit)
        if prefix is not None
        else []
    )
    for hit in hits:  # the first stage alone (every word, or a product code) needs no grouping
        hit.setdefault("match", "all")
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
            by_id[mapping["id"]] = {"row": _row(mapping), "score": round(similarity, 4), "match": "similar"}
    return sorted(by_id.values(), key=lambda h: -h["score"])[:limit]


async def search_many(
    ts: TenantSession, kb_ids: list[uuid.UUID], asked: list[tuple[str, int]], *, language: str, enough: int
) -> list[list[dict[str, Any]]]:
    """Lexical searches, each ``(query, limit)`` found as ``search`` finds it with no query vector, the first
    stage of all of them in one statement (the later stages, for the few that find too little, one by one)."""
    if not kb_ids:
        return [[] for _ in asked]
    queries = [searchable(query) for query, _ in asked]
    prefixes = [_prefix_query(query) if query else None for query in queries]
    rows: list[dict[str, Any]] = [
        {"n": n, "query": query, "prefix": prefix, "lim": limit}
        for n, ((_, limit), query, prefix) in enumerate(zip(asked, queries, prefixes, strict=True))
        if prefix is not None
    ]
    firsts: dict[int, list[dict[str, Any]]] = {row["n"]: [] for row in rows}
    if rows:
        config = search_config(language)
        params = {"queries": json.dumps(rows), "config": config, "kbs": kb_ids, "candidates": CANDIDATES}
        for n, hit in await _run_each(ts, params):
            firsts[n].append(hit)
    found: list[list[dict[str, Any]]] = []
    for n, ((_, limit), query, prefix) in enumerate(zip(asked, queries, prefixes, strict=True)):
        if prefix is None:
            found.append([])
            continue
        hits = firsts[n]
        if len(hits) < enough and not _looks_like_code(query):
            hits = await _later_stages(ts, _params(kb_ids, query, prefix, language, limit), query, hits, enough=enough)
        for hit in hits:
            hit.setdefault("match", "all")
        found.append(hits)
    return found


async def _run_each(ts: TenantSession, params: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    result = await ts.execute(_FULL_TEXT_EACH, params)
    keys = list(result.keys())
    read, score, n = public_reader(keys), keys.index("score"), keys.index("n")
    return [(row[n], {"row": read(row), "score": round(float(row[score]), 4)}) for row in result]


def _params(kb_ids: list[uuid.UUID], query: str, prefix: str, language: str, limit: int) -> dict[str, Any]:
    return {
        "config": search_config(language),
        "query": query,
        "prefix": prefix,
        "kbs": kb_ids,
        "limit": limit,
        "candidates": CANDIDATES,
        "exclude": [],
    }


async def _lexical(
    ts: TenantSession, kb_ids: list[uuid.UUID], query: str, prefix: str, *, language: str, limit: int, enough: int
) -> list[dict[str, Any]]:
    params = _params(kb_ids, query, prefix, language, limit)
    hits = await _run(ts, _FULL_TEXT, params, weight=1.0)
    # Later stages only run while fewer than ``enough`` rows were found (the assistant is content with one good
    # stage; the search box fills up to ``limit``).
    if len(hits) >= enough or _looks_like_code(query):
        return hits
    return await _later_stages(ts, params, query, hits, enough=enough)


async def _later_stages(
    ts: TenantSession, params: dict[str, Any], query: str, hits: list[dict[str, Any]], *, enough: int
) -> list[dict[str, Any]]:
    query_words = words(query)[:MAX_TERMS]
    typed = [w for w in vocabulary_words(query) if len(w) >= 3][:MAX_TERMS]
    fixes = await vocabulary.corrections(ts, params["kbs"], typed)
    changed = {w: alts for w, alts in fixes.items() if alts != [w]}
    groups = [fixes.get(w, [w]) for w in query_words if w in fixes]
    certainty = min((similarity(w, alts[0]) for w, alts in changed.items()), default=1.0)
    # Every word (as corrected), then any word as typed, then any word as corrected: "coffe beans" finds the
    # coffee beans, and they come before everything else that has beans.
    if changed:
        hits += await _run_corrected(ts, params, hits, groups, " & ", weight=certainty)
    some: list[dict[str, Any]] = []  # rows that match only some of the words
    any_prefix = _prefix_query(query, " | ")
    if len(hits) < enough and len(query_words) > 1 and any_prefix is not None:
        some += await _run(ts, _ANY_WORD, _more(params, hits, prefix=any_prefix), weight=0.5)
    if changed and len(hits) + len(some) < enough and len(groups) > 1:
        some += await _run_corrected(ts, params, hits + some, groups, " | ", weight=certainty / 2)
    return best_first(hits, some)


def best_first(every_word: list[dict[str, Any]], some_words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows that match every word (as typed or corrected) by score, then rows that match only some, by score.

    A rank counts each matching word wherever it appears, so a row that repeats one word ("Running Socks …
    running socks", tagged "running") can outrank the rows that match every word; it never comes before them.
    The second group's scores are scaled (in proportion) below the first's, so the scores shown stay in order.
    """
    complete = sorted(({**h, "match": "all"} for h in every_word), key=lambda h: -h["score"])
    partial = sorted(({**h, "match": "some"} for h in some_words), key=lambda h: -h["score"])
    if complete and partial and partial[0]["score"] >= complete[-1]["score"]:
        scale = complete[-1]["score"] * 0.9 / partial[0]["score"]
        partial = [{**h, "score": round(h["score"] * scale, 4)} for h in partial]
    return complete + partial


async def _run_corrected(
    ts: TenantSession,
    params: dict[str, Any],
    hits: list[dict[str, Any]],
    groups: list[list[str]],
    joiner: str,
    *,
    weight: float,
) -> list[dict[str, Any]]:
    """Stage 3: each query word replaced by its corrections ("(iphone | phone) & (case)")."""
    clean = [alts for alts in ([t for t in (_alnum(a) for a in group) if t] for group in groups) if alts]
    if not clean:
        return []
    corrected = joiner.join("(" + " | ".join(alts) + ")" for alts in clean)
    prefix = joiner.join("(" + " | ".join(f"{a}:*" for a in alts) + ")" for alts in clean)
    return await _run(ts, _CORRECTED, _more(params, hits, query=corrected, prefix=prefix), weight=weight)


def _more(params: dict[str, Any], hits: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    """The parameters for a later stage: the rows already found are excluded and count towards the limit."""
    return {**params, **changes, "exclude": [h["row"]["id"] for h in hits], "limit": params["limit"] - len(hits)}


async def _run(ts: TenantSession, statement: Any, params: dict[str, Any], *, weight: float) -> list[dict[str, Any]]:
    result = await ts.execute(statement, params)
    keys = list(result.keys())
    read, score = public_reader(keys), keys.index("score")
    return [{"row": read(row), "score": round(float(row[score]) * weight, 4)} for row in result]
