"""X8 beside its peer (issue 16): replies a second on the same job, a new customer per message asking a price, one
load generator and one fake Telegram Bot API for both, in the same run.

- The peer: the real n8n that `make n8n` caches (skipped with a note when it is not installed), with the leanest
  workflow that answers at all: a Webhook node that answers when the last node has run, then an HTTP Request node
  POSTing ``sendMessage`` to the fake Telegram (no storage, no KB, no model). n8n's own defaults otherwise (it
  records each execution, as it does for its users). Driven closed-loop over PEER_CONNECTIONS connections for
  SECONDS seconds: each connection posts its next update when the last one's reply has been sent.
- X8: the product as `bench.conversations` runs it (`x8 serve --no-worker --workers 2` and one `x8 worker`, the
  default buffer window, a 2,000-row catalogue, the retrieval responder), driven open-loop at X8_RATE updates a
  second for SECONDS seconds, more than two cores answer, so it is measured saturated: replies a second counted
  at the fake Telegram from its first reply to its last.

Beside replies a second, the CPU each reply took (the peer's process; X8's API, worker and PostgreSQL).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import conversations, loadgen
from bench.server import cpu_seconds
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram import FakeTelegram, telegram_app
from tests.n8n import real

PEER_CONNECTIONS = 32
SECONDS = 10
X8_RATE = 300  # more than two cores answer, so X8 is measured saturated
WARM_UP = 64
DRAIN_SECONDS = 60  # X8 still answering this long after the last post is not waited for
BAR = 10  # the bar: X8 answers at least ten times the peer's replies a second
PEER_TOKEN = "535353535:AApeerPEERpeerPEERpeerPEERpeerPE01"
ECHO_PATH = "bench-echo"
FIRST_CHAT = 5_000_000  # the peer's customers
X8_FIRST_CHAT = 6_000_000


@dataclass(frozen=True)
class Throughput:
    replies_per_second: float
    cpu_per_reply: float  # seconds
    detail: str


def _echo_workflow(telegram_url: str) -> dict[str, Any]:
    reply = {
        "name": "Send the reply",
        "type": "n8n-nodes-base.httpRequest",
        "typeVersion": 4.2,
        "position": [260, 0],
        "parameters": {
            "method": "POST",
            "url": f"{telegram_url}/bot{PEER_TOKEN}/sendMessage",
            "sendBody": True,
            "contentType": "json",
            "specifyBody": "keypair",
            "bodyParameters": {
                "parameters": [
                    {"name": "chat_id", "value": "={{ $json.body.message.chat.id }}"},
                    {"name": "text", "value": "={{ 'You asked: ' + $json.body.message.text }}"},
                ]
            },
            "options": {},
        },
    }
    webhook = {
        "name": "Telegram update",
        "type": "n8n-nodes-base.webhook",
        "typeVersion": 2,
        "position": [0, 0],
        "parameters": {"httpMethod": "POST", "path": ECHO_PATH, "responseMode": "lastNode", "options": {}},
        "webhookId": "6b1f1a52-5e3b-4a43-9c61-16bench00016",
    }
    return {
        "name": "Bench echo",
        "nodes": [webhook, reply],
        "connections": {"Telegram update": {"main": [[{"node": "Send the reply", "type": "main", "index": 0}]]}},
        "settings": {"executionOrder": "v1"},
    }


def _install_echo(n8n: real.RealN8n, telegram_url: str) -> None:
    with httpx.Client(base_url=f"{n8n.url}/api/v1", headers={"X-N8N-API-KEY": n8n.api_key}, timeout=30) as api:
        created = api.post("/workflows", json=_echo_workflow(telegram_url))
        created.raise_for_status()
        api.post(f"/workflows/{created.json()['id']}/activate").raise_for_status()


def n8n_process() -> int:
    """The n8n server: this process's child running node."""
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if parent == me and b"n8n" in command:
            return int(entry.name)
    raise RuntimeError("the n8n process was not found")


def _peer(fake: FakeTelegram, telegram_url: str) -> Throughput:
    folder = Path(tempfile.mkdtemp(prefix="x8b-peer-"))
    with real.running(folder, folder / "n8n.log") as n8n:
        _install_echo(n8n, telegram_url)
        base = n8n.url
        host = base.split("//", 1)[1]
        path = f"/webhook/{ECHO_PATH}"

        def update(number: int) -> bytes:
            chat = FIRST_CHAT + number
            return loadgen.build("POST", path, conversations._update(chat, chat, _question(number)), {}, host)

        asyncio.run(loadgen.hammer(base, [update(WARM_UP * 100 + i) for i in range(WARM_UP)], PEER_CONNECTIONS))
        process = n8n_process()
        replies, cpu = len(fake.sent), cpu_seconds(process)
        answered, elapsed, errors = asyncio.run(loadgen.closed_loop(base, update, PEER_CONNECTIONS, SECONDS))
        replies, cpu = len(fake.sent) - replies, cpu_seconds(process) - cpu
    if errors or replies < answered:
        raise RuntimeError(f"n8n answered {errors} updates with an error and sent {replies} of {answered} replies")
    return Throughput(replies / elapsed, cpu / replies, f"closed loop, {PEER_CONNECTIONS} connections, {elapsed:.0f} s")


