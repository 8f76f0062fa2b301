"""One outbound HTTP client per event loop, shared by every provider adapter.

A fresh ``httpx.AsyncClient`` per call builds a new TLS context (loading the CA bundle) and a new connection each
time: profiled under load, that was half of a worker's CPU for a Telegram send. The shared client keeps
connections alive per host; callers pass their own timeout per request. Clients are per event loop because a
connection belongs to the loop that opened it (tests run many loops in one process).
"""

from __future__ import annotations

import asyncio
import weakref

import httpx

_CLIENTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = weakref.WeakKeyDictionary()

# Enough for a worker's concurrent sends to one provider. An idle connection is dropped after 4 s, before the
# server drops it: Node.js servers (WAHA, n8n) and uvicorn close idle connections after 5 s, and a request sent on
# a connection the server is closing at that moment fails with "Server disconnected" (a spurious provider
# outage). Under load connections are never idle that long, so they are still reused.
_LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=50, keepalive_expiry=4.0)


def timeout(seconds: float) -> httpx.Timeout:
    """A provider call's timeout: connecting gets at most 5 seconds of it."""
    return httpx.Timeout(seconds, connect=min(seconds, 5.0))


def client() -> httpx.AsyncClient:
    """The running loop's shared client (created on first use)."""
    loop = asyncio.get_running_loop()
    found = _CLIENTS.get(loop)
    if found is None or found.is_closed:
        found = httpx.AsyncClient(limits=_LIMITS, timeout=timeout(10.0))
        _CLIENTS[loop] = found
    return found


async def close() -> None:
    """Close the running loop's client (at shutdown of the API or a worker)."""
    found = _CLIENTS.pop(asyncio.get_running_loop(), None)
    if found is not None:
        await found.aclose()
