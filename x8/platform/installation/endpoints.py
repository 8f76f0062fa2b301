"""What this installation offers, for the dashboard to say so: whether mail lands in the development mailbox and
which assistant answers. Public (the sign-up page needs it), and it names no secret, host or version."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from x8.kit.deps import SettingsDep

router = APIRouter(prefix="/api/v1", tags=["installation"])


class InstallationOut(BaseModel):
    dev_mailbox: bool = Field(description="Mail is not sent: it is shown at /dev/mailbox (development, no SMTP_HOST)")
    assistant_engine: Literal["llm", "retrieval"] = Field(
        description="llm: an OpenAI-compatible model follows the behaviour instructions and rules; retrieval: the "
        "built-in responder answers from the catalogue and uses only the greeting and on/off settings"
    )


@router.get("/installation", response_model=InstallationOut)
async def installation(settings: SettingsDep) -> InstallationOut:
    return InstallationOut(
        dev_mailbox=not settings.is_production and not settings.smtp_host,
        assistant_engine="llm" if settings.openai_base_url and settings.openai_api_key else "retrieval",
    )
