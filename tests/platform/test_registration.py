"""R-A1: registration with an emailed code; R-A6: bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.conftest import bearer, last_code, mailbox, register, sql


async def test_full_registration_starts_a_seven_day_trial(client: httpx.AsyncClient) -> None:
    tokens = await register(client, "new@example.com", "Sup3rSecret", "New Owner")
    assert tokens["token_type"] == "bearer"
    me = (await client.get("/api/v1/auth/me", headers=bearer(tokens))).json()
    assert me["email"] == "new@example.com"
    assert me["role"] == "CLIENT"
    assert me["plan"] == "TRIAL"
    assert me["subscription_status"] == "trialing"
    assert me["manager_id"] is None
    trial_end = datetime.fromisoformat(me["trial_ends_at"])
    assert timedelta(days=6, hours=23) < trial_end - datetime.now(UTC) <= timedelta(days=7)


async def test_email_is_normalised_and_code_mail_says_how_long_it_lasts(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/auth/send-verification-code", json={"email": "  Mixed@Example.COM "})
    assert r.status_code == 200
    mails = await mailbox(client, "mixed@example.com")
    assert len(mails) == 1
    assert "10 minutes" in mails[0]["body"]


async def test_only_a_hash_of_the_code_is_stored(client: httpx.AsyncClient, owner_url: str) -> None:
    await client.post("/api/v1/auth/send-verification-code", json={"email": "hash@example.com"})
    code = await last_code(client, "hash@example.com")
    rows = sql(owner_url, "SELECT secret_hash FROM email_codes WHERE email = %s", "hash@example.com")
    assert len(rows) == 1
    assert code not in rows[0][0]
    assert len(rows[0][0]) == 64


async def test_wrong_code_is_refused_and_counts_down(client: httpx.AsyncClient) -> None:
    await client.post("/api/v1/auth/send-verification-code", json={"email": "w@example.com"})
    code = await last_code(client, "w@example.com")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    r = await client.post("/api/v1/auth/verify-code", json={"email": "w@example.com", "code": wrong})
    assert r.status_code == 400
    assert r.json() == {"error": "BadRequest", "detail": "Wrong code. 4 attempts left."}


async def test_sixth_try_is_refused_even_with_the_right_code(client: httpx.AsyncClient) -> None:
    await client.post("/api/v1/auth/send-verification-code", json={"email": "six@example.com"})
    code = await last_code(client, "six@example.com")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        r = await client.post("/api/v1/auth/verify-code", json={"email": "six@example.com", "code": wrong})
        assert r.status_code == 400
    r = await client.post("/api/v1/auth/verify-code", json={"email": "six@example.com", "code": code})
    assert r.status_code == 400
    assert "Too many wrong attempts" in r.json()["detail"]


async def test_expired_code_is_refused(client: httpx.AsyncClient, owner_url: str) -> None:
    await client.post("/api/v1/auth/send-verification-code", json={"email": "old@example.com"})
    code = await last_code(client, "old@example.com")
    sql(
        owner_url,
        "UPDATE email_codes SET expires_at = now() - interval '1 second' WHERE email = %s",
        "old@example.com",
    )
    r = await client.post("/api/v1/auth/verify-code", json={"email": "old@example.com", "code": code})
    assert r.status_code == 400
    assert "expired" in r.json()["detail"]


async def test_code_cannot_be_reused_after_registration(client: httpx.AsyncClient) -> None:
    await register(client, "reuse@example.com")
    code = await last_code(client, "reuse@example.com")
    r = await client.post("/api/v1/auth/verify-code", json={"email": "reuse@example.com", "code": code})
    assert r.status_code == 400
    r = await client.post(
        "/api/v1/auth/complete-registration",
        json={"email": "reuse@example.com", "password": "An0therPass", "full_name": "X"},
    )
    assert r.status_code == 409


async def test_a_new_code_replaces_the_old_one(client: httpx.AsyncClient) -> None:
    await client.post("/api/v1/auth/send-verification-code", json={"email": "twice@example.com"})
    first = await last_code(client, "twice@example.com")
    await client.post("/api/v1/auth/send-verification-code", json={"email": "twice@example.com"})
    second = await last_code(client, "twice@example.com")
    if first != second:
        r = await client.post("/api/v1/auth/verify-code", json={"email": "twice@example.com", "code": first})
        assert r.status_code == 400
    r = await client.post("/api/v1/auth/verify-code", json={"email": "twice@example.com", "code": second})
    assert r.status_code == 200


async def test_registration_without_a_verified_code_is_refused(client: httpx.AsyncClient) -> None:
    await client.post("/api/v1/auth/send-verification-code", json={"email": "skip@example.com"})
    r = await client.post(
        "/api/v1/auth/complete-registration",
        json={"email": "skip@example.com", "password": "Sup3rSecret", "full_name": "S"},
    )
    assert r.status_code == 400
    assert "Verify your email" in r.json()["detail"]


async def test_duplicate_email_is_409_at_every_step(client: httpx.AsyncClient) -> None:
    await register(client, "dup@example.com")
    r = await client.post("/api/v1/auth/send-verification-code", json={"email": "DUP@example.com"})
    assert r.status_code == 409
    assert r.json()["error"] == "Conflict"


async def test_weak_passwords_are_422(client: httpx.AsyncClient) -> None:
    await client.post("/api/v1/auth/send-verification-code", json={"email": "weak@example.com"})
    code = await last_code(client, "weak@example.com")
    await client.post("/api/v1/auth/verify-code", json={"email": "weak@example.com", "code": code})
    for weak in ["short1", "onlyletters", "12345678901", "password1"]:
        r = await client.post(
            "/api/v1/auth/complete-registration",
            json={"email": "weak@example.com", "password": weak, "full_name": "W"},
        )
        assert r.status_code == 422, weak
        assert r.json()["detail"][0]["loc"][-1] == "password"
    r = await client.post(
        "/api/v1/auth/complete-registration",
        json={"email": "weak@example.com", "password": "G00dEnough", "full_name": "W"},
    )
    assert r.status_code == 201


async def test_malformed_input_is_422(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/v1/auth/send-verification-code", json={"email": "not-an-email"})).status_code == 422
    r = await client.post("/api/v1/auth/verify-code", json={"email": "a@example.com", "code": "12ab56"})
    assert r.status_code == 422
    r = await client.post("/api/v1/auth/verify-code", content=b"{broken", headers={"content-type": "application/json"})
    assert r.status_code == 422