def _question(number: int) -> str:
    return f"How much is the {conversations.WORDS[number % len(conversations.WORDS)]}?"


def _x8(owner_url: str, fake: FakeTelegram, telegram_url: str) -> Throughput:
    conversations.forget_queued_jobs(owner_url)
    with conversations._server(owner_url, telegram_url, buffer_seconds=conversations.BUFFER_SECONDS) as served:
        channel_id = conversations._business(served.base, "bench-peer@example.com")
        secret = str(fake.bots[conversations.TOKEN].webhook["secret_token"])
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        path = f"/api/v1/webhooks/telegram/{channel_id}"
        host = served.base.split("//", 1)[1]
        updates = [
            (loadgen.build("POST", path, conversations._update(chat, chat, _question(i)), headers, host), chat)
            for i, chat in enumerate(range(X8_FIRST_CHAT, X8_FIRST_CHAT + X8_RATE * SECONDS))
        ]
        postgres = conversations._postmaster(owner_url)
        cpu = served.api_cpu() + served.worker_cpu() + cpu_seconds(postgres)
        arrivals = asyncio.run(replies(served.base, updates, fake))
        cpu = served.api_cpu() + served.worker_cpu() + cpu_seconds(postgres) - cpu
    if len(arrivals) < 2:
        raise RuntimeError("X8 sent fewer than two replies")
    rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    return Throughput(
        rate,
        cpu / len(arrivals),
        f"open loop at {X8_RATE}/s for {SECONDS} s, {conversations.BUFFER_SECONDS:g} s window;"
        f" {len(arrivals)} of {len(updates)} answered within {DRAIN_SECONDS} s of the last post",
    )


async def replies(
    base: str,
    updates: list[tuple[bytes, int]],
    fake: FakeTelegram,
    *,
    rate: float = X8_RATE,
    drain_seconds: float = DRAIN_SECONDS,
) -> list[float]:
    """Post ``updates`` (each with its chat id) at ``rate`` a second; when each reply reached the fake Telegram
    (checked every 5 ms), for those that did within ``drain_seconds`` of the last post."""
    chats = {chat for _, chat in updates}
    seen = len(fake.sent)
    arrivals: list[float] = []
    sending = asyncio.create_task(loadgen.paced(base, updates, rate, conversations.CONCURRENCY))
    deadline = time.perf_counter() + len(updates) / rate + drain_seconds
    while time.perf_counter() < deadline and len(arrivals) < len(chats):
        fresh = fake.sent[seen:]
        seen += len(fresh)
        now = time.perf_counter()
        arrivals += [now for message in fresh if int(message["chat_id"]) in chats]
        await asyncio.sleep(0.005)
    if (await sending)[1]:
        raise RuntimeError("some webhook requests were refused")
    return arrivals


def run(owner_url: str) -> list[str]:
    if not real.installed():
        return [f"X8 vs n8n (peer): skipped, the real n8n is not installed in {real.install_dir()} (run `make n8n`)"]
    fake = FakeTelegram()
    fake.add_bot(conversations.TOKEN)
    fake.add_bot(PEER_TOKEN)
    with serve_in_thread(telegram_app(fake)) as telegram_url:
        peer = _peer(fake, telegram_url)
        x8 = _x8(owner_url, fake, telegram_url)
    ratio = x8.replies_per_second / peer.replies_per_second
    return [
        f"replies/s, a new customer per message asking a price, one fake Telegram: X8 {x8.replies_per_second:5.1f}/s"
        f" ({x8.detail}; CPU per reply {x8.cpu_per_reply * 1000:4.1f} ms: API + worker + PostgreSQL)"
        f" | n8n {real.version()} Webhook -> HTTP Request echo {peer.replies_per_second:5.1f}/s ({peer.detail};"
        f" CPU per reply {peer.cpu_per_reply * 1000:4.1f} ms)  ratio {ratio:4.1f}x  (bar >= {BAR}x)"
        f"{'  OK' if ratio >= BAR else '  MISSED'}",
    ]
