"""The assistant with an LLM (SPEC.md R-M3): an OpenAI-compatible ``POST {OPENAI_BASE_URL}/chat/completions`` with
tool calls. The model looks things up with ``kb_search``; buying, booking and handing over are tools too.

Guard rails, because a model can be fluent and wrong:
- Facts come from tool results: a reply quoting a price that no ``kb_search`` result holds is discarded, and the
  retrieval responder answers instead (a price is never invented).
- ``kb_search`` judges its rows as the retrieval responder does (``judge``): when none answers, the result says
  ``"matched": false`` with what was asked, and rows that only share a word come as ``related``, never as results.
- ``create_payment_link`` resolves its items (a ``kb_search`` row's id, or a name) and quantities through the same
  code as the retrieval responder (``sale``): an unclear item or quantity comes back as a problem to ask about,
  never a guess. The total it returns counts as grounded; the link always reaches the customer.
- If the model's service fails or answers nonsense, the retrieval responder answers (or, once an order was made in
  the turn, the sale is told from our own data): the customer always gets an honest reply, and one order.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from x8.conversations.assistant import sale
from x8.conversations.assistant.catalogue import Outlining, asks_for_catalogue, outline_reply
from x8.conversations.assistant.checkout import CartRefused, Checkout, NotPayable, OncePerTurn, PaymentLink
from x8.conversations.assistant.compose import price_text
from x8.conversations.assistant.intents import Intent, classify
from x8.conversations.assistant.judge import Kind, judge
from x8.conversations.assistant.language import detect
from x8.conversations.assistant.lookup import Search
from x8.conversations.assistant.quantities import Wanted
from x8.conversations.assistant.question import parse
from x8.conversations.assistant.retrieval import CompanyProfile, Reply, respond
from x8.conversations.assistant.scheduling import Scheduler
from x8.conversations.assistant.texts import t
from x8.integrations.openai import OpenAIApi, OpenAIRefused, OpenAIUnavailable

log = logging.getLogger(__name__)
MAX_ROUNDS = 4
MAX_RESULTS = 5
TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "kb_search",
            "description": "Search the company's catalogue (products or services) for what the customer asks about.",
            "parameters": {
                "type": "object",
                "properties": {"query": {"type": "string", "description": "a few keywords"}},
                "required": ["query"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "create_payment_link",
            "description": (
                "The customer wants to buy: order the items and get the payment link. Each item is the kb_row_id of "
                "a kb_search result, or the item's name, with how many of it (as the catalogue sells it). Returns "
                "the link, the items and the total to quote, or the problems to ask the customer about."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "items": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "properties": {
                                "kb_row_id": {"type": "string"},
                                "name": {"type": "string"},
                                "quantity": {"type": "integer", "minimum": 1},
                            },
                        },
                    }
                },
                "required": ["items"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "list_slots",
            "description": (
                "Free appointment or delivery times. kb_row_id: the service (its duration sets the length); city: "
                "for deliveries when the company delivers to several; day: YYYY-MM-DD for one day, else the next "
                "two weeks. Returns numbered slots to offer exactly as given."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "kb_row_id": {"type": "string"},
                    "city": {"type": "string"},
                    "day": {"type": "string", "description": "YYYY-MM-DD"},
                },
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "book_slot",
            "description": (
                "Book the slot the customer chose (its start from list_slots, or its number). Booking follows "
                "payment: it works for an order paid in this chat or a free service; otherwise it answers "
                "payment_required. Deliveries need the address (and city)."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "slot": {"type": "string"},
                    "kb_row_id": {"type": "string"},
                    "city": {"type": "string"},
                    "address": {"type": "string"},
                },
                "required": ["slot"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "handover",
            "description": "The customer wants a person, or you cannot help: a team member takes over.",
            "parameters": {"type": "object", "properties": {"reason": {"type": "string"}}, "required": ["reason"]},
        },
    },
]
_AMOUNT = re.compile(r"\d+(?:[.,]\d{1,2})")
MAX_CART_ITEMS = 20


class LlmUnavailable(Exception):
    pass


def system_prompt(company: CompanyProfile, language: str, intent: Intent | None = None) -> str:
    offer = "services" if company.company_type == "Service" else "products"
    behaviour = company.behaviour.resolve(company.channel_id, intent)
    custom = ""
    if behaviour.instructions:
        custom += f"\nThe business's instructions: {behaviour.instructions}"
    if behaviour.rules:
        custom += "\nRules you must follow:\n" + "\n".join(f"- {rule}" for rule in behaviour.rules)
    return (
        f"You are the customer assistant of {company.name}, which sells {offer}. "
        f"Answer in the customer's language ({language}), briefly and kindly. "
        "Use kb_search for every question about what the company offers, and state names, prices, currencies and "
        "durations exactly as the results give them. Never guess a price or a fact. When kb_search says "
        '"matched": false, the business does not have what the customer asked for: say so plainly, naming it, '
        "and offer to bring in a team member (call handover if they accept); never present the related items as "
        "the answer: you may mention them only after saying that the asked item is not available. If kb_search "
        "finds nothing at all, say you do not know and offer a team member. When the customer wants to buy, call "
        "create_payment_link with each item's kb_row_id and quantity, then send the url it returns with the items "
        "and the total exactly as it gives them (never write a link or a total yourself); if it returns problems, "
        "ask the customer about them. A booking follows payment (a free service needs none): to book, call "
        "list_slots, offer its numbered times exactly as given, then call book_slot with the chosen one; never "
        "promise a time book_slot did not confirm. When they ask for a person, call handover." + custom
    )


class LlmAssistant:
    def __init__(self, base_url: str, api_key: str | None, model: str, *, timeout: float) -> None:
        self._api = OpenAIApi(base_url, api_key)
        self._model = model
        self._timeout = timeout

    async def reply(
        self,
        turn: str,
        history: list[dict[str, str]],
        company: CompanyProfile,
        search: Search,
        *,
        first_reply: bool,
        checkout: Checkout | None = None,
        scheduler: Scheduler | None = None,
    ) -> Reply:
        once = OncePerTurn(checkout) if checkout is not None else None
        tools = _Tools(search, once, detect(turn, fallback=company.language), company, scheduler)
        try:
            return await self._converse(turn, history, company, tools, first_reply=first_reply)
        except LlmUnavailable as exc:
            log.warning("the LLM is unavailable (%s); the retrieval responder answers", exc)
            return await tools.fallback(turn, history, first_reply=first_reply)

    async def _converse(
        self, turn: str, history: list[dict[str, str]], company: CompanyProfile, tools: _Tools, *, first_reply: bool
    ) -> Reply:
        language = tools.language
        prompt = system_prompt(company, language, classify(turn))
        messages: list[dict[str, Any]] = [{"role": "system", "content": prompt}]
        if asks_for_catalogue(turn) and isinstance(tools.search, Outlining):
            messages.append({"role": "system", "content": await tools.outline()})
        messages += history
        messages.append({"role": "user", "content": turn})
        for _ in range(MAX_ROUNDS):
            answer = await self._complete(messages)
            calls = answer.get("tool_calls") or []
            if not calls:
                text = str(answer.get("content") or "").strip()
                if not text or not _grounded(text, tools.grounded):
                    log.warning("the LLM answer was empty or quoted an amount no catalogue row has; not sent")
                    return await tools.fallback(turn, history, first_reply=first_reply)
                return tools.reply(text, classify(turn), first_reply=first_reply)
            messages.append({"role": "assistant", "content": answer.get("content"), "tool_calls": calls})
            for call in calls:
                result = await tools.run(call.get("function", {}).get("name"), call)
                messages.append({"role": "tool", "tool_call_id": call.get("id"), "content": json.dumps(result)})
        raise LlmUnavailable("no answer after several tool rounds")

    async def _complete(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        # A refusal (a wrong key) is as unusable for this turn as an outage: the retrieval responder answers.
        try:
            return await self._api.chat(self._model, messages, tools=TOOLS, timeout_seconds=self._timeout)
        except (OpenAIUnavailable, OpenAIRefused) as exc:
            raise LlmUnavailable(str(exc)) from exc


class _Tools:
    """The model's tools in one turn, and what they did: the rows and amounts they returned (the facts an answer may
    quote), and the order, if one was made."""

    def __init__(
        self,
        search: Search,
        checkout: Checkout | None,
        language: str,
        company: CompanyProfile,
        scheduler: Scheduler | None = None,
    ) -> None:
        self.search = search
        self.checkout = checkout
        self.scheduler = scheduler
        self.language = language
        self.company = company
        self.grounded: list[str] = []  # every kb_search and create_payment_link result, as JSON
        self.rows: dict[str, dict[str, Any]] = {}  # rows kb_search returned, by id
        self.intent: Intent | None = None
        self.handover = False
        self.sale: sale.Outcome | None = None  # the cart that went to checkout (or needs no payment)

    async def run(self, name: str | None, call: dict[str, Any]) -> dict[str, Any]:
        try:
            arguments = json.loads(call.get("function", {}).get("arguments") or "{}")
        except ValueError:
            return {"error": "arguments are not JSON"}
        if not isinstance(arguments, dict):
            return {"error": "arguments must be a JSON object"}
        if name == "kb_search":
            result, rows = await _kb_search(str(arguments.get("query", "")), self.search, self.language)
            self.rows.update((str(r["id"]), r) for r in rows)
            self.grounded += [json.dumps(r, ensure_ascii=False) for r in result["results"] + result.get("related", [])]
            return result
        if name == "create_payment_link":
            self.intent = Intent.BUY
            return await self._create_payment_link(arguments)
        if name in ("list_slots", "book_slot"):
            self.intent = Intent.BOOK
            return await self._schedule(name, arguments)
        if name == "handover":
            self.intent, self.handover = Intent.HUMAN, True
            return {"status": "a team member has been asked to take over"}
        return {"error": f"unknown tool {name}"}

    async def _create_payment_link(self, arguments: dict[str, Any]) -> dict[str, Any]:
        items = _cart(arguments.get("items"), self.rows)
        if isinstance(items, str):
            return {"error": items}
        if self.checkout is None:
            return {"status": "not_ordered", "note": "Payment links are not made here: a team member will send one."}
        outcome = await sale.sell(items, self.search, self.checkout, self.language)
        books_free = outcome.free and self.scheduler is not None and self.company.company_type == "Service"
        if outcome.result is not None or outcome.free:
            self.sale = outcome
            self.handover = self.handover or (outcome.free and not books_free) or isinstance(outcome.result, NotPayable)
        result = sale_result(outcome, self.language)
        if books_free:
            result["note"] = "Free: nothing to pay. Call list_slots with its kb_row_id, then book_slot the chosen time."

        self.grounded.append(json.dumps(result, ensure_ascii=False))
        return result

    async def _schedule(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        if self.scheduler is None:
            return {"status": "not_available", "note": "Booking is not done here: a team member will agree a time."}
        if name == "list_slots":
            result = await self.scheduler.slots(arguments)
        else:
            result = await self.scheduler.book(arguments)
        self.grounded.append(json.dumps(result, ensure_ascii=False))  # the times it gives may be quoted
        return result

    async def outline(self) -> str:
        """For "what do you sell?": the catalogue's outline as the model's context (a search for "products" finds
        nothing in a flower shop). Its rows are facts the answer may quote."""
        assert isinstance(self.search, Outlining)
        outline = await self.search.outline()
        said, _ = outline_reply(outline, self.company.company_type, self.language, with_prices=True)
        self.grounded.append(json.dumps(list(outline.rows), ensure_ascii=False, default=str))
        return (
            "The customer asks what the business offers. This is the start of its catalogue; answer from it, with "
            "names as written:\n" + said
        )

    def reply(self, text: str, intent: Intent, *, first_reply: bool) -> Reply:
        """The model's answer, with the payment link made in this turn if the model left it out."""
        link = self._link()
        if link is not None and link.url not in text:
            text = f"{text}\n\n{t(self.language, 'sale_pay', url=link.url)}"
        if first_reply and self.company.privacy_policy_url:
            text = f"{text}\n\n{self.company.privacy_policy_url}"
        summary = sale.summary(self.sale) if self.sale is not None else None
        message_type = "TYPE2" if link is not None else "TYPE1"
        return Reply(text, self.intent or intent, self.language, message_type, handover=self.handover, sale=summary)

    async def fallback(self, turn: str, history: list[dict[str, str]], *, first_reply: bool) -> Reply:
        """The retrieval responder's answer; once an order was made in this turn, that order told from our data."""
        if self.sale is None:
            return await respond(
                turn,
                self.company,
                self.search,
                first_reply=first_reply,
                history=history,
                checkout=self.checkout,
                scheduler=self.scheduler,
            )
        said = sale.reply(self.sale, self.company.company_type, self.language, catalogue_language=self.company.language)
        text = said.text
        if first_reply and self.company.privacy_policy_url:
            text = f"{text}\n\n{t(self.language, 'privacy', url=self.company.privacy_policy_url)}"
        return Reply(
            text,
            Intent.BUY,
            self.language,
            said.message_type,
            handover=said.handover,
            items=said.items,
            sale=said.summary,
        )

    def _link(self) -> PaymentLink | None:
        result = self.sale.result if self.sale is not None else None
        return result if isinstance(result, PaymentLink) else None


