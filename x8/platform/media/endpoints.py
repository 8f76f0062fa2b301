"""Media for catalogues (SPEC.md R-K6): photos without limit, at most one (welcome) video per folder."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from pydantic import BaseModel

from x8.kit.db import SessionDep
from x8.kit.deps import SettingsDep
from x8.kit.errors import BadRequest, Conflict, NotFound, ServiceUnavailable, X8Error, error_responses
from x8.kit.i18n import msg
from x8.platform.audit.service import audit
from x8.platform.auth.deps import CurrentUser
from x8.platform.media.storage import (
    Folder,
    MediaItem,
    MediaStorage,
    ResourceType,
    StorageUnavailable,
    folder_prefix,
    sniff_format,
    storage_for,
)
from x8.settings import Settings

router = APIRouter(prefix="/api/v1/cloudinary", tags=["media"])

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_VIDEO_BYTES = 100 * 1024 * 1024
FOLDERS: tuple[Folder, ...] = ("product", "service")


class PayloadTooLarge(X8Error):
    status_code = 413
    error_type = "PayloadTooLarge"


class MediaOut(BaseModel):
    public_id: str
    url: str
    resource_type: str
    format: str
    bytes: int
    folder: str
    created_at: datetime


class MediaList(BaseModel):
    items: list[MediaOut]
    total: int


def _storage(settings: Settings) -> MediaStorage:
    return storage_for(settings)


def _out(item: MediaItem) -> MediaOut:
    folder = item.public_id.split("/")[2] if item.public_id.count("/") >= 3 else ""
    return MediaOut(folder=folder, **item.__dict__)


async def _list(
    storage: MediaStorage, user_id: object, folders: tuple[Folder, ...], kinds: tuple[ResourceType, ...]
) -> list[MediaItem]:
    items: list[MediaItem] = []
    try:
        for folder in folders:
            for kind in kinds:
                items += await storage.list(folder_prefix(user_id, folder), kind)  # type: ignore[arg-type]
    except StorageUnavailable as exc:
        raise ServiceUnavailable(exc.message) from exc
    return sorted(items, key=lambda i: i.created_at)


@router.post(
    "/upload",
    response_model=MediaOut,
    status_code=201,
    responses=error_responses(BadRequest, Conflict, PayloadTooLarge, ServiceUnavailable),
)
async def upload(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="An image (jpg, png, gif, webp) or a video (mp4, mov, webm)")],
    folder: Annotated[Literal["product", "service"], Form()] = "product",
) -> MediaOut:
    """Store a photo or the folder's one welcome video. A second video in the same folder is refused."""
    head = await file.read(16)
    sniffed = sniff_format(head)
    if sniffed is None:
        raise BadRequest(msg("Upload a photo (JPG, PNG, GIF, WebP) or a video (MP4, MOV, WebM)."))
    fmt, kind = sniffed
    limit = MAX_VIDEO_BYTES if kind == "video" else MAX_IMAGE_BYTES
    data = head + await file.read(limit + 1 - len(head))
    if len(data) > limit:
        megabytes = limit // (1024 * 1024)
        raise PayloadTooLarge(
            msg("The video is larger than {megabytes} MB.", megabytes=megabytes)
            if kind == "video"
            else msg("The image is larger than {megabytes} MB.", megabytes=megabytes)
        )
    storage = _storage(settings)
    prefix = folder_prefix(user.id, folder)
    try:
        if kind == "video" and await storage.list(prefix, "video"):
            raise Conflict(msg("This folder already has its welcome video. Delete it before uploading another."))
        item = await storage.upload(prefix, data, fmt, kind)
    except StorageUnavailable as exc:
        raise ServiceUnavailable(exc.message) from exc
    await audit(session, request, user.id, "media.uploaded", ("media", item.public_id))
    return _out(item)


@router.get("/media", response_model=MediaList, responses=error_responses(ServiceUnavailable))
async def list_media(
    user: CurrentUser, settings: SettingsDep, folder: Literal["product", "service"] | None = None
) -> MediaList:
    items = await _list(_storage(settings), user.id, (folder,) if folder else FOLDERS, ("image", "video"))
    return MediaList(items=[_out(i) for i in items], total=len(items))


@router.get("/images", response_model=MediaList, responses=error_responses(ServiceUnavailable))
async def list_images(
    user: CurrentUser, settings: SettingsDep, folder: Literal["product", "service"] | None = None
) -> MediaList:
    items = await _list(_storage(settings), user.id, (folder,) if folder else FOLDERS, ("image",))
    return MediaList(items=[_out(i) for i in items], total=len(items))


@router.delete("/media/{public_id:path}", status_code=204, responses=error_responses(NotFound, ServiceUnavailable))
async def delete_media(
    public_id: str, request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """Delete at the provider, so no link to it keeps working. Only the caller's own folders are reachable."""
    if not any(public_id.startswith(folder_prefix(user.id, f) + "/") for f in FOLDERS) or ".." in public_id:
        raise NotFound(msg("Media not found."))
    storage = _storage(settings)
    try:
        deleted = await storage.delete(public_id, "image") or await storage.delete(public_id, "video")
    except StorageUnavailable as exc:
        raise ServiceUnavailable(exc.message) from exc
    if not deleted:
        raise NotFound(msg("Media not found."))
    await audit(session, request, user.id, "media.deleted", ("media", public_id))
    return Response(status_code=204)
