"""R-K5: search results come best first, whichever stage found them (every word, any word, typo corrections)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import bearer
from tests.kb_engine.helpers import business_company, upload
from x8.conversations.assistant.evaluation.labelled import HERE

SHOES = {"SP-PEG", "SP-NIM", "SP-GHO", "SP-TRL"}


async def _search(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str, q: str) -> list[Any]:
    r = await client.get(
        "/api/v1/knowledge-base/search", params={"company_id": company_id, "q": q, "limit": 10}, headers=bearer(tokens)
    )
    assert r.status_code == 200, r.text
    results: list[Any] = r.json()["results"]
    return results


async def test_results_from_every_stage_come_best_first(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client, "order@example.com")
    catalogue = (HERE / "catalogues" / "sports_en.csv").read_bytes()
    assert (await upload(client, tokens, company["id"], catalogue, "sports.csv")).status_code == 200
    # "runing" is corrected (stage 3) while "shoes" alone matches as typed (stage 2): several stages answer.
    results = await _search(client, tokens, company["id"], "runing shoes")
    scores = [r["score"] for r in results]
    assert len(set(scores)) > 2, scores  # rows of different stages, not one stage's ties
    assert scores == sorted(scores, reverse=True)
    assert {r["row"]["sku"] for r in results[: len(SHOES)]} == SHOES


async def test_each_result_says_how_it_matched(client: httpx.AsyncClient) -> None:
    """The dashboard shows a label instead of a raw score: rows with every word first, then rows with only some."""
    tokens, company = await business_company(client, "match-label@example.com")
    catalogue = (HERE / "catalogues" / "sports_en.csv").read_bytes()
    assert (await upload(client, tokens, company["id"], catalogue, "sports.csv")).status_code == 200
    results = await _search(client, tokens, company["id"], "runing shoes")
    matches = [r["match"] for r in results]
    assert matches[0] == "all" and "some" in matches, matches
    assert matches == sorted(matches), "every 'all' comes before every 'some'"
    only = await _search(client, tokens, company["id"], "shoes")
    assert only and {r["match"] for r in only} == {"all"}
