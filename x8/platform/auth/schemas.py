from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, EmailStr, Field

_COMMON = {"password", "password1", "12345678", "123456789", "qwerty123", "11111111", "iloveyou1"}


def _normalize_email(value: str) -> str:
    return value.strip().lower()


def _strong_password(value: str) -> str:
    if len(value) < 8:
        raise ValueError("Password must be at least 8 characters long.")
    if len(value.encode()) > 72:
        raise ValueError("Password must be at most 72 bytes long.")
    if not re.search(r"[^\W\d_]", value) or not re.search(r"\d", value):
        raise ValueError("Password must contain at least one letter and one digit.")
    if value.lower() in _COMMON:
        raise ValueError("This password is too common.")
    return value


Email = Annotated[EmailStr, AfterValidator(_normalize_email)]
StrongPassword = Annotated[str, AfterValidator(_strong_password)]
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
    password: str = Field(min_length=1, max_length=200)


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
