"""What the server says to people, in English and Russian (see ``message`` for how to write a sentence)."""

from x8.kit.i18n.languages import DEFAULT, Language, as_language
from x8.kit.i18n.message import Message, UserFacingError, localize, msg
from x8.kit.i18n.negotiation import language_of, negotiate

__all__ = [
    "DEFAULT",
    "Language",
    "Message",
    "UserFacingError",
    "as_language",
    "language_of",
    "localize",
    "msg",
    "negotiate",
]
