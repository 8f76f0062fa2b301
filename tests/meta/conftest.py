"""Fixtures of the Meta channel tests: a fake Graph API and login dialog, a server pointed at it, and a pool app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.conftest import app_client, make_settings
from tests.fakes.meta_graph import FakeMetaGraph, meta_graph_app
from tests.fakes.server import serve_in_thread
from tests.meta.helpers import clear_meta_app_pool
from x8.settings import Settings

VERIFY_TOKEN = "meta-verify-token-for-tests"


@pytest.fixture
def fake_meta() -> Iterator[tuple[FakeMetaGraph, str]]:
    state = FakeMetaGraph()
    with serve_in_thread(meta_graph_app(state)) as url:
        yield state, url


def meta_settings(owner_url: str, fake_url: str, **overrides: str) -> Settings:
    return make_settings(
        owner_url,
        META_GRAPH_URL=fake_url,
        FACEBOOK_OAUTH_URL=fake_url,
        META_VERIFY_TOKEN=VERIFY_TOKEN,
        **overrides,
    )


@pytest.fixture
async def meta_client(
    owner_url: str, app_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(meta_settings(owner_url, fake_meta[1]), app_url) as client:
        yield client


@pytest.fixture(autouse=True)
def _clean_meta_apps(owner_url: str) -> Iterator[None]:
    yield
    clear_meta_app_pool(owner_url)
