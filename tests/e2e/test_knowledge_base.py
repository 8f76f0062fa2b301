"""Issue 4's browser journey: upload a CSV with one bad row, see the report, edit a row, search for it."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import create_company, register, unique_email
from x8.kit.security import encode_token
from x8.settings import DEV_SECRET_KEY

CATALOGUE = (
    "SKU;Название;Описание;Цена;Валюта\n"
    "TEA-1;Green tea;Sencha green tea, 100 g;4,50;EUR\n"
    "CF-2;Espresso beans;Colombian beans for espresso;cheap;EUR\n"
    "HN-3;Wildflower honey;Raw honey from local beekeepers;7,40;EUR\n"
).encode()


def test_upload_report_edit_and_search(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("kb"))
    create_company(page, "Tea House", channel=None)
    page.get_by_role("link", name="Knowledge base", exact=True).click()
    expect(page.get_by_role("heading", name="Knowledge base", exact=True)).to_be_visible()

    page.get_by_label("CSV or Excel file").set_input_files(
        files=[{"name": "catalogue.csv", "mimeType": "text/csv", "buffer": CATALOGUE}]
    )
    page.get_by_role("button", name="Upload catalogue").click()
    result = page.get_by_test_id("upload-result")
    expect(result).to_contain_text("Imported 2 of 3 rows.")
    report = page.get_by_test_id("error-report")
    expect(report).to_contain_text("Цена")
    expect(report).to_contain_text("'cheap' is not a number")
    expect(report.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("kb-row")).to_have_count(2)
    shot(page, "kb-upload-report")

    page.get_by_role("button", name="Edit Wildflower honey").click()
    editor = page.get_by_role("form", name="Edit")
    editor.get_by_label("Name").fill("Acacia honey")
    editor.get_by_label("Price").fill("8,90")
    editor.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("kb-rows")).to_contain_text("Acacia honey")
    expect(page.get_by_test_id("kb-rows")).to_contain_text("8.90 EUR")

    page.get_by_label("Try a customer's question").fill("acasia")  # a typo
    page.get_by_label("Try a customer's question").press("Enter")
    first = page.get_by_test_id("search-results").locator("li").first
    expect(first).to_contain_text("Acacia honey")
    expect(first).to_contain_text("8.90 EUR")
    page.get_by_label("Filter by name or SKU").fill("TEA")
    expect(page.get_by_test_id("kb-row")).to_have_count(1)
    shot(page, "kb-edited-search")


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def test_media_library_keeps_one_video_per_folder(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("media"))
    create_company(page, "Photo Shop", channel=None)
    page.get_by_role("link", name="Knowledge base", exact=True).click()
    picker = page.get_by_label("Add a photo or the welcome video")
    picker.set_input_files(files=[{"name": "apples.png", "mimeType": "image/png", "buffer": PNG}])
    grid = page.get_by_test_id("media-grid")
    expect(grid.locator("li")).to_have_count(1)
    picker.set_input_files(files=[{"name": "welcome.mp4", "mimeType": "video/mp4", "buffer": MP4}])
    expect(grid.locator("li")).to_have_count(2)
    expect(grid).to_contain_text("Welcome video")
    # With a video present, the picker offers photos only; a video sent anyway is refused by the server.
    photos_only = page.get_by_label("Add a photo (this folder already has its video)")
    photos_only.set_input_files(files=[{"name": "again.mp4", "mimeType": "video/mp4", "buffer": MP4}])
    expect(page.get_by_role("alert")).to_contain_text("already has its welcome video")
    expect(grid.locator("li")).to_have_count(2)
    shot(page, "kb-media")
    grid.locator("li", has_text="Welcome video").get_by_role("button", name="Delete").click()
    expect(grid.locator("li")).to_have_count(1)


def _expire_access_token(page: Page, secret_key: str) -> str:
    """Put an access token that expired a minute ago in place of the dashboard's (same user, same session)."""
    tokens = json.loads(page.evaluate("localStorage.getItem('x8.tokens')"))
    payload = tokens["access_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    tokens["access_token"] = encode_token(
        secret_key,
        subject=claims["sub"],
        token_type="access",
        ttl=timedelta(minutes=-1),
        claims={"sid": claims["sid"], "role": claims["role"]},
    )
    page.evaluate("t => localStorage.setItem('x8.tokens', t)", json.dumps(tokens))
    return str(tokens["access_token"])


def _access_token(page: Page) -> str:
    return str(json.loads(page.evaluate("localStorage.getItem('x8.tokens')"))["access_token"])


def test_uploads_and_export_refresh_an_expired_access_token(page: Page, live_server_env: dict[str, str]) -> None:
    # The access token lasts 30 minutes; an upload or a download after that refreshes it and goes through.
    secret_key = live_server_env.get("SECRET_KEY", DEV_SECRET_KEY)
    register(page, live_server_env["BASE"], unique_email("stale"))
    create_company(page, "Late Shop", channel=None)
    page.get_by_role("link", name="Knowledge base", exact=True).click()
    expect(page.get_by_role("heading", name="Knowledge base", exact=True)).to_be_visible()

    expired = _expire_access_token(page, secret_key)
    page.get_by_label("CSV or Excel file").set_input_files(
        files=[{"name": "catalogue.csv", "mimeType": "text/csv", "buffer": CATALOGUE}]
    )
    page.get_by_role("button", name="Upload catalogue").click()
    expect(page.get_by_test_id("upload-result")).to_contain_text("Imported 2 of 3 rows.")
    expect(page.get_by_test_id("kb-row")).to_have_count(2)
    assert _access_token(page) != expired

    expired = _expire_access_token(page, secret_key)
    page.get_by_label("Add a photo or the welcome video").set_input_files(
        files=[{"name": "apples.png", "mimeType": "image/png", "buffer": PNG}]
    )
    expect(page.get_by_test_id("media-grid").locator("li")).to_have_count(1)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert _access_token(page) != expired

    expired = _expire_access_token(page, secret_key)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Green tea" in exported and "Wildflower honey" in exported
    assert _access_token(page) != expired

    # A JSON body is sent again too: fetch() has consumed the first request's by the time the 401 comes back.
    expired = _expire_access_token(page, secret_key)
    page.get_by_role("button", name="Edit Green tea").click()
    editor = page.get_by_role("form", name="Edit")
    editor.get_by_label("Name").fill("Sencha tea")
    editor.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("kb-rows")).to_contain_text("Sencha tea")
    assert _access_token(page) != expired