def _cart(items: Any, rows: dict[str, dict[str, Any]]) -> list[Wanted | sale.Known] | str:
    """create_payment_link's items as the sale's, or what is wrong with them (for the model to correct)."""
    if not isinstance(items, list) or not items:
        return "items must be a non-empty list of {kb_row_id or name, quantity}"
    if len(items) > MAX_CART_ITEMS:
        return f"at most {MAX_CART_ITEMS} different items in one order"
    cart: list[Wanted | sale.Known] = []
    for item in items:
        if not isinstance(item, dict):
            return "each item must be an object with kb_row_id or name, and quantity"
        quantity = item.get("quantity", 1)
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            return "quantity must be a whole number"
        row_id, name = item.get("kb_row_id"), item.get("name")
        if isinstance(row_id, str) and row_id in rows:
            cart.append(sale.Known(rows[row_id], quantity))
        elif isinstance(name, str) and name.strip():
            cart.append(Wanted(name.strip()[:200], quantity, packs=True))  # the model counts the rows as sold
        elif row_id:
            return f"unknown kb_row_id {str(row_id)[:64]!r}: use one from this turn's kb_search results, or the name"
        else:
            return "each item needs a kb_row_id or a name"
    return cart


def sale_result(outcome: sale.Outcome, language: str) -> dict[str, Any]:
    """create_payment_link's answer to the model: the link with the items and total to quote, or what to ask."""
    if outcome.unclear:
        return {
            "status": "not_ordered",
            "problems": [_problem(u, language) for u in outcome.unclear],
            "note": "No order was made. Ask the customer about each problem; never guess an item or a quantity.",
        }
    items = [
        {
            "kb_row_id": str(line.row["id"]),
            "name": line.row["name"],
            "quantity": line.quantity,
            "price": price_text(line.row, language),
        }
        for line in outcome.lines
    ]
    result = outcome.result
    if outcome.free:
        return {"status": "free", "items": items, "note": _NOTES["free"]}
    if isinstance(result, CartRefused):
        said, _ = sale.refusal(result, outcome, language)
        return {"status": "not_ordered", "problem": result.problem, "say": said, "note": _NOTES["refused"]}
    answer: dict[str, Any] = {"items": items, "total": sale.total_text(outcome, result)}
    if isinstance(result, PaymentLink):
        return {
            "status": "link_created",
            "url": result.url,
            **answer,
            "sandbox": result.sandbox,
            "note": _NOTES["link"],
        }
    if isinstance(result, NotPayable):
        return {"status": "payment_unavailable", **answer, "note": _NOTES["unavailable"]}
    return {"status": "link_coming", **answer, "note": _NOTES["later"]}


