"""Which adapter serves which platform."""

from __future__ import annotations

from x8.channel_adapters.base import ChannelAdapter
from x8.channel_adapters.telegram import TelegramAdapter
from x8.channel_adapters.waha import WahaAdapter
from x8.channel_adapters.web import WebAdapter
from x8.settings import Settings

IMPLEMENTED = ("web", "telegram", "whatsapp")


def adapter_for(platform: str, settings: Settings) -> ChannelAdapter:
    if platform == "web":
        return WebAdapter()
    if platform == "telegram":
        return TelegramAdapter(settings)
    if platform == "whatsapp":
        return WahaAdapter(settings)
    raise LookupError(f"no adapter for {platform!r} yet")
