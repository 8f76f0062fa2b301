"""Behaviour settings (SPEC.md R-M4), the alternative to fine-tuning: instructions, rules, a greeting, on/off.

Set at company, channel and scenario level; the most specific setting wins (scenario > channel > company), field
by field. A field left unset (None) inherits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from x8.conversations.assistant.intents import Intent

SCENARIOS = (
    "greeting",
    "product_question",
    "purchase",
    "payment_reminder",
    "booking",
    "after_payment",
    "out_of_hours",
    "handover",
)
SCENARIO_OF_INTENT = {
    Intent.GREETING: "greeting",
    Intent.QUESTION: "product_question",
    Intent.BUY: "purchase",
    Intent.BOOK: "booking",
    Intent.HUMAN: "handover",
}


@dataclass(frozen=True)
class Behaviour:
    instructions: str | None = None
    rules: tuple[str, ...] | None = None
    greeting: str | None = None
    enabled: bool | None = None
    buffer_seconds: float | None = None  # the merge window (R-M2); honoured at company level

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Behaviour:
        rules = settings.get("rules")
        return cls(
            instructions=settings.get("instructions"),
            rules=tuple(rules) if rules is not None else None,
            greeting=settings.get("greeting"),
            enabled=settings.get("enabled"),
            buffer_seconds=settings.get("buffer_seconds"),
        )

    def over(self, base: Behaviour) -> Behaviour:
        """These settings where set, ``base`` elsewhere."""
        return Behaviour(
            instructions=self.instructions if self.instructions is not None else base.instructions,
            rules=self.rules if self.rules is not None else base.rules,
            greeting=self.greeting if self.greeting is not None else base.greeting,
            enabled=self.enabled if self.enabled is not None else base.enabled,
            buffer_seconds=self.buffer_seconds if self.buffer_seconds is not None else base.buffer_seconds,
        )


@dataclass(frozen=True)
class BehaviourSet:
    company: Behaviour = Behaviour()
    channels: dict[str, Behaviour] = field(default_factory=dict)
    scenarios: dict[str, Behaviour] = field(default_factory=dict)

    def for_channel(self, channel_id: str | None) -> Behaviour:
        channel = self.channels.get(channel_id or "")
        return channel.over(self.company) if channel else self.company

    def resolve(self, channel_id: str | None, intent: Intent | None) -> Behaviour:
        base = self.for_channel(channel_id)
        scenario = self.scenarios.get(SCENARIO_OF_INTENT.get(intent, "")) if intent else None
        return scenario.over(base) if scenario else base
