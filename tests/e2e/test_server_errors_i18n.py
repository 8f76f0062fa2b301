"""The server's own words follow the dashboard's language: a Russian sign-in page shows the server's refusal in
Russian, in a browser whose own language is English, and switching back applies to the very next request."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import unique_email


def test_a_wrong_password_is_refused_in_the_pages_language(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", name="Sign in to X8 Network")).to_be_visible()
    page.get_by_label("Language").select_option("ru")
    expect(page.get_by_role("heading", name="Вход в X8 Network")).to_be_visible()

    page.get_by_label("Эл. почта").fill(unique_email("nobody"))
    page.get_by_label("Пароль").fill("Wrong12345")
    with page.expect_request("**/api/v1/auth/login") as sent:
        page.get_by_role("button", name="Войти").click()
    assert sent.value.headers["accept-language"] == "ru"  # the browser itself asks for en-US
    expect(page.get_by_role("alert")).to_have_text("Неверный email или пароль.")
    shot(page, "login-error-ru")

    page.get_by_label("Язык").select_option("en")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Incorrect email or password.")


def test_a_validation_message_from_the_server_is_shown_in_russian(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/register")
    page.get_by_label("Language").select_option("ru")
    # The browser takes it as an email address; the server refuses the reserved domain with a 422.
    page.get_by_label("Эл. почта").fill("someone@example.test")
    page.get_by_role("button", name="Отправить код").click()
    expect(
        page.get_by_text("Некорректный адрес электронной почты: этот домен зарезервирован и не принимает почту.")
    ).to_be_visible()
    shot(page, "register-invalid-email-ru")
