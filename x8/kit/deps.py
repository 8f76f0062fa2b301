from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from x8.kit.db import Database, get_database
from x8.settings import Settings


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
