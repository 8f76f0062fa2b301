"""Google: OAuth 2.0 (sign-in today; Calendar and Gmail with offline access) and authorised API calls that refresh
their tokens. See ``oauth`` and ``api`` for the conventions."""

from x8.integrations.google.api import GoogleApi
from x8.integrations.google.oauth import (
    DEFAULT_REVOKE_URL,
    EXPIRY_LEEWAY,
    GOOGLE_FAILURES,
    GoogleError,
    GoogleNotConfigured,
    GoogleOAuth,
    GoogleRefused,
    GoogleTokens,
    GoogleUnavailable,
    OnRefresh,
)

__all__ = [
    "DEFAULT_REVOKE_URL",
    "EXPIRY_LEEWAY",
    "GOOGLE_FAILURES",
    "GoogleApi",
    "GoogleError",
    "GoogleNotConfigured",
    "GoogleOAuth",
    "GoogleRefused",
    "GoogleTokens",
    "GoogleUnavailable",
    "OnRefresh",
]
