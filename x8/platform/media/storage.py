"""Media storage (SPEC.md R-K6): Cloudinary through its official SDK when configured, local files otherwise.

Every object lives under ``x8/<user id>/<product|service>/<random id>``: names are generated, never taken
from the uploaded file. Listing asks the storage itself, so what the dashboard shows is what exists.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, get_args

from x8.kit.i18n import UserFacingError, msg
from x8.settings import Settings

ResourceType = Literal["image", "video"]
DELETE_BATCH = 100  # Cloudinary deletes at most 100 public ids per call
Folder = Literal["product", "service"]


class StorageUnavailable(UserFacingError):
    """The media provider could not be reached or refused the request."""


@dataclass
class MediaItem:
    public_id: str
    url: str
    resource_type: ResourceType
    format: str
    bytes: int
    created_at: datetime


def folder_prefix(user_id: uuid.UUID, folder: Folder) -> str:
    return f"x8/{user_id}/{folder}"


class MediaStorage(Protocol):
    async def upload(self, prefix: str, data: bytes, fmt: str, resource_type: ResourceType) -> MediaItem: ...

    async def list(self, prefix: str, resource_type: ResourceType) -> list[MediaItem]: ...

    async def delete(self, public_id: str, resource_type: ResourceType) -> bool: ...

    async def remove_all(self, prefix: str) -> int:
        """Every file under ``prefix`` and the folder itself (account deletion); how many files went."""
        ...


class LocalStorage:
    """Files under ``X8_DATA_DIR/media``, served by the platform at ``/media/…``."""

    def __init__(self, root: Path, base_url: str) -> None:
        self.root = root
        self.base_url = base_url.rstrip("/")

    def _path(self, public_id: str, fmt: str) -> Path:
        return self.root / f"{public_id}.{fmt}"

    async def upload(self, prefix: str, data: bytes, fmt: str, resource_type: ResourceType) -> MediaItem:
        public_id = f"{prefix}/{uuid.uuid4().hex}"
        path = self._path(public_id, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(path.write_bytes, data)
        return self._item(path)

    def _item(self, path: Path) -> MediaItem:
        relative = path.relative_to(self.root)
        fmt = path.suffix.lstrip(".")
        stat = path.stat()
        return MediaItem(
            public_id=str(relative.with_suffix("")),
            url=f"{self.base_url}/media/{relative}",
            resource_type="video" if fmt in VIDEO_FORMATS else "image",
            format=fmt,
            bytes=stat.st_size,
            created_at=datetime.fromtimestamp(stat.st_mtime, UTC),
        )

    async def list(self, prefix: str, resource_type: ResourceType) -> list[MediaItem]:
        folder = self.root / prefix
        if not folder.is_dir():
            return []
        items = [self._item(p) for p in sorted(folder.iterdir()) if p.is_file()]
        return [i for i in items if i.resource_type == resource_type]

    async def delete(self, public_id: str, resource_type: ResourceType) -> bool:
        for item in await self.list(public_id.rsplit("/", 1)[0], resource_type):
            if item.public_id == public_id:
                self._path(public_id, item.format).unlink()
                return True
        return False

    def remove_prefix(self, prefix: str) -> None:
        shutil.rmtree(self.root / prefix, ignore_errors=True)

    async def remove_all(self, prefix: str) -> int:
        folder = self.root / prefix
        count = sum(1 for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else 0
        await asyncio.to_thread(self.remove_prefix, prefix)
        return count


class CloudinaryStorage:
    """The official SDK; ``CLOUDINARY_API_URL`` (its ``upload_prefix``) points it at another host in tests."""

    def __init__(self, settings: Settings) -> None:
        self.options: dict[str, Any] = {
            "cloud_name": settings.cloudinary_cloud_name,
            "api_key": settings.cloudinary_api_key,
            "api_secret": settings.cloudinary_api_secret,
            "secure": True,
        }
        if settings.cloudinary_api_url:
            self.options["upload_prefix"] = settings.cloudinary_api_url.rstrip("/")

    @staticmethod
    def _item(resource: dict[str, Any]) -> MediaItem:
        created = str(resource.get("created_at") or datetime.now(UTC).isoformat()).replace("Z", "+00:00")
        return MediaItem(
            public_id=str(resource["public_id"]),
            url=str(resource.get("secure_url") or resource.get("url")),
            resource_type="video" if resource.get("resource_type") == "video" else "image",
            format=str(resource.get("format") or ""),
            bytes=int(resource.get("bytes") or 0),
            created_at=datetime.fromisoformat(created),
        )

    async def _call(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        import cloudinary.exceptions

        try:
            return await asyncio.to_thread(function, *args, **kwargs, **self.options)
        except cloudinary.exceptions.Error as exc:
            raise StorageUnavailable(msg("Cloudinary refused the request: {reason}", reason=str(exc)[:200])) from exc
        except Exception as exc:  # the SDK surfaces network failures as urllib3 errors
            raise StorageUnavailable(msg("Cloudinary is not answering right now. Try again shortly.")) from exc

    async def upload(self, prefix: str, data: bytes, fmt: str, resource_type: ResourceType) -> MediaItem:
        import cloudinary.uploader

        result = await self._call(
            cloudinary.uploader.upload,
            data,
            folder=prefix,
            public_id=uuid.uuid4().hex,
            resource_type=resource_type,
            overwrite=False,
        )
        return self._item(result)

    async def list(self, prefix: str, resource_type: ResourceType) -> list[MediaItem]:
        import cloudinary.api

        result = await self._call(
            cloudinary.api.resources, type="upload", prefix=f"{prefix}/", resource_type=resource_type, max_results=500
        )
        return [self._item(r) for r in result.get("resources", [])]

    async def delete(self, public_id: str, resource_type: ResourceType) -> bool:
        import cloudinary.api

        result = await self._call(
            cloudinary.api.delete_resources, [public_id], resource_type=resource_type, type="upload", invalidate=True
        )
        return bool(result.get("deleted", {}).get(public_id) == "deleted")

    async def remove_all(self, prefix: str) -> int:
        """Cloudinary lists and deletes at most a few hundred resources a call, so this goes round until the
        listing is empty; then the folder, which Cloudinary only deletes once it is empty (gone already: fine)."""
        import cloudinary.api
        import cloudinary.exceptions

        removed = 0
        for resource_type in get_args(ResourceType):
            last: list[str] = []
            while ids := [item.public_id for item in await self.list(prefix, resource_type)]:
                if ids == last:  # deleted, yet listed again: do not go round for ever
                    raise StorageUnavailable(msg("Cloudinary did not delete the files. Try again shortly."))
                last = ids
                for start in range(0, len(ids), DELETE_BATCH):
                    batch = ids[start : start + DELETE_BATCH]
                    await self._call(cloudinary.api.delete_resources, batch, resource_type=resource_type, type="upload")
                removed += len(ids)
        try:
            await asyncio.to_thread(cloudinary.api.delete_folder, prefix, **self.options)
        except cloudinary.exceptions.NotFound:
            pass
        except Exception as exc:
            raise StorageUnavailable(msg("Cloudinary is not answering right now. Try again shortly.")) from exc
        return removed


IMAGE_FORMATS = {"jpg", "png", "gif", "webp"}
VIDEO_FORMATS = {"mp4", "mov", "webm"}


def sniff_format(head: bytes) -> tuple[str, ResourceType] | None:
    """The real format from the first bytes; the file name and declared type are not trusted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg", "image"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", "image"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif", "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", "image"
    if head[4:8] == b"ftyp":
        return ("mov", "video") if head[8:10] == b"qt" else ("mp4", "video")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm", "video"
    return None


def storage_for(settings: Settings) -> MediaStorage:
    if settings.cloudinary_cloud_name and settings.cloudinary_api_key and settings.cloudinary_api_secret:
        return CloudinaryStorage(settings)
    return LocalStorage(settings.data_dir / "media", settings.public_base_url)
