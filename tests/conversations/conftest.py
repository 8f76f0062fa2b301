"""Fixtures shared by the conversation tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.openai_chat import FakeChat, chat_app
from tests.fakes.server import serve_in_thread

KEY = "sk-test-chat"


@pytest.fixture
def fake_chat() -> Iterator[tuple[FakeChat, str]]:
    """A fake OpenAI-compatible chat API that expects ``KEY``."""
    state = FakeChat(api_key=KEY)
    with serve_in_thread(chat_app(state)) as url:
        yield state, url
