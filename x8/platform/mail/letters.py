"""Every email the platform sends, as ``Message``s: ``send_mail`` says them in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from x8.kit.i18n import Message, msg


@dataclass(frozen=True)
class Letter:
    subject: Message
    body: Message


def verification_code(code: str, minutes: int) -> Letter:
    return Letter(
        subject=msg("Your X8 Network verification code"),
        body=msg(
            "Your X8 Network verification code is: {code}\n\n"
            "It is valid for {minutes} {minutes:plural:minute|minutes} and can be used once.\n"
            "If you did not ask for it, you can ignore this email.",
            code=code,
            minutes=minutes,
        ),
    )


def password_reset_code(code: str, minutes: int) -> Letter:
    return Letter(
        subject=msg("Reset your X8 Network password"),
        body=msg(
            "Your X8 Network password reset code is: {code}\n\n"
            "It is valid for {minutes} {minutes:plural:minute|minutes} and can be used once.\n"
            "If you did not ask for it, you can ignore this email.",
            code=code,
            minutes=minutes,
        ),
    )


def deletion_code(code: str, minutes: int) -> Letter:
    return Letter(
        subject=msg("Confirm deleting your X8 Network account"),
        body=msg(
            "Your code to confirm deleting your X8 Network account is: {code}\n\n"
            "It is valid for {minutes} {minutes:plural:minute|minutes} and can be used once. Deleting the account "
            "removes your companies, conversations, channels and payments settings for good.\n"
            "If you did not ask for it, change your password: someone may be signed in as you.",
            code=code,
            minutes=minutes,
        ),
    )


def magic_link(link: str, minutes: int) -> Letter:
    return Letter(
        subject=msg("Your X8 Network sign-in link"),
        body=msg(
            "Open this link to sign in to X8 Network:\n\n{link}\n\n"
            "It works once and expires in {minutes} {minutes:plural:minute|minutes}. "
            "If you did not ask for it, ignore this email.",
            link=link,
            minutes=minutes,
        ),
    )


def handover_notice(company: str, link: str) -> Letter:
    return Letter(
        subject=msg("{company}: a customer asked for a person", company=company),
        body=msg(
            "A customer of {company} asked to talk to a person. The assistant has stopped answering in this "
            "conversation until you resume it.\n\nOpen the conversation: {link}\n",
            company=company,
            link=link,
        ),
    )


def support_message_notice(sender: str | None, preview: str, link: str) -> Letter:
    """``sender`` is the business's name when staff are told; None when the business hears from its support."""
    if sender is None:
        return Letter(
            subject=msg("X8 Network support wrote to you"),
            body=msg(
                "You have an unread message from X8 Network support:\n\n{preview}\n\nAnswer it here: {link}\n",
                preview=preview,
                link=link,
            ),
        )
    return Letter(
        subject=msg("{sender} wrote in the support chat", sender=sender),
        body=msg(
            "{sender} wrote in the support chat and nobody has read it yet:\n\n{preview}\n\nAnswer it here: {link}\n",
            sender=sender,
            preview=preview,
            link=link,
        ),
    )
