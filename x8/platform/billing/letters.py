"""Billing's emails, as ``Letter``s that ``send_mail`` writes in the reader's language."""

from __future__ import annotations

from x8.kit.i18n import msg
from x8.platform.mail.letters import Letter


def trial_ends_soon(days: int, link: str) -> Letter:
    return Letter(
        subject=msg("Your X8 Network trial ends in {days} {days:plural:day|days}", days=days),
        body=msg(
            "Your X8 Network trial ends in {days} {days:plural:day|days}. After that your channels pause and the "
            "assistant stops answering until you choose a plan; all your data is kept.\n\n"
            "Choose a plan: {link}\n",
            days=days,
            link=link,
        ),
    )


def trial_ended(link: str) -> Letter:
    return Letter(
        subject=msg("Your X8 Network trial has ended"),
        body=msg(
            "Your X8 Network trial has ended. Your channels are paused: messages from your customers are still "
            "stored, but the assistant does not answer them. All your data is kept.\n\n"
            "Choose a plan to resume everything: {link}\n",
            link=link,
        ),
    )
