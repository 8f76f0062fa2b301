from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import email_validator
from pydantic import AfterValidator, BaseModel, EmailStr, Field, WithJsonSchema

from x8.kit.i18n import msg

_COMMON = {"password", "password1", "12345678", "123456789", "qwerty123", "11111111", "iloveyou1"}
PASSWORD_MIN, PASSWORD_MAX = 8, 128
# The schema's form of "a letter and a digit, in either order" (letter: Unicode L*, str.isalpha; digit: Unicode Nd,
# str.isdecimal), so a client or a fuzzer that follows the schema sends passwords the server takes.
_LETTER_AND_DIGIT = r"\p{L}[\s\S]*\p{Nd}|\p{Nd}[\s\S]*\p{L}"


def _normalize_email(value: str) -> str:
    return value.strip().lower()


def _strong_password(value: str) -> str:
    if len(value) < PASSWORD_MIN:
        raise ValueError(msg("Password must be at least {min} characters long.", min=PASSWORD_MIN))
    if len(value) > PASSWORD_MAX:
        raise ValueError(msg("Password must be at most {max} characters long.", max=PASSWORD_MAX))
    if not any(c.isalpha() for c in value) or not any(c.isdecimal() for c in value):
        raise ValueError(msg("Password must contain at least one letter and one digit."))
    if value.lower() in _COMMON:
        raise ValueError(msg("This password is too common."))
    return value


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in word)


# email-validator refuses the special-use domains (.test, .local, …), whatever the case: the schema says so too.
_NOT_SPECIAL_USE = (
    r"^(?![\s\S]*[@.](?:" + "|".join(_any_case(d) for d in email_validator.SPECIAL_USE_DOMAIN_NAMES) + r")$)"
)
Email = Annotated[
    EmailStr,
    AfterValidator(_normalize_email),
    WithJsonSchema(
        {
            "type": "string",
            "format": "email",
            "maxLength": 254,
            "pattern": _NOT_SPECIAL_USE,
            "description": "An email address; special-use domains (.test, .local, .localhost, …) are refused.",
        },
        mode="validation",
    ),
]
StrongPassword = Annotated[
    str,
    AfterValidator(_strong_password),
    WithJsonSchema(
        {
            "type": "string",
            "format": "password",
            "minLength": PASSWORD_MIN,
            "maxLength": PASSWORD_MAX,
            "pattern": _LETTER_AND_DIGIT,
            "description": f"{PASSWORD_MIN}–{PASSWORD_MAX} characters with at least one letter and one digit; "
            "not one of the most common passwords (password1, qwerty123, …).",
        },
        mode="validation",
    ),
]
Code = Annotated[str, Field(pattern=r"^\d{6}$", description="The 6-digit code from the email")]


class EmailIn(BaseModel):
    email: Email


class CodeIn(BaseModel):
    email: Email
    code: Code


class CompleteRegistrationIn(BaseModel):
    email: Email
    password: StrongPassword
    full_name: str = Field(min_length=1, max_length=200)
    language: str = Field("en", pattern=r"^(en|ru)$", description="Interface language; defaults to English")


class LoginIn(BaseModel):
    email: Email
    # No minimum: an empty password (or one that is empty once the NUL characters no text may hold are taken out)
    # is simply a wrong one, 401 like any other.
    password: str = Field(max_length=200)


class RefreshIn(BaseModel):
    refresh_token: str = Field(min_length=10, max_length=4000)


class ResetPasswordIn(BaseModel):
    email: Email
    code: Code
    new_password: StrongPassword


class ChangePasswordIn(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: StrongPassword


class MagicLinkIn(BaseModel):
    token: str = Field(min_length=10, max_length=200)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class MessageOut(BaseModel):
    message: str


class CodeSentOut(BaseModel):
    message: str
    expires_in: int


class VerifiedOut(BaseModel):
    verified: bool


class Me(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    role: str
    plan: str
    subscription_status: str
    trial_ends_at: datetime | None
    manager_id: uuid.UUID | None
    language: str
    timezone: str
    channel_limit: int | None
    has_password: bool
