"""R-A3: password reset, change password, magic links, profile."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import httpx

from tests.conftest import bearer, last_code, mailbox, register, sql


async def test_password_reset_flow_signs_out_every_session(client: httpx.AsyncClient) -> None:
    tokens = await register(client, "reset@example.com", "Sup3rSecret")
    r = await client.post("/api/v1/auth/request-password-reset", json={"email": "reset@example.com"})
    assert r.status_code == 200
    code = await last_code(client, "reset@example.com")
    r = await client.post("/api/v1/auth/verify-reset-code", json={"email": "reset@example.com", "code": code})
    assert r.json() == {"verified": True}
    r = await client.post(
        "/api/v1/auth/reset-password",
        json={"email": "reset@example.com", "code": code, "new_password": "N3wPassword"},
    )
    assert r.status_code == 200, r.text
    assert (await client.get("/api/v1/auth/me", headers=bearer(tokens))).status_code == 401
    r = await client.post("/api/v1/auth/login", json={"email": "reset@example.com", "password": "Sup3rSecret"})
    assert r.status_code == 401
    r = await client.post("/api/v1/auth/login", json={"email": "reset@example.com", "password": "N3wPassword"})
    assert r.status_code == 200
    # The code is single use.
    r = await client.post(
        "/api/v1/auth/reset-password",
        json={"email": "reset@example.com", "code": code, "new_password": "Th1rdPassword"},
    )
    assert r.status_code == 400


async def test_reset_request_does_not_reveal_whether_an_account_exists(client: httpx.AsyncClient) -> None:
    await register(client, "known@example.com")
    known = await client.post("/api/v1/auth/request-password-reset", json={"email": "known@example.com"})
    unknown = await client.post("/api/v1/auth/request-password-reset", json={"email": "ghost@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json()
    assert await mailbox(client, "ghost@example.com") == []


async def test_reset_with_a_wrong_code_changes_nothing(client: httpx.AsyncClient) -> None:
    await register(client, "keep@example.com", "Sup3rSecret")
    await client.post("/api/v1/auth/request-password-reset", json={"email": "keep@example.com"})
    code = await last_code(client, "keep@example.com")
    wrong = f"{(int(code) + 7) % 1_000_000:06d}"
    r = await client.post(
        "/api/v1/auth/reset-password",
        json={"email": "keep@example.com", "code": wrong, "new_password": "N3wPassword"},
    )
    assert r.status_code == 400
    r = await client.post("/api/v1/auth/login", json={"email": "keep@example.com", "password": "Sup3rSecret"})
    assert r.status_code == 200


async def test_change_password_needs_the_current_one_and_keeps_this_session(
    client: httpx.AsyncClient,
) -> None:
    first = await register(client, "chg@example.com", "Sup3rSecret")
    other = (
        await client.post("/api/v1/auth/login", json={"email": "chg@example.com", "password": "Sup3rSecret"})
    ).json()
    r = await client.post(
        "/api/v1/auth/change-password",
        headers=bearer(first),
        json={"current_password": "Wrong1234", "new_password": "N3wPassword"},
    )
    assert r.status_code == 400
    r = await client.post(
        "/api/v1/auth/change-password",
        headers=bearer(first),
        json={"current_password": "Sup3rSecret", "new_password": "weak"},
    )
    assert r.status_code == 422
    r = await client.post(
        "/api/v1/auth/change-password",
        headers=bearer(first),
        json={"current_password": "Sup3rSecret", "new_password": "N3wPassword"},
    )
    assert r.status_code == 200
    assert (await client.get("/api/v1/auth/me", headers=bearer(first))).status_code == 200
    assert (await client.get("/api/v1/auth/me", headers=bearer(other))).status_code == 401


async def _magic_token(client: httpx.AsyncClient, email: str) -> str:
    mails = await mailbox(client, email)
    link = re.search(r"https?://\S+", mails[0]["body"])
    assert link
    parsed = urlparse(link.group(0))
    assert parsed.path == "/magic-link"
    return parse_qs(parsed.query)["token"][0]


async def test_magic_link_signs_in_once(client: httpx.AsyncClient, owner_url: str) -> None:
    await register(client, "magic@example.com")
    r = await client.post("/api/v1/auth/request-magic-link", json={"email": "magic@example.com"})
    assert r.status_code == 200
    token = await _magic_token(client, "magic@example.com")
    r = await client.post("/api/v1/auth/verify-magic-link", json={"token": token})
    assert r.status_code == 200
    me = (await client.get("/api/v1/auth/me", headers=bearer(r.json()))).json()
    assert me["email"] == "magic@example.com"
    r = await client.post("/api/v1/auth/verify-magic-link", json={"token": token})
    assert r.status_code == 400
    stored = sql(owner_url, "SELECT secret_hash FROM email_codes WHERE purpose = 'magic'")
    assert all(token not in row[0] for row in stored)


async def test_forged_or_expired_magic_link_is_refused(client: httpx.AsyncClient, owner_url: str) -> None:
    await register(client, "m2@example.com")
    r = await client.post("/api/v1/auth/verify-magic-link", json={"token": "x" * 43})
    assert r.status_code == 400
    await client.post("/api/v1/auth/request-magic-link", json={"email": "m2@example.com"})
    token = await _magic_token(client, "m2@example.com")
    sql(owner_url, "UPDATE email_codes SET expires_at = now() - interval '1 second' WHERE purpose = 'magic'")
    r = await client.post("/api/v1/auth/verify-magic-link", json={"token": token})
    assert r.status_code == 400
    assert "expired" in r.json()["detail"]


async def test_profile_update_validates_language_and_timezone(client: httpx.AsyncClient) -> None:
    tokens = await register(client, "prof@example.com")
    r = await client.patch(
        "/api/v1/users/profile",
        headers=bearer(tokens),
        json={"full_name": "Анна Петрова", "language": "ru", "timezone": "Europe/Moscow"},
    )
    assert r.status_code == 200
    assert (r.json()["full_name"], r.json()["language"], r.json()["timezone"]) == (
        "Анна Петрова",
        "ru",
        "Europe/Moscow",
    )
    assert (
        await client.patch("/api/v1/users/profile", headers=bearer(tokens), json={"language": "de"})
    ).status_code == 422
    r = await client.patch("/api/v1/users/profile", headers=bearer(tokens), json={"timezone": "Mars/Olympus"})
    assert r.status_code == 422


async def test_a_password_longer_than_bcrypt_reads_counts_to_its_last_character(client: httpx.AsyncClient) -> None:
    """bcrypt reads 72 bytes; the schema allows 128 characters (up to 512 bytes): none of them is ignored."""
    long = "пароль" * 20 + "12345678"  # 128 characters, 248 bytes
    await register(client, "long@example.com", long)
    ok = await client.post("/api/v1/auth/login", json={"email": "long@example.com", "password": long})
    assert ok.status_code == 200
    for wrong in (long[:-1] + "9", long[:72]):
        r = await client.post("/api/v1/auth/login", json={"email": "long@example.com", "password": wrong})
        assert r.status_code == 401
    r = await client.post(
        "/api/v1/auth/change-password",
        headers=bearer(ok.json()),
        json={"current_password": long, "new_password": long + "x"},
    )
    assert r.status_code == 422  # 129 characters


async def test_a_password_needs_a_letter_and_a_digit_of_any_script(client: httpx.AsyncClient) -> None:
    tokens = await register(client, "script@example.com", "Sup3rSecret")
    # A digit is a decimal digit of any script (Nd), a letter a letter of any script (L*); "²" is neither.
    for new, status in [("²²²²²²²²x", 422), ("abcdefgh", 422), ("iLoveYou1", 422), ("пароль١٢", 200)]:
        r = await client.post(
            "/api/v1/auth/change-password",
            headers=bearer(tokens),
            json={"current_password": "Sup3rSecret", "new_password": new},
        )
        assert r.status_code == status, (new, r.text)
