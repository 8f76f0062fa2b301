"""R-A6: rate limits on code sending and login, per email and per IP, with 429 + Retry-After."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import app_client, make_settings, register

pytestmark = pytest.mark.usefixtures("one_rate_limit_window")


async def test_code_requests_per_email_are_limited(owner_url: str, app_url: str) -> None:
    settings = make_settings(owner_url, X8_RATE_LIMIT_CODES_PER_EMAIL=2)
    async with app_client(settings, app_url) as client:
        for _ in range(2):
            r = await client.post("/api/v1/auth/send-verification-code", json={"email": "rl@example.com"})
            assert r.status_code == 200
        r = await client.post("/api/v1/auth/send-verification-code", json={"email": "rl@example.com"})
        assert r.status_code == 429
        assert r.json()["error"] == "RateLimited"
        retry_after = int(r.headers["retry-after"])
        assert 1 <= retry_after <= settings.rate_limit_window_seconds
        # Another email from the same IP is still served.
        r = await client.post("/api/v1/auth/send-verification-code", json={"email": "other@example.com"})
        assert r.status_code == 200


async def test_code_requests_per_ip_are_limited(owner_url: str, app_url: str) -> None:
    settings = make_settings(owner_url, X8_RATE_LIMIT_CODES_PER_IP=3)
    async with app_client(settings, app_url) as client:
        statuses = [
            (await client.post("/api/v1/auth/send-verification-code", json={"email": f"ip{i}@example.com"})).status_code
            for i in range(4)
        ]
        assert statuses == [200, 200, 200, 429]


async def test_login_attempts_are_limited_even_with_the_right_password(owner_url: str, app_url: str) -> None:
    settings = make_settings(owner_url, X8_RATE_LIMIT_LOGINS_PER_EMAIL=3)
    async with app_client(settings, app_url) as client:
        await register(client, "brute@example.com", "Sup3rSecret")
        for _ in range(3):
            r = await client.post("/api/v1/auth/login", json={"email": "brute@example.com", "password": "Guess1234"})
            assert r.status_code == 401
        r = await client.post("/api/v1/auth/login", json={"email": "brute@example.com", "password": "Sup3rSecret"})
        assert r.status_code == 429
        assert "retry-after" in r.headers


async def test_successful_sign_ins_do_not_use_up_the_email_limit(owner_url: str, app_url: str) -> None:
    settings = make_settings(owner_url, X8_RATE_LIMIT_LOGINS_PER_EMAIL=3)
    async with app_client(settings, app_url) as client:
        await register(client, "often@example.com", "Sup3rSecret")
        for _ in range(8):  # a person signing in on several devices, many times a day
            r = await client.post("/api/v1/auth/login", json={"email": "often@example.com", "password": "Sup3rSecret"})
            assert r.status_code == 200, r.text
        assert (
            await client.post("/api/v1/auth/login", json={"email": "often@example.com", "password": "Wrong1234"})
        ).status_code == 401


async def test_password_reset_requests_share_the_code_limit(
    client: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    settings = make_settings(owner_url, X8_RATE_LIMIT_CODES_PER_EMAIL=1)
    async with app_client(settings, app_url) as limited:
        assert (
            await limited.post("/api/v1/auth/request-password-reset", json={"email": "p@example.com"})
        ).status_code == 200
        assert (
            await limited.post("/api/v1/auth/request-password-reset", json={"email": "p@example.com"})
        ).status_code == 429
