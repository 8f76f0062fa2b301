from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from x8.kit.db import SessionDep
from x8.platform.auth.deps import CurrentUser
from x8.platform.auth.schemas import Me
from x8.platform.companies.schemas import Language, Name, TimeZone
from x8.platform.users.views import me_view

router = APIRouter(prefix="/api/v1/users", tags=["users"])


class ProfileUpdate(BaseModel):
    full_name: Name | None = None
    language: Language | None = None
    timezone: TimeZone | None = None


@router.patch("/profile", response_model=Me)
async def update_profile(body: ProfileUpdate, user: CurrentUser, session: SessionDep) -> Me:
    if body.full_name is not None:
        user.full_name = body.full_name
    if body.language is not None:
        user.language = body.language
    if body.timezone is not None:
        user.timezone = body.timezone
    await session.flush()
    return me_view(user)
