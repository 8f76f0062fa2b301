"""n8n bridge benchmarks (SPEC.md §16, issue 18), against the real n8n that `make n8n` caches (skipped with a note
when it is not installed) and a real X8 (`x8 serve --no-worker --workers 2` and one `x8 worker`, as
`bench.conversations` runs it) with a fake Telegram Bot API on loopback.

- Provisioning time per tenant: from a Telegram bot's connect (which queues the company's provisioning) until every
  binding is active in n8n (the tenant-key credential, the bot's credential, the ingress workflow made and
  activated; the shared Main Generation once for the first), for TENANTS tenants one after another; and a re-run
  for a current tenant (no n8n call).
- The same webhook → KB answer → reply job on the native engine and on the n8n engine, side by side: TURNS
  customers each write once to a tenant on each engine (no buffer window); latency from posting the Telegram update
  until the fake Telegram has the reply. On n8n the turn goes X8 → ingress workflow → KB search → Main Generation →
  POST /api/v1/n8n/messages → X8 → Telegram.
- The same job's throughput (SPEC §16: native ≥ 10× the n8n engine's): new customers posted open-loop to each
  engine's tenant in turn for LOAD_SECONDS (after WARM_SECONDS of the same load, answered and not counted), at
  more than that engine answers, with the product's default window;
  replies a second at the fake Telegram from the first to the last, and the CPU a reply of X8, PostgreSQL and n8n.
  A turn the n8n engine hands back to the native assistant (n8n did not take it) is counted and fails the target.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

import httpx

from bench import conversations, loadgen, peer
from bench.server import Served, cpu_seconds, x8_env, x8_processes
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram import FakeTelegram, telegram_app
from tests.n8n import real
from tests.serving import free_port

TENANTS = 5
TURNS = 20
# Throughput: new customers posted for LOAD_SECONDS at a rate more than each engine answers here (it must be
# saturated to be measured: a rate near what was offered is flagged), replies a second counted at the fake Telegram.
LOAD_SECONDS = 10
WARM_SECONDS = 2
WARM_CHATS = 50_000  # the warm-up's chats start this far past the measured ones
NATIVE_RATE = 300
N8N_RATE = 60
DRAIN_SECONDS = 180
# A settings change reaches the other processes within this (x8.platform.conversations.service._PROFILES).
SETTINGS_REACH_SECONDS = 2.1
BAR = 10  # SPEC §16: the native engine answers at least ten times the n8n engine's throughput
CATALOGUE = (
    "SKU,Name,Description,Price,Currency\n"
    "BRD-1,Sourdough bread,Slow-fermented loaf baked every morning,4.20,EUR\n"
    "HNY-2,Wildflower honey,Raw honey from local hives,9.90,EUR\n"
)
PASSWORD = "BenchPass123"


def _token(index: int) -> str:
    return f"5{index:08d}:AAbenchN8Nbench{index:04d}BENCHbenchBENCHbe"


@dataclass(frozen=True)
class _Server:
    served: Served
    log: Path

    @property
    def base(self) -> str:
        return self.served.base

    def cpu(self) -> float:
        return self.served.api_cpu() + self.served.worker_cpu()


@contextmanager
def _x8(owner_url: str, extra: dict[str, str]) -> Iterator[_Server]:
    """X8 as `bench.conversations` runs it (`x8 serve --no-worker --workers 2` and one `x8 worker`), on a free
    port: n8n calls it back on that address."""
    port = free_port()
    env = x8_env(owner_url, N8N_CALLBACK_BASE_URL=f"http://127.0.0.1:{port}", X8_BUFFER_SECONDS="0", **extra)
    with x8_processes(env, api_processes=2, worker=True, port=port) as served:
        yield _Server(served, Path(env["X8_DATA_DIR"]) / "server.log")


def _business(api: httpx.Client, email: str) -> dict[str, str]:
    api.post("/api/v1/auth/send-verification-code", json={"email": email}).raise_for_status()
    for _ in range(100):
        mails = api.get("/dev/mailbox", params={"to": email, "format": "json"}).json()["items"]
        if mails:
            break
        time.sleep(0.1)
    code = re.search(r"\b(\d{6})\b", mails[0]["body"])
    assert code
    api.post("/api/v1/auth/verify-code", json={"email": email, "code": code.group(1)}).raise_for_status()
    tokens = api.post(
        "/api/v1/auth/complete-registration", json={"email": email, "password": PASSWORD, "full_name": "B"}
    ).json()
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    company = api.post("/api/v1/companies/", headers=auth, json={"name": "Bench", "company_type": "Product"}).json()
    api.post(
        "/api/v1/knowledge-base/upload-csv",
        headers=auth,
        data={"company_id": company["id"]},
        files={"file": ("catalogue.csv", CATALOGUE.encode(), "text/csv")},
    ).raise_for_status()
    return {**auth, "company_id": str(company["id"])}


def _connect(api: httpx.Client, auth: dict[str, str], token: str) -> str:
    r = api.post(
        "/api/v1/integrations/telegram/connect",
        headers={"Authorization": auth["Authorization"]},
        json={"company_id": auth["company_id"], "bot_token": token},
    )
    r.raise_for_status()
    return str(r.json()["channel_id"])


def _provisioned(api: httpx.Client, auth: dict[str, str], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        items = api.get(
            "/api/v1/n8n/bindings",
            headers={"Authorization": auth["Authorization"]},
            params={"company_id": auth["company_id"]},
        ).json()["items"]
        if len(items) >= 3 and all(item["status"] == "active" for item in items):
            return
        time.sleep(0.02)
    raise RuntimeError("the tenant was not provisioned in n8n in time")


def _turns(api: httpx.Client, fake: FakeTelegram, channel_id: str, token: str, first_chat: int) -> list[float]:
    """Each of TURNS new customers asks once; seconds until the fake Telegram has the reply for that chat."""
    secret = fake.bots[token].webhook["secret_token"]
    latencies = []
    for index in range(TURNS):
        chat = first_chat + index
        update: dict[str, Any] = {
            "update_id": chat,
            "message": {
                "message_id": chat,
                "from": {"id": chat, "is_bot": False, "first_name": "Bench"},
                "chat": {"id": chat, "type": "private"},
                "date": 0,
                "text": "sourdough",
            },
        }
        started = time.monotonic()
        api.post(
            f"/api/v1/webhooks/telegram/{channel_id}",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": secret},
        ).raise_for_status()
        deadline = started + 30
        while not any(m["chat_id"] == chat for m in fake.sent):
            if time.monotonic() > deadline:
                raise RuntimeError(f"no reply for chat {chat}")
            time.sleep(0.005)
        latencies.append(time.monotonic() - started)
    return latencies


@dataclass(frozen=True)
class _Throughput:
    offered: int  # a second
    replies_per_second: float
    answered: int
    cpu_per_reply: tuple[float, float, float]  # seconds: X8 (API and worker), PostgreSQL, n8n
    harness_per_reply: float  # seconds: this process (the load generator and the fake Telegram), on the same cores
    handed_back: int  # the n8n engine's turns the native assistant answered because n8n did not take them

    @property
    def saturated(self) -> bool:
        """Answered well below what was offered: the figure is what the engine can do, not what it was given."""
        return self.replies_per_second < 0.9 * self.offered

    def cpu(self) -> str:
        x8, postgres, n8n = (seconds * 1000 for seconds in self.cpu_per_reply)
        return (
            f"CPU a reply {x8 + postgres + n8n:4.1f} ms: X8 {x8:4.1f}, PostgreSQL {postgres:4.1f}, n8n {n8n:4.1f};"
            f" the benchmark's own load and fake Telegram {self.harness_per_reply * 1000:4.1f}"
        )

    def line(self) -> str:
        return (
            f"{self.replies_per_second:5.1f} replies/s (offered {self.offered}/s for {LOAD_SECONDS} s"
            f"{'' if self.saturated else ': NOT saturated, offer more'}; {self.answered} answered"
        )


def _throughput(
    server: _Server,
    fake: FakeTelegram,
    channel: tuple[str, str],
    rate: int,
    first_chat: int,
    postgres: int,
    n8n: int,
) -> _Throughput:
    """New customers each write once to ``channel`` (its id and bot token), ``rate`` a second for LOAD_SECONDS;
    replies a second counted at the fake Telegram from the first reply to the last, and the CPU of X8, PostgreSQL
    (``postgres``) and n8n (``n8n``)."""
    channel_id, token = channel
    host = server.base.split("//", 1)[1]
    path = f"/api/v1/webhooks/telegram/{channel_id}"
    headers = {"X-Telegram-Bot-Api-Secret-Token": str(fake.bots[token].webhook["secret_token"])}

    def load(first: int, seconds: int) -> list[tuple[bytes, int]]:
        return [
            (loadgen.build("POST", path, conversations._update(chat, chat, "sourdough"), headers, host), chat)
            for chat in range(first, first + rate * seconds)
        ]

    # The same load for WARM_SECONDS first, answered in full and not counted: each engine is measured warm (its
    # connections' prepared statements, n8n's compiled code), as a server that has run a while is.
    asyncio.run(peer.replies(server.base, load(first_chat + WARM_CHATS, WARM_SECONDS), fake, rate=rate))
    updates = load(first_chat, LOAD_SECONDS)
    handed_back = _handed_back(server.log)

    def cpu() -> tuple[float, float, float]:
        return server.cpu(), cpu_seconds(postgres), cpu_seconds(n8n)

    before, harness = cpu(), time.process_time()
    arrivals = asyncio.run(peer.replies(server.base, updates, fake, rate=rate, drain_seconds=DRAIN_SECONDS))
    x8, db, engine = (after - spent for after, spent in zip(cpu(), before, strict=True))
    harness = time.process_time() - harness
    if len(arrivals) < 2:
        raise RuntimeError("fewer than two replies were sent")
    return _Throughput(
        offered=rate,
        replies_per_second=(len(arrivals) - 1) / (arrivals[-1] - arrivals[0]),
        answered=len(arrivals),
        cpu_per_reply=(x8 / len(arrivals), db / len(arrivals), engine / len(arrivals)),
        harness_per_reply=harness / len(arrivals),
        handed_back=_handed_back(server.log) - handed_back,
    )


def _handed_back(log: Path) -> int:
    """Turns the n8n engine handed back to the native assistant so far (``engine.hand_over_turn`` logs each)."""
    return log.read_text(errors="replace").count("n8n did not take a turn")


def _ms(values: list[float], q: float) -> float:
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, int(q * len(ranked)))] * 1000


def run(owner_url: str) -> list[str]:
    if not real.installed():
        return [f"n8n: skipped, the real n8n is not installed in {real.install_dir()} (run `make n8n`)"]
    fake = FakeTelegram()
    for index in range(TENANTS + 2):
        fake.add_bot(_token(index))
    folder = Path(tempfile.mkdtemp(prefix="x8b-n8n-user-"))
    with (
        real.running(folder, folder / "n8n.log") as n8n,
        serve_in_thread(telegram_app(fake)) as telegram_url,
        _x8(
            owner_url,
            {
                "N8N_API_URL": n8n.url,
                "N8N_API_KEY": n8n.api_key,
                "N8N_WEBHOOK_BASE_URL": n8n.url,
                "TELEGRAM_API_URL": telegram_url,
            },
        ) as server,
        httpx.Client(base_url=server.base, timeout=60) as api,
    ):
        seconds = []
        tenants = []
        for index in range(TENANTS):
            auth = _business(api, f"n8n-bench-{index}@example.com")
            started = time.monotonic()
            channel_id = _connect(api, auth, _token(index))
            _provisioned(api, auth)
            seconds.append(time.monotonic() - started)
            tenants.append((auth, channel_id))
        auth, _ = tenants[-1]
        started = time.monotonic()
        api.post(
            "/api/v1/n8n/provision",
            headers={"Authorization": auth["Authorization"]},
            json={"company_id": auth["company_id"]},
        ).raise_for_status()
        _provisioned(api, auth)
        rerun = time.monotonic() - started

        native_auth = _business(api, "n8n-bench-native@example.com")
        native_channel = _connect(api, native_auth, _token(TENANTS))
        n8n_auth = _business(api, "n8n-bench-engine@example.com")
        n8n_channel = _connect(api, n8n_auth, _token(TENANTS + 1))
        _provisioned(api, n8n_auth)
        api.patch(
            f"/api/v1/integrations/channels/{n8n_channel}",
            headers={"Authorization": n8n_auth["Authorization"]},
            json={"engine": "n8n"},
        ).raise_for_status()
        native = _turns(api, fake, native_channel, _token(TENANTS), 7_000_000)
        on_n8n = _turns(api, fake, n8n_channel, _token(TENANTS + 1), 8_000_000)
        for auth in (native_auth, n8n_auth):  # throughput as users run it: the product's default window
            api.put(
                f"/api/v1/companies/{auth['company_id']}/assistant",
                headers={"Authorization": auth["Authorization"]},
                json={"buffer_seconds": conversations.BUFFER_SECONDS},
            ).raise_for_status()
        time.sleep(SETTINGS_REACH_SECONDS)  # the worker's copy of the companies' settings is up to date
        processes = conversations._postmaster(owner_url), peer.n8n_process()
        native_rate = _throughput(server, fake, (native_channel, _token(TENANTS)), NATIVE_RATE, 7_100_000, *processes)
        n8n_rate = _throughput(server, fake, (n8n_channel, _token(TENANTS + 1)), N8N_RATE, 8_100_000, *processes)
    ratio = native_rate.replies_per_second / n8n_rate.replies_per_second
    # An n8n engine that answered all it was offered might answer more, and turns the native assistant took for it
    # are not n8n's: either would overstate the ratio, so the target is only met without them.
    met = ratio >= BAR and n8n_rate.saturated and not n8n_rate.handed_back
    return [
        f"n8n provisioning per tenant (connect -> key and bot credentials + ingress active, real n8n "
        f"{real.version()}), {TENANTS} tenants: median {median(seconds):.2f} s, max {max(seconds):.2f} s "
        f"(the first also makes the shared Main Generation: {seconds[0]:.2f} s); a re-run for a current tenant: "
        f"{rerun:.2f} s (no n8n call)",
        f"webhook -> KB answer -> reply sent, {TURNS} customers one at a time, no window: native engine "
        f"p50 {_ms(native, 0.5):.0f} ms, p95 {_ms(native, 0.95):.0f} ms | n8n engine p50 {_ms(on_n8n, 0.5):.0f} ms, "
        f"p95 {_ms(on_n8n, 0.95):.0f} ms ({median(on_n8n) / median(native):.1f}x the native median)",
        f"throughput, the same job, a new customer per message, each engine in turn, the default"
        f" {conversations.BUFFER_SECONDS:g} s window: native {native_rate.line()}; {native_rate.cpu()})"
        f" | n8n engine {n8n_rate.line()}, {n8n_rate.handed_back} handed back to the native assistant;"
        f" {n8n_rate.cpu()})  ratio {ratio:4.1f}x"
        f"  (target native >= {BAR}x){'  OK' if met else '  MISSED'}",
    ]


NATIVE_RUNS = 3


def run_native(owner_url: str) -> list[str]:
    """The native engine's throughput run of `run` alone: one tenant, the same server and load, no n8n started,
    NATIVE_RUNS times on one server. Beside `run`'s native figure it shows what the n8n benchmark's other tenants
    and the running n8n cost the native run (`python -m bench native`)."""
    fake = FakeTelegram()
    fake.add_bot(_token(0))
    with (
        serve_in_thread(telegram_app(fake)) as telegram_url,
        _x8(owner_url, {"TELEGRAM_API_URL": telegram_url}) as server,
        httpx.Client(base_url=server.base, timeout=60) as api,
    ):
        auth = _business(api, "n8n-bench-native-alone@example.com")
        channel = _connect(api, auth, _token(0))
        api.put(
            f"/api/v1/companies/{auth['company_id']}/assistant",
            headers={"Authorization": auth["Authorization"]},
            json={"buffer_seconds": conversations.BUFFER_SECONDS},
        ).raise_for_status()
        postgres = conversations._postmaster(owner_url)
        runs = [
            # n8n's process: none (-1 roots no process tree, so its CPU counts nothing)
            _throughput(server, fake, (channel, _token(0)), NATIVE_RATE, 7_000_000 + index * 100_000, postgres, -1)
            for index in range(NATIVE_RUNS)
        ]
    return [
        f"native engine alone (no n8n), the same throughput run {NATIVE_RUNS} times: "
        + "; ".join(f"{run.line()}, {run.cpu()})" for run in runs)
    ]
