"""R-K6: media through Cloudinary (over real HTTP to a signature-checking fake) or local storage."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import app_client, bearer, make_settings, register, sql
from tests.fakes.cloudinary import FakeCloudinary, cloudinary_app
from tests.fakes.server import serve_in_thread

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


@pytest.fixture
def fake_cloudinary() -> Iterator[tuple[FakeCloudinary, str]]:
    state = FakeCloudinary()
    with serve_in_thread(cloudinary_app(state)) as url:
        yield state, url


def _cloud_settings(owner_url: str, state: FakeCloudinary, url: str, **extra: Any) -> Any:
    return make_settings(
        owner_url,
        CLOUDINARY_CLOUD_NAME=state.cloud,
        CLOUDINARY_API_KEY=state.api_key,
        CLOUDINARY_API_SECRET=extra.pop("secret", state.api_secret),
        CLOUDINARY_API_URL=url,
    )


async def _upload(
    client: httpx.AsyncClient, tokens: dict[str, str], data: bytes, name: str, folder: str = "product"
) -> httpx.Response:
    return await client.post(
        "/api/v1/cloudinary/upload",
        headers=bearer(tokens),
        files={"file": (name, data, "application/octet-stream")},
        data={"folder": folder},
    )


async def test_cloudinary_upload_list_one_video_rule_and_delete(
    owner_url: str, app_url: str, fake_cloudinary: tuple[FakeCloudinary, str]
) -> None:
    state, url = fake_cloudinary
    async with app_client(_cloud_settings(owner_url, state, url), app_url) as client:
        tokens = await register(client)
        me = (await client.get("/api/v1/auth/me", headers=bearer(tokens))).json()
        photo = await _upload(client, tokens, PNG, "../../etc/passwd.png")
        assert photo.status_code == 201, photo.text
        assert photo.json()["public_id"].startswith(f"x8/{me['id']}/product/")
        assert "passwd" not in photo.json()["public_id"]
        assert (await _upload(client, tokens, PNG, "second.png")).status_code == 201
        video = await _upload(client, tokens, MP4, "welcome.mp4")
        assert video.status_code == 201 and video.json()["resource_type"] == "video"
        again = await _upload(client, tokens, MP4, "another.mp4")
        assert again.status_code == 409 and "welcome video" in again.json()["detail"]
        # The rule is per folder: the service folder may have its own video.
        assert (await _upload(client, tokens, MP4, "svc.mp4", folder="service")).status_code == 201

        media = (await client.get("/api/v1/cloudinary/media", headers=bearer(tokens))).json()
        assert media["total"] == 4
        images = (await client.get("/api/v1/cloudinary/images", headers=bearer(tokens))).json()
        assert images["total"] == 2

        public_id = video.json()["public_id"]
        r = await client.delete(f"/api/v1/cloudinary/media/{public_id}", headers=bearer(tokens))
        assert r.status_code == 204
        assert public_id not in state.resources  # deleted at the provider
        assert (await _upload(client, tokens, MP4, "new.mp4")).status_code == 201
        assert state.rejected == []


async def test_another_users_media_is_404(
    owner_url: str, app_url: str, fake_cloudinary: tuple[FakeCloudinary, str]
) -> None:
    state, url = fake_cloudinary
    async with app_client(_cloud_settings(owner_url, state, url), app_url) as client:
        alice = await register(client, "alice@example.com")
        bob = await register(client, "bob@example.com")
        public_id = (await _upload(client, alice, PNG, "a.png")).json()["public_id"]
        assert (await client.delete(f"/api/v1/cloudinary/media/{public_id}", headers=bearer(bob))).status_code == 404
        assert public_id in state.resources
        assert (await client.get("/api/v1/cloudinary/media", headers=bearer(bob))).json()["total"] == 0


async def test_wrong_secret_and_outage_are_clear_errors(
    owner_url: str, app_url: str, fake_cloudinary: tuple[FakeCloudinary, str]
) -> None:
    state, url = fake_cloudinary
    async with app_client(_cloud_settings(owner_url, state, url, secret="wrong"), app_url) as client:
        tokens = await register(client)
        r = await _upload(client, tokens, PNG, "a.png")
        assert r.status_code == 503 and "refused" in r.json()["detail"]
        assert state.rejected == ["signature"] and state.resources == {}
    state.down = True
    async with app_client(_cloud_settings(owner_url, state, url), app_url) as client:
        tokens = await register(client, "second@example.com")
        r = await client.get("/api/v1/cloudinary/media", headers=bearer(tokens))
        assert r.status_code == 503


async def test_not_an_image_or_video_and_local_storage(owner_url: str, app_url: str, tmp_path: Any) -> None:
    async with app_client(make_settings(owner_url, X8_DATA_DIR=str(tmp_path)), app_url) as client:
        tokens = await register(client)
        r = await _upload(client, tokens, b"MZ\x90\x00 not really a png", "photo.png")
        assert r.status_code == 400
        photo = await _upload(client, tokens, PNG, "photo.png")
        assert photo.status_code == 201
        served = await client.get(photo.json()["url"].replace("http://testserver", ""))
        assert served.status_code == 200 and served.content == PNG
        assert (await _upload(client, tokens, MP4, "v.mp4")).status_code == 201
        assert (await _upload(client, tokens, MP4, "v2.mp4")).status_code == 409
        public_id = photo.json()["public_id"]
        assert (await client.delete(f"/api/v1/cloudinary/media/{public_id}", headers=bearer(tokens))).status_code == 204
        assert (await client.get(photo.json()["url"].replace("http://testserver", ""))).status_code == 404


_OPEN = (
    "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND pid <> pg_backend_pid() "
    "AND state LIKE 'idle in transaction%%'"
)


async def test_no_transaction_waits_on_cloudinary(
    owner_url: str, app_url: str, fake_cloudinary: tuple[FakeCloudinary, str]
) -> None:
    state, url = fake_cloudinary
    settings = _cloud_settings(owner_url, state, url)
    seen: list[int] = []
    state.during_request = lambda: seen.append(int(sql(owner_url, _OPEN, settings.db_app_role)[0][0]))
    async with app_client(settings, app_url) as client:
        tokens = await register(client)
        photo = await _upload(client, tokens, PNG, "a.png")
        assert photo.status_code == 201, photo.text
        r = await client.delete(f"/api/v1/cloudinary/media/{photo.json()['public_id']}", headers=bearer(tokens))
        assert r.status_code == 204
    assert len(seen) >= 2 and set(seen) == {0}
