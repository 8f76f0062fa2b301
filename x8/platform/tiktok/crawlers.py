"""Who is not a person: link previewers and crawlers that open a tracking link without a customer behind them.
Their hits are recorded but counted apart (``bot``), so an ad's preview in a chat app does not look like a lead."""

from __future__ import annotations

import re

# Lower-case fragments of the user agents of previewers, crawlers and HTTP tools (TikTok's own is "bytespider").
_AGENTS = re.compile(
    r"bot\b|bot/|crawler|spider|slurp|facebookexternalhit|facebookcatalog|meta-externalagent|twitterbot|slackbot"
    r"|whatsapp|telegrambot|discordbot|linkedinbot|skypeuripreview|vkshare|pinterest|embedly|bytespider|tiktokbot"
    r"|googlebot|bingbot|yandex|applebot|headlesschrome|python-requests|python-httpx|aiohttp|okhttp|go-http-client"
    r"|curl/|wget/|libwww|httpclient|preview",
)


def is_crawler(user_agent: str, method: str) -> bool:
    """A previewer fetching the link (HEAD, no user agent, or a known agent) rather than a person tapping it."""
    if method.upper() == "HEAD":
        return True
    agent = user_agent.strip().lower()
    return not agent or _AGENTS.search(agent) is not None