_NOTES = {
    "link": "Send the customer this url with the items and the total exactly as given.",
    "later": (
        "The payment provider is slow: tell the customer to wait a moment; the link will be sent to this chat "
        "automatically. Do not write any link."
    ),
    "unavailable": (
        "Online payment is not available yet: tell the customer so honestly; a team member has been asked to help "
        "with this order and will reply in this chat."
    ),
    "free": (
        "These cost nothing, so there is nothing to pay; a team member has been asked to arrange it with the "
        "customer in this chat. Tell the customer so."
    ),
    "refused": "No order was made. Tell the customer what 'say' says, in their language, and offer a team member.",
}


def _problem(unclear: sale.Unclear, language: str) -> dict[str, Any]:
    if unclear.finding is not None:
        question, verdict = unclear.finding.question, unclear.finding.verdict
        kind = {Kind.SEVERAL: "several_match", Kind.SUGGEST: "did_you_mean"}.get(verdict.kind, "not_found")
        rows = [_tool_row(r, language) for r in verdict.rows]
        return {"asked": question.asked, "problem": kind, "options" if kind != "not_found" else "related": rows}
    row = unclear.row or {}
    problem: dict[str, Any] = {
        "problem": unclear.issue or "choose",
        "name": row.get("name"),
        "quantity": unclear.quantity,
    }
    problem["price"] = price_text(row, language)
    if unclear.issue in ("over_stock", "out_of_stock"):
        problem["stock"] = row.get("stock")
    if unclear.issue == "per_unit":
        problem["sold_per"] = row.get("unit")
    return problem


