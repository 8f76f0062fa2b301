"""The Meta adapter on its own, against the fake Graph API: a reply over Graph's 2,000 characters is cut into
pieces in order (sent one by one by the delivery layer, tests/meta/test_messages.py), and Graph's errors say what
they mean for the channel."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import make_settings
from tests.fakes.meta_graph import FakeMetaGraph
from x8.channel_adapters.meta import MAX_TEXT, MetaAdapter
from x8.channel_adapters.pieces import split_text
from x8.integrations.meta.graph import GraphError, GraphFailure


@dataclass
class _Channel:
    config: dict[str, Any]
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    company_id: uuid.UUID = field(default_factory=uuid.uuid4)
    platform: str = "facebook"
    status: str = "CONNECTED"
    webhook_secret_hash: str | None = None


def _page_token(fake: FakeMetaGraph, page_id: str) -> str:
    token = "EAAP-test-" + page_id
    fake.page_tokens[token] = (page_id, "1234567890123")
    return token


def test_split_text_keeps_order_and_cuts_at_boundaries() -> None:
    paragraphs = [f"Paragraph {n}. " + "word " * 150 for n in range(6)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    pieces = split_text(text, MAX_TEXT)
    assert len(pieces) > 1 and all(len(p) <= MAX_TEXT for p in pieces)
    assert " ".join(pieces).split() == text.split()  # nothing lost, in order
    assert all(p.startswith("Paragraph") for p in pieces)  # cut between paragraphs
    unbroken = "x" * 4500
    assert [len(p) for p in split_text(unbroken, MAX_TEXT)] == [2000, 2000, 500]
    assert split_text(" short\n", MAX_TEXT) == [" short\n"]  # a text that fits goes as it is
    assert split_text(unbroken, None) == [unbroken]
    assert split_text(" " * 2500, MAX_TEXT) == [" " * 2500]  # never no piece at all
    assert split_text(text, MAX_TEXT) == pieces  # the same pieces every time: a retry resumes by their count


async def test_each_piece_is_within_what_graph_takes_and_the_whole_reply_is_not(
    fake_meta: tuple[FakeMetaGraph, str],
) -> None:
    fake, url = fake_meta
    fake.add_page("1122334455", "Shop")
    adapter = MetaAdapter(make_settings("postgresql://unused/x", META_GRAPH_URL=url))
    text = " ".join(f"Sentence number {n} is here." for n in range(300))
    channel = _Channel(config={"page_id": "1122334455"})
    credentials = {"page_token": _page_token(fake, "1122334455")}
    with pytest.raises(GraphError) as raised:
        await adapter.send(channel, credentials, "2487001", text)
    assert raised.value.retryable is False and not fake.sent  # Graph refuses it whole (#100)
    for piece in split_text(text, adapter.max_text):
        result = await adapter.send(channel, credentials, "2487001", piece)
    assert len(fake.sent) > 1 and " ".join(s["text"] for s in fake.sent) == text
    assert result.provider_message_id == f"facebook:{fake.sent[-1]['mid']}"


@pytest.mark.parametrize(
    ("code", "failure", "retryable"),
    [
        (190, GraphFailure.TOKEN, False),
        (613, GraphFailure.RATE, True),
        (551, GraphFailure.RECIPIENT, False),
        (10, GraphFailure.PERMISSION, False),
        (200, GraphFailure.PERMISSION, False),
        (230, GraphFailure.PERMISSION, False),
        ("500", GraphFailure.OTHER, True),
    ],
)
async def test_graph_errors_are_mapped(
    fake_meta: tuple[FakeMetaGraph, str], code: int | str, failure: GraphFailure, retryable: bool
) -> None:
    fake, url = fake_meta
    fake.add_page("1122334455", "Shop")
    adapter = MetaAdapter(make_settings("postgresql://unused/x", META_GRAPH_URL=url))
    fake.fail_next = [code]
    with pytest.raises(GraphError) as raised:
        await adapter.send(
            _Channel(config={"page_id": "1122334455"}), {"page_token": _page_token(fake, "1122334455")}, "1", "hi"
        )
    assert (raised.value.failure, raised.value.retryable) == (failure, retryable)
    assert fake.sent == []
