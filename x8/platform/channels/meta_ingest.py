"""The Meta platforms' inbox events go through the common channel handler (``x8.platform.channels.ingest``): their
webhook is the platform's own (``meta_webhook``), not one made from an adapter's ``kind``, so they are registered
here."""

from __future__ import annotations

from x8.channel_adapters.meta import InstagramAdapter, MetaAdapter
from x8.platform.channels.ingest import channel_event
from x8.platform.inbox.handlers import handles

PLATFORMS = (MetaAdapter.platform, InstagramAdapter.platform)

for _platform in PLATFORMS:
    handles(_platform)(channel_event)
