"""A minimal HTTP/1.1 keep-alive load generator on asyncio streams.

httpx spends more CPU per request than the server under test does, and on a 2-core machine the client then
measures itself. This one sends pre-built requests and reads just the status line and Content-Length.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit


def build(method: str, path: str, body: dict[str, Any] | bytes | None, headers: dict[str, str], host: str) -> bytes:
    """One request, ready to write. A ``bytes`` body goes as it is (a signed webhook's exact bytes)."""
    payload = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


async def _read_response(reader: asyncio.StreamReader) -> int:
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def hammer(base: str, requests: list[bytes], concurrency: int) -> tuple[float, list[float], int]:
    """Send every request over ``concurrency`` keep-alive connections. Returns (requests/s, latencies, errors)."""
    parts = urlsplit(base)
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for r in requests:
        queue.put_nowait(r)
    latencies: list[float] = []
    errors = 0

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            while not queue.empty():
                request = queue.get_nowait()
                started = time.perf_counter()
                writer.write(request)
                status = await _read_response(reader)
                latencies.append(time.perf_counter() - started)
                if status >= 300:
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return len(latencies) / (time.perf_counter() - started), latencies, errors


async def paced(
    base: str,
    requests: list[tuple[bytes, Any]],
    rate: float,
    concurrency: int,
    on_sent: Callable[[Any, float], None] | None = None,
) -> tuple[list[float], int]:
    """Send ``requests`` at ``rate`` per second (an open-loop load: the schedule never waits for the server) over
    up to ``concurrency`` keep-alive connections. ``on_sent(tag, due)`` is called as each request is written.
    Returns (latencies, error responses). Latencies count from when a request was due, not when a free
    connection sent it, so a slow server is not hidden by the load generator waiting for it."""
    parts = urlsplit(base)
    started = time.perf_counter()
    queue: asyncio.Queue[tuple[float, bytes, Any]] = asyncio.Queue()
    for i, (request, tag) in enumerate(requests):
        queue.put_nowait((started + i / rate, request, tag))
    latencies: list[float] = []
    errors = 0

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            while not queue.empty():
                due, request, tag = queue.get_nowait()
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                if on_sent is not None:
                    on_sent(tag, due)
                writer.write(request)
                if await _read_response(reader) >= 300:
                    errors += 1
                latencies.append(time.perf_counter() - due)
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return latencies, errors


async def closed_loop(
    base: str, request: Callable[[int], bytes], concurrency: int, seconds: float
) -> tuple[int, float, int]:
    """``concurrency`` connections, each sending its next request (``request(n)``, n counting from 0 across all of
    them) as soon as the last is answered, for ``seconds``. Returns (answered, elapsed seconds, errors)."""
    parts = urlsplit(base)
    sent = 0
    answered = 0
    errors = 0
    started = time.perf_counter()
    stop = started + seconds

    async def connection() -> None:
        nonlocal sent, answered, errors
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            while time.perf_counter() < stop:
                number, sent = sent, sent + 1
                writer.write(request(number))
                if await _read_response(reader) >= 300:
                    errors += 1
                answered += 1
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return answered, time.perf_counter() - started, errors
