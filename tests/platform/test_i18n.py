"""The API speaks the request's language (Accept-Language): error details, 422 messages, success messages and
emails in Russian, while the error type, the JSON shape and the English default stay as they were."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import app_client, bearer, last_code, mailbox, make_settings, register
from tests.conversations.helpers import connect_web, run_jobs, say, shop_with_catalogue
from tests.kb_engine.helpers import business_company, upload
from x8.kit.i18n.plural import plural_index
from x8.platform.auth import codes

RU = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"}
EN = {"Accept-Language": "en-US,en;q=0.9"}


async def _login(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/login", json={"email": "owner@example.com", "password": "Wrong0ne!"}, headers=headers
    )


async def test_a_failed_sign_in_in_both_languages(client: httpx.AsyncClient) -> None:
    await register(client)
    english, russian, default = await _login(client, EN), await _login(client, RU), await _login(client, {})
    assert english.json() == default.json() == {"error": "Unauthorized", "detail": "Incorrect email or password."}
    assert russian.status_code == 401
    assert russian.json() == {"error": "Unauthorized", "detail": "Неверный email или пароль."}


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("ru", "Неверный email или пароль."),
        ("en;q=0.5, ru;q=0.9", "Неверный email или пароль."),
        ("ru;q=0.1, en", "Incorrect email or password."),
        ("de-DE,de;q=0.9", "Incorrect email or password."),
        ("🙂;q=;;,,ru;q=x".encode(), "Incorrect email or password."),
        ("ru;q=1e400", "Incorrect email or password."),
        ("x" * 8000, "Incorrect email or password."),
    ],
)
async def test_accept_language_is_read_and_never_fails_a_request(
    client: httpx.AsyncClient, header: str | bytes, detail: str
) -> None:
    r = await client.post(
        "/api/v1/auth/login",
        json={"email": "owner@example.com", "password": "Wrong0ne!"},
        headers=[(b"Accept-Language", header if isinstance(header, bytes) else header.encode())],
    )
    assert r.status_code == 401 and r.json() == {"error": "Unauthorized", "detail": detail}


async def test_wrong_codes_count_down_in_russian_plural_forms(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Seven tries instead of five, so the countdown passes through all three Russian forms.
    monkeypatch.setattr(codes, "MAX_ATTEMPTS", 7)
    email = "count@example.com"
    await client.post("/api/v1/auth/send-verification-code", json={"email": email}, headers=RU)
    code = await last_code(client, email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    details = []
    for _ in range(7):
        r = await client.post("/api/v1/auth/verify-code", json={"email": email, "code": wrong}, headers=RU)
        assert r.status_code == 400 and r.json()["error"] == "BadRequest"
        details.append(r.json()["detail"])
    assert details == [
        "Неверный код. Осталось 6 попыток.",
        "Неверный код. Осталось 5 попыток.",
        "Неверный код. Осталось 4 попытки.",
        "Неверный код. Осталось 3 попытки.",
        "Неверный код. Осталось 2 попытки.",
        "Неверный код. Осталась 1 попытка.",
        "Неверный код. Попыток не осталось: запросите новый код.",
    ]
    r = await client.post("/api/v1/auth/verify-code", json={"email": email, "code": code}, headers=EN)
    assert r.json()["detail"] == "Too many wrong attempts. Request a new code."


async def test_the_plan_limit_keeps_its_numbers_in_russian(client: httpx.AsyncClient) -> None:
    tokens = await register(client)
    first = {"name": "First", "company_type": "Product", "channels": ["whatsapp"]}
    assert (await client.post("/api/v1/companies/", headers=bearer(tokens), json=first)).status_code == 201
    second = {"name": "Second", "company_type": "Product", "channels": ["telegram"]}
    r = await client.post("/api/v1/companies/", headers={**bearer(tokens), **RU}, json=second)
    assert r.status_code == 402
    assert r.json() == {
        "error": "PaymentRequired",
        "detail": "Ваш тариф позволяет 1 канал на все компании, а занято уже 1. Перейдите на тариф выше, "
        "чтобы добавить ещё.",
        "limit": 1,
        "in_use": 1,
    }


async def test_not_found_in_russian(client: httpx.AsyncClient) -> None:
    tokens = await register(client)
    r = await client.get(f"/api/v1/companies/{uuid.uuid4()}", headers={**bearer(tokens), **RU})
    assert r.status_code == 404 and r.json() == {"error": "NotFound", "detail": "Компания не найдена."}
    r = await client.get("/api/v1/no-such-thing", headers=RU)
    assert r.json() == {"error": "NotFound", "detail": "Такого адреса API нет."}


def _only(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 422, r.text
    items: list[dict[str, Any]] = r.json()["detail"]
    assert len(items) == 1, items
    return items[0]


async def _complete(client: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    return _only(await client.post("/api/v1/auth/complete-registration", json=body, headers=headers))


@pytest.mark.parametrize(
    ("body", "english", "russian"),
    [
        (
            {"email": "a@example.com", "password": "short1", "full_name": "A"},
            "Value error, Password must be at least 8 characters long.",
            "Пароль должен содержать не меньше 8 символов.",
        ),
        (
            {"email": "a@example.com", "password": "onlyletters", "full_name": "A"},
            "Value error, Password must contain at least one letter and one digit.",
            "Пароль должен содержать хотя бы одну букву и одну цифру.",
        ),
        (
            {"email": "not-an-email", "password": "Sup3rSecret", "full_name": "A"},
            "value is not a valid email address: An email address must have an @-sign.",
            "Некорректный адрес электронной почты: в адресе должен быть один знак @.",
        ),
        (
            {"email": "a@example.com", "password": "Sup3rSecret"},
            "Field required",
            "Обязательное поле.",
        ),
    ],
)
async def test_validation_messages_in_russian_keep_fastapis_shape(
    client: httpx.AsyncClient, body: dict[str, Any], english: str, russian: str
) -> None:
    in_english, in_russian = await _complete(client, body, EN), await _complete(client, body, RU)
    assert in_english["msg"] == english
    assert in_russian["msg"] == russian
    # Only the sentence changes: the type, where, what was sent and the context are the same.
    assert {k: v for k, v in in_russian.items() if k != "msg"} == {k: v for k, v in in_english.items() if k != "msg"}


async def test_pydantics_own_messages_in_russian(client: httpx.AsyncClient) -> None:
    tokens = await register(client)

    async def create(**fields: Any) -> dict[str, Any]:
        body = {"name": "Shop", "company_type": "Product", **fields}
        return _only(await client.post("/api/v1/companies/", headers={**bearer(tokens), **RU}, json=body))

    assert (await create(name="   "))["msg"] == "Не может быть пустым."
    odd = await create(company_type="Shop")
    assert odd["type"] == "enum" and odd["msg"] == "Допустимые значения: 'Product', 'Service' или 'Hybrid'."
    assert (await create(name="x" * 201))["msg"] == "Слишком длинно: максимум 200 символов."
    assert (await create(timezone="Mars/Base"))["msg"] == (
        "Неизвестный часовой пояс «Mars/Base»; укажите название из базы IANA, например Europe/Moscow."
    )
    r = await client.post(
        "/api/v1/auth/login", content=b'{"email": ', headers={"Content-Type": "application/json", **RU}
    )
    assert _only(r)["msg"] == "Некорректный JSON."


async def test_a_body_over_the_limit_is_refused_in_russian(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/auth/login", content=b"{" + b" " * 300_000 + b"}", headers={"Content-Type": "application/json", **RU}
    )
    assert r.status_code == 413
    assert r.json() == {"error": "PayloadTooLarge", "detail": "Тело запроса больше 256 КБ."}


async def test_success_messages_in_russian(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/auth/send-verification-code", json={"email": "hi@example.com"}, headers=RU)
    assert r.json()["message"] == "Мы отправили 6-значный код на ваш email."
    r = await client.post("/api/v1/auth/request-password-reset", json={"email": "nobody@example.com"}, headers=RU)
    assert r.json()["message"] == "Если аккаунт с этим email существует, мы отправили на него код для сброса пароля."


async def test_the_registration_code_is_mailed_in_the_pages_language(client: httpx.AsyncClient) -> None:
    await client.post("/api/v1/auth/send-verification-code", json={"email": "ru@example.com"}, headers=RU)
    await client.post("/api/v1/auth/send-verification-code", json={"email": "en@example.com"}, headers=EN)
    russian, english = (await mailbox(client, "ru@example.com"))[0], (await mailbox(client, "en@example.com"))[0]
    assert russian["subject"] == "Ваш код подтверждения X8 Network"
    assert "Он действует 10 минут, использовать его можно один раз." in russian["body"]
    assert english["subject"] == "Your X8 Network verification code"
    assert "It is valid for 10 minutes and can be used once." in english["body"]
    code = re.search(r"\b(\d{6})\b", russian["body"])
    assert code is not None
    r = await client.post("/api/v1/auth/verify-code", json={"email": "ru@example.com", "code": code.group(1)})
    assert r.status_code == 200


async def _russian_profile(client: httpx.AsyncClient, email: str) -> dict[str, Any]:
    tokens = await register(client, email)
    r = await client.patch("/api/v1/users/profile", headers=bearer(tokens), json={"language": "ru"})
    assert r.status_code == 200 and r.json()["language"] == "ru"
    return tokens


async def test_reset_and_magic_link_mails_follow_the_profile_not_the_request(client: httpx.AsyncClient) -> None:
    await _russian_profile(client, "olga@example.com")
    await register(client, "john@example.com")
    for email in ("olga@example.com", "john@example.com"):
        await client.post("/api/v1/auth/request-password-reset", json={"email": email}, headers=EN)
        await client.post("/api/v1/auth/request-magic-link", json={"email": email}, headers=RU)
    olga = {m["subject"]: m["body"] for m in await mailbox(client, "olga@example.com")}
    assert "Ваш код для сброса пароля X8 Network: " in olga["Сброс пароля X8 Network"]
    link = olga["Ваша ссылка для входа в X8 Network"]
    assert "Она сработает один раз и действует 15 минут." in link
    assert re.search(r"http://frontend\.test/magic-link\?token=\S+\n", link)
    john = {m["subject"] for m in await mailbox(client, "john@example.com")}
    assert {"Reset your X8 Network password", "Your X8 Network sign-in link"} <= john


async def test_the_handover_notice_is_in_the_owners_language(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, company = await shop_with_catalogue(client)
    await client.patch("/api/v1/users/profile", headers=bearer(tokens), json={"language": "ru"})
    channel = await connect_web(client, tokens, company["id"])
    conversation = (await say(client, tokens, channel, "Can I talk to a real person please"))["conversation_id"]
    await run_jobs(app_url)
    notice = (await mailbox(client, "shop@example.com"))[0]
    assert notice["subject"] == f"{company['name']}: клиент просит позвать человека"
    assert notice["body"].startswith(f"Клиент компании {company['name']} попросил поговорить с человеком.")
    assert f"conversation={conversation}" in notice["body"]


async def test_a_catalogues_row_errors_in_russian(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    content = "name,description,price,stock\nTea,Green tea,cheap,\n,No name,1,\nCocoa,Hot cocoa,1,lots\n"
    r = await client.post(
        "/api/v1/knowledge-base/upload-csv",
        headers={**bearer(tokens), **RU},
        files={"file": ("catalogue.csv", content.encode(), "text/csv")},
        data={"company_id": company["id"]},
    )
    assert r.status_code == 400 and r.json()["error"] == "BadRequest"
    assert r.json()["detail"] == "Ни одну из 3 строк не удалось импортировать, поэтому база знаний не изменилась."
    assert [e["message"] for e in r.json()["errors"]] == [
        "Цена «cheap» — не число.",
        "Не указано название.",
        "«lots» — не целое число штук.",
    ]
    english = await upload(client, tokens, company["id"], content.encode())
    assert [e["message"] for e in english.json()["errors"]] == [
        "The price 'cheap' is not a number.",
        "The name is missing.",
        "'lots' is not a whole number of items.",
    ]


async def test_a_wrong_method_is_named_in_russian(client: httpx.AsyncClient) -> None:
    r = await client.delete("/api/v1/auth/login", headers=RU)
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    assert r.json() == {"error": "MethodNotAllowed", "detail": "Метод не поддерживается: этот адрес принимает POST."}


async def test_a_rate_limit_says_when_to_come_back_in_russian(owner_url: str, app_url: str) -> None:
    settings = make_settings(owner_url, X8_RATE_LIMIT_LOGINS_PER_EMAIL="1")
    async with app_client(settings, app_url) as client:
        await _login(client, RU)
        r = await _login(client, RU)
    assert r.status_code == 429 and r.json()["error"] == "RateLimited"
    seconds = int(r.headers["retry-after"])
    word = {0: "секунду", 1: "секунды", 2: "секунд"}[plural_index(seconds, "ru")]
    assert r.json()["detail"] == f"Слишком много неудачных попыток входа. Попробуйте снова через {seconds} {word}."