async def kb_search_result(query: str, search: Search, language: str) -> dict[str, Any]:
    """The kb_search tool's answer: the rows that answer ``query`` (judged as the retrieval responder judges them),
    or ``"matched": false`` with what was asked and, apart, rows that only share a word with it."""
    result, _ = await _kb_search(query, search, language)
    return result


async def _kb_search(query: str, search: Search, language: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """kb_search's answer, and the rows it shows."""
    question = parse(query)
    verdict = judge(question, await search(query, language) if question.terms else [], shown=MAX_RESULTS)
    rows = [_tool_row(r, language) for r in verdict.rows]
    if verdict.kind in (Kind.ANSWER, Kind.SEVERAL):
        return {"matched": True, "results": rows}, list(verdict.rows)
    return {
        "matched": False,
        "asked": question.asked or query[:100],
        "results": [],
        "related": rows,
        "note": (
            "Nothing in the catalogue answers this: tell the customer plainly that we do not have it and offer a "
            "team member. The related items are not what was asked for."
            if verdict.kind != Kind.SUGGEST
            else "No exact match: the related item may be what the customer meant (a typo); ask them."
        ),
    }, list(verdict.rows)


def _tool_row(row: dict[str, Any], language: str) -> dict[str, Any]:
    return {
        "kb_row_id": str(row["id"]),
        "name": row["name"],
        "price": price_text(row, language),
        "duration_minutes": row.get("duration_minutes"),
        "description": (row.get("description") or "")[:300],
    }


def _grounded(text: str, grounded: list[str]) -> bool:
    """Every amount the answer quotes appears in some kb_search result."""
    source = " ".join(grounded)
    return all(amount.replace(",", ".") in source or amount in source for amount in _AMOUNT.findall(text))
