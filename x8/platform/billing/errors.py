from __future__ import annotations

from x8.kit.errors import Conflict


class TooManyChannelsError(Conflict):
    """409 with ``channels: [{id, platform, company_id}]``: the channels in use that the new plan has no room for."""

    error_type = "TooManyChannels"
