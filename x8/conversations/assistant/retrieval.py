"""The retrieval responder (SPEC.md R-M3): answers from KB rows without an LLM.

The question's content words are searched, and the rows that come back are judged (``judge``): only a row that
actually answers is presented as the answer. Otherwise the reply says plainly that the business does not have
what was asked, names it in the customer's words, may list genuinely related rows after saying so, and offers a
person. Every price, currency and duration in an answer is copied from a row; nothing is ever invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from x8.conversations.assistant import sale
from x8.conversations.assistant.behaviour import BehaviourSet
from x8.conversations.assistant.catalogue import Outlining, asks_for_catalogue, asks_for_prices, outline_reply
from x8.conversations.assistant.checkout import Checkout
from x8.conversations.assistant.compose import compose, no_subject
from x8.conversations.assistant.intents import Intent, accepts_offer, classify
from x8.conversations.assistant.language import detect
from x8.conversations.assistant.lookup import Search, find
from x8.conversations.assistant.quantities import Wanted, offers_alternatives, wanted_items
from x8.conversations.assistant.question import parse
from x8.conversations.assistant.sale import SaleSummary
from x8.conversations.assistant.scheduling import Scheduler
from x8.conversations.assistant.texts import TEXTS, t

__all__ = ["CompanyProfile", "Reply", "Search", "respond"]


@dataclass(frozen=True)
class CompanyProfile:
    name: str
    language: str
    company_type: str  # Product | Service
    privacy_policy_url: str | None
    may_answer: bool = True  # False when the business's trial or plan has ended
    behaviour: BehaviourSet = field(default_factory=BehaviourSet)
    channel_id: str | None = None  # the conversation's channel, for channel-level behaviour


@dataclass(frozen=True)
class Reply:
    text: str
    intent: Intent
    language: str
    message_type: str  # TYPE1 informational, TYPE2 payment request (R-M8)
    handover: bool = False
    items: tuple[str, ...] = ()  # ids of the KB rows the reply presents as the answer
    related: tuple[str, ...] = ()  # ids of rows offered only as related, after "we don't have it"
    suggested: tuple[str, ...] = ()  # ids of rows offered as "did you mean …?" (a typo, or a description match)
    sale: SaleSummary | None = None  # the cart the reply quotes with its total (and payment link)


async def respond(
    text: str,
    company: CompanyProfile,
    search: Search,
    *,
    first_reply: bool,
    history: list[dict[str, str]] | None = None,
    checkout: Checkout | None = None,
    scheduler: Scheduler | None = None,
) -> Reply:
    """``checkout``: the way to order and get a payment link; without one (a preview), a purchase gets the
    catalogue's answer and the promise of a person. ``scheduler``: the way to book a free service at once (a paid
    one is booked after its payment, by the platform)."""
    language = detect(text, fallback=company.language)
    intent = classify(text)
    if intent != Intent.HUMAN and accepts_offer(text) and _offered_a_person(history):
        intent = Intent.HUMAN
    offer = t(language, "services" if company.company_type == "Service" else "products")
    if intent == Intent.HUMAN:
        reply = Reply(t(language, "human"), intent, language, "TYPE1", handover=True)
    elif intent == Intent.GREETING:
        custom = company.behaviour.resolve(company.channel_id, intent).greeting
        text_ = custom or t(language, "greeting", company=company.name, offer=offer)
        reply = Reply(text_, intent, language, "TYPE1")
    elif asks_for_catalogue(text) and isinstance(search, Outlining):
        outline = await search.outline()
        said, shown = outline_reply(outline, company.company_type, language, with_prices=asks_for_prices(text))
        reply = Reply(said, Intent.QUESTION, language, "TYPE1", items=shown)
    elif checkout is not None and _ordering(intent, company) and _sells(company) and (items := _purchase(text)):
        reply = await _sell(text, items, company, search, checkout, language, scheduler)
    else:
        question = parse(text)
        if not question.terms:
            reply = Reply(no_subject(intent, company.company_type, language, offer), intent, language, "TYPE1")
        else:
            findings = await find(text, question, search, language)
            answer = compose(findings, intent, company.company_type, language, catalogue_language=company.language)
            reply = Reply(
                answer.text,
                intent,
                language,
                answer.message_type,
                items=answer.items,
                related=answer.related,
                suggested=answer.suggested,
            )
    if first_reply and company.privacy_policy_url:
        reply = replace(reply, text=f"{reply.text}\n\n{t(language, 'privacy', url=company.privacy_policy_url)}")
    return reply


def _sells(company: CompanyProfile) -> bool:
    """The business did not switch the purchase scenario off (R-M4): then a person takes orders."""
    return company.behaviour.resolve(company.channel_id, Intent.BUY).enabled is not False


def _ordering(intent: Intent, company: CompanyProfile) -> bool:
    """A purchase, or booking a service: a service is paid for first, then booked (SPEC.md R-CAL2)."""
    return intent == Intent.BUY or (intent == Intent.BOOK and company.company_type == "Service")


def _purchase(text: str) -> list[Wanted]:
    """The items of a purchase ("I'd like to order two roses"), each naming something; none when nothing to buy
    is named ("I'll take two")."""
    return [item for item in wanted_items(text) if parse(item.text).terms]


async def _sell(
    text: str,
    items: list[Wanted],
    company: CompanyProfile,
    search: Search,
    checkout: Checkout,
    language: str,
    scheduler: Scheduler | None,
) -> Reply:
    outcome = await sale.sell(items, search, checkout, language, choosing=offers_alternatives(text))
    said = sale.reply(outcome, company.company_type, language, catalogue_language=company.language)
    text_, handover = said.text, said.handover
    if outcome.free and scheduler is not None and company.company_type == "Service" and len(outcome.lines) == 1:
        offer = await scheduler.start(str(outcome.lines[0].row["id"]), language)
        if offer is not None:
            text_ = f"{sale.free_lines(outcome, language)}\n\n{t(language, 'sale_free_booking')}\n{offer.text}"
            handover = offer.handover
    return Reply(
        text_,
        Intent.BUY,
        language,
        said.message_type,
        handover=handover,
        items=said.items,
        related=said.related,
        suggested=said.suggested,
        sale=said.summary,
    )


def _offered_a_person(history: list[dict[str, str]] | None) -> bool:
    """The assistant's last message offered a person ("Reply “yes” and I'll pass this chat on")."""
    last = next((m["content"] for m in reversed(history or []) if m.get("role") == "assistant"), "")
    return any(table["handover_offer"] in last for table in TEXTS.values())
