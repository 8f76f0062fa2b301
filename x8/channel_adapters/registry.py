"""Which adapter serves which platform: one entry per adapter module. Adding a provider is its module plus its
line here; its webhook route, inbox handler and the dashboard's connect form follow from its ``kind``."""

from __future__ import annotations

from collections.abc import Callable

from x8.channel_adapters.base import ChannelAdapter, ChannelKind
from x8.channel_adapters.email import EmailAdapter
from x8.channel_adapters.meta import InstagramAdapter, MetaAdapter
from x8.channel_adapters.telegram import TelegramAdapter
from x8.channel_adapters.tiktok import TikTokAdapter
from x8.channel_adapters.waha import WahaAdapter
from x8.channel_adapters.web import WebAdapter
from x8.settings import Settings

ADAPTERS: dict[str, Callable[[Settings], ChannelAdapter]] = {
    WebAdapter.platform: WebAdapter,
    TelegramAdapter.platform: TelegramAdapter,
    EmailAdapter.platform: EmailAdapter,
    WahaAdapter.platform: WahaAdapter,
    TikTokAdapter.platform: TikTokAdapter,
    MetaAdapter.platform: MetaAdapter,
    InstagramAdapter.platform: InstagramAdapter,
}
KINDS: dict[str, ChannelKind] = {
    WebAdapter.platform: WebAdapter.kind,
    TelegramAdapter.platform: TelegramAdapter.kind,
    EmailAdapter.platform: EmailAdapter.kind,
    WahaAdapter.platform: WahaAdapter.kind,
    TikTokAdapter.platform: TikTokAdapter.kind,
    MetaAdapter.platform: MetaAdapter.kind,
    InstagramAdapter.platform: InstagramAdapter.kind,
}
IMPLEMENTED = tuple(ADAPTERS)


def adapter_for(platform: str, settings: Settings) -> ChannelAdapter:
    factory = ADAPTERS.get(platform)
    if factory is None:
        raise LookupError(f"no adapter for {platform!r} yet")
    return factory(settings)
