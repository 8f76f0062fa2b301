"""SPEC §3: settings names; production refuses development defaults."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from x8.settings import DEV_DB_APP_PASSWORD, Settings

GOOD_PROD = {
    "X8_ENV": "production",
    "DATABASE_URL": "postgresql://x8@db/x8",
    "SECRET_KEY": "q8Zr4mLw2Xv9Tn7Bp3Ks6Hd1Jf5Gc0Ya",
    "X8_VAULT_KEY": base64.b64encode(b"v" * 32).decode(),
    "SMTP_HOST": "smtp.example.com",
    "X8_DB_APP_PASSWORD": "a-real-runtime-password",
}


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_production_with_real_values_starts() -> None:
    settings = _settings(**GOOD_PROD)
    assert settings.is_production


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY"),
        ("X8_VAULT_KEY", "X8_VAULT_KEY"),
        ("SMTP_HOST", "SMTP_HOST"),
        ("DATABASE_URL", "DATABASE_URL"),
        ("X8_DB_APP_PASSWORD", "X8_DB_APP_PASSWORD"),
    ],
)
def test_production_refuses_defaults(missing: str, message: str) -> None:
    values = {k: v for k, v in GOOD_PROD.items() if k != missing}
    with pytest.raises(ValidationError, match=message):
        _settings(**values)


@pytest.mark.parametrize("key", ["k" * 40, "abcdefghijklmno" * 3])
def test_production_refuses_a_secret_key_with_few_distinct_characters(key: str) -> None:
    with pytest.raises(ValidationError, match="16 or more distinct"):
        _settings(**{**GOOD_PROD, "SECRET_KEY": key})


def test_production_refuses_waha_without_its_webhook_key() -> None:
    with pytest.raises(ValidationError, match="WAHA_WEBHOOK_HMAC_KEY"):
        _settings(**{**GOOD_PROD, "WAHA_API_URL": "http://waha:3000"})
    assert _settings(**{**GOOD_PROD, "WAHA_API_URL": "http://waha:3000", "WAHA_WEBHOOK_HMAC_KEY": "h" * 32})


def test_production_refuses_the_default_app_password_without_echoing_it() -> None:
    with pytest.raises(ValidationError, match="X8_DB_APP_PASSWORD must be set") as refused:
        _settings(**{**GOOD_PROD, "X8_DB_APP_PASSWORD": DEV_DB_APP_PASSWORD})
    assert DEV_DB_APP_PASSWORD not in str(refused.value)
    assert _settings(X8_DB_APP_PASSWORD=DEV_DB_APP_PASSWORD).db_app_password == DEV_DB_APP_PASSWORD  # dev keeps it


def test_vault_key_must_be_32_bytes_of_base64() -> None:
    with pytest.raises(ValidationError, match="32 bytes"):
        _settings(X8_VAULT_KEY=base64.b64encode(b"short").decode())
    with pytest.raises(ValidationError, match="base64"):
        _settings(X8_VAULT_KEY="not base64!!")


def test_a_bad_mongodb_url_is_refused_at_start_without_echoing_it() -> None:
    assert _settings(MONGODB_URL="").mongodb_url is None  # the .env.example placeholder: no history store
    assert _settings(MONGODB_URL="mongodb://x8:pw@mongo:27017/x8?authSource=admin").mongodb_url
    for bad in ("http://x8:s3cret-pw@mongo/x8", "mongodb://"):
        with pytest.raises(ValidationError, match="MONGODB_URL is not a MongoDB connection string") as refused:
            _settings(MONGODB_URL=bad)
        assert "s3cret-pw" not in str(refused.value)


def test_a_refused_secret_is_not_repeated_in_the_error() -> None:
    with pytest.raises(ValidationError) as refused:
        _settings(X8_VAULT_KEY=base64.b64encode(b"a-secret-but-short").decode())
    assert base64.b64encode(b"a-secret-but-short").decode() not in str(refused.value)


def test_environment_variable_names_are_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X8_BUFFER_SECONDS", "2.5")
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9999")
    monkeypatch.setenv("BACKEND_CORS_ORIGINS", "http://a.test, http://b.test")
    monkeypatch.setenv("X8_DB_APP_ROLE", "tenant_app")
    settings = _settings()
    assert settings.buffer_seconds == 2.5
    assert settings.stripe_api_base == "http://127.0.0.1:9999"
    assert settings.cors_origins == ["http://a.test", "http://b.test"]
    assert settings.db_app_role == "tenant_app"


def test_app_role_name_cannot_inject_sql() -> None:
    with pytest.raises(ValidationError):
        _settings(X8_DB_APP_ROLE='x"; DROP TABLE users; --')
