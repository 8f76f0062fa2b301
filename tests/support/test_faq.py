"""The FAQ bot (SPEC.md R-S2): entries from docs/faq in English and Russian, answers in the question's language
citing the entries used, honest when the FAQ does not cover a question, and n8n when N8N_AI_FAQ_URL is set (the
built-in engine when n8n fails)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import app_client, bearer, make_settings, register
from tests.fakes.faq_n8n import WEBHOOK_PATH, FaqWorkflow
from tests.fakes.server import serve_in_thread
from x8.platform.support.faq import entries

ASK = "/api/v1/support/ai-faq/chat"
STATUS = "/api/v1/support/ai-faq/status"


async def ask(client: httpx.AsyncClient, tokens: dict[str, str], message: str) -> dict[str, object]:
    r = await client.post(ASK, headers=bearer(tokens), json={"message": message})
    assert r.status_code == 200, r.text
    answer: dict[str, object] = r.json()
    return answer


def source_ids(answer: dict[str, object]) -> list[str]:
    sources = answer["sources"]
    assert isinstance(sources, list)
    return [s["id"] for s in sources]


def test_the_shipped_faq_covers_the_topics_in_both_languages() -> None:
    shipped = entries.load()
    by_language = {lang: {e.id for e in shipped if e.language == lang} for lang in entries.LANGUAGES}
    assert by_language["en"] == by_language["ru"], "every entry exists in English and Russian"
    assert 15 <= len(by_language["en"]) <= 25
    for topic in (
        "connect-telegram",
        "connect-whatsapp",
        "connect-instagram-facebook",
        "connect-gmail-email",
        "tiktok-leads",
        "plans-and-prices",
        "trial",
        "subscription-expired",
        "kb-file-format",
        "receive-payments",
        "sandbox-payments",
        "booking-in-chat",
        "n8n",
        "delete-account",
    ):
        assert topic in by_language["en"]


@pytest.mark.parametrize(
    ("question", "entry", "word"),
    [
        ("How do I connect WhatsApp?", "connect-whatsapp", "QR"),
        ("how much does it cost per month?", "plans-and-prices", "$19.99"),
        ("What happens when my trial ends?", "subscription-expired", "pause"),
        ("which columns does the catalogue file need", "kb-file-format", "description"),
        ("Как подключить вотсап?", "connect-whatsapp", "QR-код"),
        ("Сколько стоит тариф Growth?", "plans-and-prices", "$49,99"),
        ("Как удалить аккаунт?", "delete-account", "Профиль"),
        ("Как принимать оплату от клиентов?", "receive-payments", "Stripe Connect"),
        ("whatsap qr code", "connect-whatsapp", "QR"),  # a typo still finds it
    ],
)
async def test_answers_cite_the_entry_in_the_question_language(
    client: httpx.AsyncClient, question: str, entry: str, word: str
) -> None:
    tokens = await register(client)
    answer = await ask(client, tokens, question)
    assert answer["engine"] == "builtin"
    assert source_ids(answer)[0] == entry
    assert word in str(answer["answer"])
    cited = {(e.id, e.language): e.title for e in entries.load()}
    language = "ru" if any("а" <= c <= "я" for c in question.lower()) else "en"
    sources = answer["sources"]
    assert isinstance(sources, list)
    assert sources[0]["title"] == cited[(entry, language)]


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("How do I connect Spotify?", "could not find this in the FAQ"),
        ("What's the weather in Paris tomorrow?", "could not find this in the FAQ"),
        ("Как приготовить борщ?", "В FAQ ответа на этот вопрос нет"),
    ],
)
async def test_a_question_the_faq_does_not_cover_gets_an_honest_answer(
    client: httpx.AsyncClient, question: str, says: str
) -> None:
    tokens = await register(client)
    answer = await ask(client, tokens, question)
    assert answer["sources"] == []
    assert says in str(answer["answer"])


async def test_status_and_bad_input(client: httpx.AsyncClient) -> None:
    tokens = await register(client)
    r = await client.get(STATUS, headers=bearer(tokens))
    assert r.json() == {"engine": "builtin", "entries": len(entries.load())}
    for body in ({"message": ""}, {"message": "   "}, {"message": "x" * 2001}, {}, {"question": "hi"}):
        r = await client.post(ASK, headers=bearer(tokens), json=body)
        assert r.status_code == 422, body
    assert (await client.post(ASK, json={"message": "hi"})).status_code == 401


def test_a_broken_entry_is_skipped_and_the_rest_load(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "good.md").write_text("---\nid: good\ntitle: Good\n---\nAn answer.\n", encoding="utf-8")
    (tmp_path / "en" / "no-front.md").write_text("Just text\n", encoding="utf-8")
    (tmp_path / "en" / "bad-id.md").write_text("---\nid: Bad Id!\ntitle: T\n---\nBody\n", encoding="utf-8")
    loaded = entries.load(tmp_path)
    assert [(e.id, e.title, e.body) for e in loaded] == [("good", "Good", "An answer.")]


@pytest.fixture
def workflow() -> Iterator[tuple[FaqWorkflow, str]]:
    fake = FaqWorkflow(hang_seconds=3.0)
    with serve_in_thread(fake.app()) as base:
        yield fake, f"{base}{WEBHOOK_PATH}"


async def test_with_n8n_configured_the_workflow_answers(
    owner_url: str, app_url: str, workflow: tuple[FaqWorkflow, str]
) -> None:
    fake, url = workflow
    settings = make_settings(owner_url, N8N_AI_FAQ_URL=url, X8_PROVIDER_TIMEOUT_SECONDS="1")
    async with app_client(settings, app_url) as client:
        tokens = await register(client)
        assert (await client.get(STATUS, headers=bearer(tokens))).json()["engine"] == "n8n"
        answer = await ask(client, tokens, "Как подключить Telegram?")
        assert answer == {
            "answer": "n8n says: Как подключить Telegram? (ru)",
            "sources": [{"id": "n8n-kb-1", "title": "From the n8n knowledge base"}],
            "engine": "n8n",
        }
        assert fake.calls == [{"message": "Как подключить Telegram?", "language": "ru"}]


@pytest.mark.parametrize("mode", ["error", "hang", "garbage"])
async def test_when_n8n_fails_the_builtin_engine_answers_and_it_is_logged(
    owner_url: str, app_url: str, workflow: tuple[FaqWorkflow, str], mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = workflow
    fake.mode = mode
    settings = make_settings(owner_url, N8N_AI_FAQ_URL=url, X8_PROVIDER_TIMEOUT_SECONDS="1")
    async with app_client(settings, app_url) as client:
        tokens = await register(client)
        answer = await ask(client, tokens, "How do I connect Telegram?")
    assert answer["engine"] == "builtin"
    assert source_ids(answer) == ["connect-telegram"]
    assert len(fake.calls) == 1
    assert any("n8n FAQ workflow failed" in r.getMessage() for r in caplog.records)
