"""Platform settings, read from the environment.

The environment variable names are part of the public contract (SPEC.md §3): do not rename fields
without keeping their aliases.
"""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "x8-dev-secret-key-change-me-in-production"
# 32 zero-ish bytes, base64: only ever valid outside production.
DEV_VAULT_KEY = base64.b64encode(b"x8-dev-vault-key-not-for-prod!!!").decode()
# The runtime role's password outside production; published here, so production refuses it.
DEV_DB_APP_PASSWORD = "x8_app_dev_password"


class Settings(BaseSettings):
    # hide_input_in_errors: a refused value is often a secret (a vault key, a URL with a password); the error
    # names the variable and what is wrong, never the value.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True, hide_input_in_errors=True)

    # --- core ---
    env: Literal["dev", "test", "production"] = Field("dev", alias="X8_ENV")
    database_url: str | None = Field(None, alias="DATABASE_URL")
    database_app_url: str | None = Field(None, alias="DATABASE_APP_URL")
    db_app_role: str = Field("x8_app", alias="X8_DB_APP_ROLE", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    db_app_password: str = Field(DEV_DB_APP_PASSWORD, alias="X8_DB_APP_PASSWORD")
    secret_key: str = Field(DEV_SECRET_KEY, alias="SECRET_KEY")
    vault_key: str = Field(DEV_VAULT_KEY, alias="X8_VAULT_KEY")
    # Earlier vault keys (comma-separated), still accepted for reading until `x8 vault rotate` has run.
    vault_old_keys: str = Field("", alias="X8_VAULT_OLD_KEYS")
    public_base_url: str = Field("http://localhost:8000", alias="PUBLIC_BASE_URL")
    frontend_url: str = Field("http://localhost:8000", alias="FRONTEND_URL")
    backend_cors_origins: str = Field("", alias="BACKEND_CORS_ORIGINS")
    buffer_seconds: float = Field(4.0, alias="X8_BUFFER_SECONDS", ge=0)
    # Not in SPEC §3: how long a human reply (dashboard or the owner's phone) keeps the bot quiet (R-M5).
    # Not in SPEC §3: jobs the worker inside `x8 serve` runs at once (`x8 worker --concurrency` for separate ones).
    worker_concurrency: int = Field(4, alias="X8_WORKER_CONCURRENCY", ge=1, le=64)
    # Not in SPEC §3: how long conversation messages are kept in PostgreSQL (R-M6); 0 keeps them forever.
    history_retention_days: int = Field(365, alias="X8_HISTORY_RETENTION_DAYS", ge=0)
    human_pause_minutes: int = Field(60, alias="X8_HUMAN_PAUSE_MINUTES", ge=1)
    data_dir: Path = Field(Path(".x8-data"), alias="X8_DATA_DIR")
    kb_max_bytes: int = Field(20 * 1024 * 1024, alias="X8_KB_MAX_BYTES")

    # --- rate limits (per window of rate_limit_window_seconds) ---
    rate_limit_window_seconds: int = Field(900, alias="X8_RATE_LIMIT_WINDOW_SECONDS", ge=1)
    rate_limit_codes_per_email: int = Field(5, alias="X8_RATE_LIMIT_CODES_PER_EMAIL", ge=1)
    rate_limit_codes_per_ip: int = Field(30, alias="X8_RATE_LIMIT_CODES_PER_IP", ge=1)
    rate_limit_logins_per_email: int = Field(10, alias="X8_RATE_LIMIT_LOGINS_PER_EMAIL", ge=1)
    rate_limit_logins_per_ip: int = Field(100, alias="X8_RATE_LIMIT_LOGINS_PER_IP", ge=1)
    # Each company costs a schema and two roles (R-C1).
    rate_limit_companies_per_business: int = Field(10, alias="X8_RATE_LIMIT_COMPANIES_PER_BUSINESS", ge=1)
    max_companies: int = Field(20, alias="X8_MAX_COMPANIES", ge=1)
    # A person types a few support messages a minute at most; the FAQ bot may call an n8n workflow (and an LLM).
    rate_limit_support_messages_per_minute: int = Field(20, alias="X8_RATE_LIMIT_SUPPORT_MESSAGES_PER_MINUTE", ge=1)
    rate_limit_faq_questions_per_minute: int = Field(10, alias="X8_RATE_LIMIT_FAQ_QUESTIONS_PER_MINUTE", ge=1)

    # --- email ---
    smtp_host: str | None = Field(None, alias="SMTP_HOST")
    smtp_port: int = Field(587, alias="SMTP_PORT")
    smtp_username: str | None = Field(None, alias="SMTP_USERNAME")
    smtp_password: str | None = Field(None, alias="SMTP_PASSWORD")
    smtp_from_email: str = Field("X8 Network <no-reply@x8.local>", alias="SMTP_FROM_EMAIL")
    smtp_use_tls: bool = Field(True, alias="SMTP_USE_TLS")

    # --- stripe ---
    stripe_secret_key: str | None = Field(None, alias="STRIPE_SECRET_KEY")
    stripe_webhook_secret: str | None = Field(None, alias="STRIPE_WEBHOOK_SECRET")
    stripe_connect_webhook_secret: str | None = Field(None, alias="STRIPE_CONNECT_WEBHOOK_SECRET")
    stripe_api_base: str = Field("https://api.stripe.com", alias="STRIPE_API_BASE")
    stripe_price_single: str | None = Field(None, alias="STRIPE_PRICE_SINGLE")
    stripe_price_double: str | None = Field(None, alias="STRIPE_PRICE_DOUBLE")
    stripe_price_growth: str | None = Field(None, alias="STRIPE_PRICE_GROWTH")
    stripe_price_special: str | None = Field(None, alias="STRIPE_PRICE_SPECIAL")
    platform_fee_percent: float = Field(0.0, alias="X8_PLATFORM_FEE_PERCENT", ge=0, le=100)
    # Not in SPEC §3: how long after a payment link the customer who has not paid gets the payment_reminder
    # message (R-P2); 0 sends no reminders. Checkout links live 24 hours.
    payment_reminder_minutes: int = Field(60, alias="X8_PAYMENT_REMINDER_MINUTES", ge=0, le=24 * 60)

    # --- channels ---
    # Not in SPEC §3: how long an adapter waits for a provider before it counts as an outage (then retried).
    provider_timeout_seconds: float = Field(10.0, alias="X8_PROVIDER_TIMEOUT_SECONDS", gt=0)
    telegram_api_url: str = Field("https://api.telegram.org", alias="TELEGRAM_API_URL")
    waha_api_url: str | None = Field(None, alias="WAHA_API_URL")
    waha_api_key: str | None = Field(None, alias="WAHA_API_KEY")
    waha_webhook_hmac_key: str | None = Field(None, alias="WAHA_WEBHOOK_HMAC_KEY")
    meta_graph_url: str = Field("https://graph.facebook.com", alias="META_GRAPH_URL")
    meta_graph_version: str = Field("v21.0", alias="META_GRAPH_VERSION")
    meta_verify_token: str | None = Field(None, alias="META_VERIFY_TOKEN")
    # Not in SPEC §3: how long a TikTok tracking link's code lives (R-CH6), and how many hits one visitor (by the
    # hash of their IP) may make on /t/<code> a minute.
    tiktok_link_ttl_days: int = Field(90, alias="X8_TIKTOK_LINK_TTL_DAYS", ge=1, le=3650)
    tiktok_clicks_per_ip_per_minute: int = Field(30, alias="X8_TIKTOK_CLICKS_PER_IP_PER_MINUTE", ge=1)

    # --- google ---
    google_client_id: str | None = Field(None, alias="GOOGLE_CLIENT_ID")
    google_client_secret: str | None = Field(None, alias="GOOGLE_CLIENT_SECRET")
    google_oauth_url: str = Field("https://accounts.google.com", alias="GOOGLE_OAUTH_URL")
    google_token_url: str = Field("https://oauth2.googleapis.com/token", alias="GOOGLE_TOKEN_URL")
    google_api_url: str = Field("https://www.googleapis.com", alias="GOOGLE_API_URL")
    gmail_api_url: str = Field("https://gmail.googleapis.com", alias="GMAIL_API_URL")
    google_revoke_url: str = Field("https://oauth2.googleapis.com/revoke", alias="GOOGLE_REVOKE_URL")
    gmail_pubsub_topic: str | None = Field(None, alias="GMAIL_PUBSUB_TOPIC")  # projects/<p>/topics/<t>
    gmail_push_token: str | None = Field(None, alias="GMAIL_PUSH_TOKEN")  # ?token= of the Pub/Sub push URL

    # --- facebook login ---
    facebook_client_id: str | None = Field(None, alias="FACEBOOK_CLIENT_ID")
    facebook_client_secret: str | None = Field(None, alias="FACEBOOK_CLIENT_SECRET")
    # Not in SPEC §3: the login dialog lives on www.facebook.com, not on the Graph host.
    facebook_oauth_url: str = Field("https://www.facebook.com", alias="FACEBOOK_OAUTH_URL")

    # --- media ---
    cloudinary_cloud_name: str | None = Field(None, alias="CLOUDINARY_CLOUD_NAME")
    cloudinary_api_key: str | None = Field(None, alias="CLOUDINARY_API_KEY")
    cloudinary_api_secret: str | None = Field(None, alias="CLOUDINARY_API_SECRET")
    cloudinary_api_url: str | None = Field(None, alias="CLOUDINARY_API_URL")

    # --- n8n ---
    n8n_api_url: str | None = Field(None, alias="N8N_API_URL")
    n8n_api_key: str | None = Field(None, alias="N8N_API_KEY")
    n8n_webhook_base_url: str | None = Field(None, alias="N8N_WEBHOOK_BASE_URL")
    # Where n8n reaches X8's tenant-scoped API (in compose, the api service: http://api:8000); PUBLIC_BASE_URL if unset.
    n8n_callback_base_url: str | None = Field(None, alias="N8N_CALLBACK_BASE_URL")
    n8n_ai_faq_url: str | None = Field(None, alias="N8N_AI_FAQ_URL")

    # --- history / llm ---
    mongodb_url: str | None = Field(None, alias="MONGODB_URL")
    openai_base_url: str | None = Field(None, alias="OPENAI_BASE_URL")
    openai_api_key: str | None = Field(None, alias="OPENAI_API_KEY")
    llm_model: str = Field("gpt-4o-mini", alias="X8_LLM_MODEL")
    embeddings: str | None = Field(None, alias="X8_EMBEDDINGS")

    @field_validator("mongodb_url")
    @classmethod
    def _mongodb_url_is_a_mongodb_uri(cls, value: str | None) -> str | None:
        if not value:
            return None  # an empty MONGODB_URL= (as in .env.example) means no history store
        from pymongo.errors import InvalidURI
        from pymongo.uri_parser import parse_uri

        try:
            parse_uri(value)
        except (InvalidURI, ValueError) as exc:
            raise ValueError(f"MONGODB_URL is not a MongoDB connection string: {exc}") from exc
        return value

    @field_validator("vault_key")
    @classmethod
    def _vault_key_is_32_bytes(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("X8_VAULT_KEY must be base64") from exc
        if len(raw) != 32:
            raise ValueError("X8_VAULT_KEY must decode to exactly 32 bytes")
        return value

    @field_validator("vault_old_keys")
    @classmethod
    def _old_vault_keys_are_32_bytes(cls, value: str) -> str:
        for position, key in enumerate((k.strip() for k in value.split(",") if k.strip()), start=1):
            try:
                raw = base64.b64decode(key, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ValueError(f"X8_VAULT_OLD_KEYS: key {position} must be base64") from exc
            if len(raw) != 32:
                raise ValueError(f"X8_VAULT_OLD_KEYS: key {position} must decode to exactly 32 bytes")
        return value

    @model_validator(mode="after")
    def _production_refuses_defaults(self) -> Settings:
        if self.env != "production":
            return self
        problems = []
        if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32 or len(set(self.secret_key)) < 16:
            problems.append(
                "SECRET_KEY must be set to a random value of at least 32 characters (16 or more distinct ones)"
            )
        if self.vault_key == DEV_VAULT_KEY:
            problems.append("X8_VAULT_KEY must be set (base64 of 32 random bytes)")
        if self.db_app_password == DEV_DB_APP_PASSWORD:
            problems.append("X8_DB_APP_PASSWORD must be set: the default password of the runtime role is public")
        if self.waha_api_url and not self.waha_webhook_hmac_key:
            problems.append(
                "WAHA_WEBHOOK_HMAC_KEY must be set when WAHA_API_URL is: without it WhatsApp events are unsigned"
            )
        if not self.smtp_host:
            problems.append("SMTP_HOST must be set: production cannot deliver verification codes otherwise")
        if not self.database_url:
            problems.append("DATABASE_URL must be set: the embedded PostgreSQL is for development only")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    @property
    def cors_origins(self) -> list[str]:
        return [o.strip() for o in self.backend_cors_origins.split(",") if o.strip()]

    @property
    def is_production(self) -> bool:
        return self.env == "production"


@lru_cache
def get_settings() -> Settings:
    return Settings()
