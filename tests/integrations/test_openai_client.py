"""The OpenAI-compatible client against the fake chat API: an outage opens the failing-provider window (the next
turns skip the LLM at once instead of each paying its timeout), a refusal does not, and a success closes it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conversations.conftest import KEY
from tests.fakes.openai_chat import FakeChat, chat_app
from tests.fakes.server import serve_in_thread
from x8.integrations.openai import OPENAI_FAILURES, OpenAIApi, OpenAIRefused, OpenAIUnavailable

HELLO = [{"role": "user", "content": "hello"}]


@pytest.fixture
def fake_chat() -> Iterator[tuple[FakeChat, str]]:
    state = FakeChat(api_key=KEY)
    with serve_in_thread(chat_app(state)) as url:
        yield state, url


async def test_an_outage_opens_the_window_and_a_success_closes_it(fake_chat: tuple[FakeChat, str]) -> None:
    state, url = fake_chat
    api = OpenAIApi(f"{url}/v1", KEY)
    state.mode = "down"
    with pytest.raises(OpenAIUnavailable):
        await api.chat("fake", HELLO, tools=[], timeout_seconds=5)
    assert len(state.requests) == 1
    with pytest.raises(OpenAIUnavailable, match="not retried"):
        await api.chat("fake", HELLO, tools=[], timeout_seconds=5)
    assert len(state.requests) == 1, "an open window must not reach the provider"
    state.mode = "normal"
    OPENAI_FAILURES.succeeded(api.base_url)  # the window has passed
    message = await api.chat("fake", HELLO, tools=[], timeout_seconds=5)
    assert message["role"] == "assistant" and not OPENAI_FAILURES.is_open(api.base_url)


async def test_a_refusal_is_not_an_outage(fake_chat: tuple[FakeChat, str]) -> None:
    _, url = fake_chat
    api = OpenAIApi(f"{url}/v1", "sk-wrong")
    with pytest.raises(OpenAIRefused) as refused:
        await api.chat("fake", HELLO, tools=[], timeout_seconds=5)
    assert refused.value.status == 401
    assert not OPENAI_FAILURES.is_open(api.base_url)


async def test_nothing_listening_is_unavailable() -> None:
    api = OpenAIApi("http://127.0.0.1:9/v1", KEY)
    try:
        with pytest.raises(OpenAIUnavailable):
            await api.embed("m", ["a"])
        assert OPENAI_FAILURES.is_open(api.base_url)
    finally:
        OPENAI_FAILURES.succeeded(api.base_url)
