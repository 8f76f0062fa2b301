"""``x8 assistant eval``: the retrieval responder against the labelled questions of
``x8/conversations/assistant/evaluation``, on a real PostgreSQL.

Each business gets a scratch tenant schema of its own (no company row, so nothing of it shows in the product),
its catalogue imported through the same path as an upload, and every question answered through the same KB
search port as a conversation; purchases go to a checkout that prices the rows and stores nothing. The scratch
schemas and their roles are dropped at the end, whatever happens.
It lives beside ``x8/demo.py`` rather than in ``x8/conversations``: provisioning needs the owner connection,
which tenant-side code never gets (tests/tenancy/test_session_boundary.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from x8.conversations.assistant.evaluation.checkout import PricingCheckout
from x8.conversations.assistant.evaluation.labelled import Business, businesses
from x8.conversations.assistant.evaluation.scoring import Tally, score
from x8.conversations.assistant.retrieval import CompanyProfile, respond
from x8.conversations.ports import tenant_kb_search
from x8.kb_engine import store
from x8.kb_engine.importer import open_upload, stream_batches
from x8.kit.db import Database
from x8.tenancy.provisioning import drop_tenant, provision_tenant
from x8.tenancy.session import tenant_session, tenant_sessions

# Floors held by tests/conversations/test_assistant_eval.py (and reported by the command).
HONESTY_FLOOR = 0.95
RECALL_FLOOR = 0.90


@dataclass
class Result:
    business: Business
    tally: Tally  # every question
    calibration: Tally  # the questions the thresholds were calibrated on
    held_out: Tally  # the questions written afterwards


async def evaluate(owner_url: str, app_url: str, app_role: str, *, only: str | None = None) -> list[Result]:
    owner = Database.connect(owner_url, pool_size=1)
    app = Database.connect(app_url, pool_size=2)
    scratch: list[uuid.UUID] = []
    try:
        results = []
        for business in businesses(only):
            tenant = uuid.uuid4()
            async with owner.engine.begin() as connection:
                await provision_tenant(connection, tenant, app_role=app_role)
            scratch.append(tenant)
            results.append(await _run(app, tenant, business))
        return results
    finally:
        for tenant in scratch:
            async with owner.engine.begin() as connection:
                await drop_tenant(connection, tenant)
        await app.dispose()
        await owner.dispose()


async def _run(app: Database, tenant: uuid.UUID, business: Business) -> Result:
    kb_id = uuid.uuid4()
    with business.catalogue.open("rb") as stream:
        parsed = open_upload(stream, business.catalogue.name)
        async with tenant_session(app, tenant) as ts:
            await store.import_items(ts, kb_id, stream_batches(parsed), language=business.language, replace=True)
    async with tenant_session(app, tenant) as ts:
        rows = {str(r["id"]): r for r in await store.list_items(ts, kb_id, limit=1000, offset=0)}
    search = tenant_kb_search(tenant_sessions(app, tenant), [kb_id], language=business.language)
    profile = CompanyProfile(business.name, business.language, business.company_type, privacy_policy_url=None)
    result = Result(business, Tally(), Tally(), Tally())
    for labelled in business.questions:
        checkout = PricingCheckout(rows)
        reply = await respond(labelled.text, profile, search, first_reply=False, checkout=checkout)
        outcome = score(labelled, reply, rows, ordered=bool(checkout.carts))
        result.tally.add(outcome)
        (result.held_out if labelled.held_out else result.calibration).add(outcome)
    return result


def floors_met(results: list[Result]) -> bool:
    total = Tally()
    for result in results:
        total.merge(result.tally)
    return total.honesty >= HONESTY_FLOOR and total.recall >= RECALL_FLOOR and total.stray_numbers == 0


def report(results: list[Result], *, failures: bool) -> list[str]:
    """The table the command prints: per business and overall, then (with ``failures``) each wrong reply."""
    lines = [f"{'BUSINESS':<22} {'QUESTIONS':>9} {'RECALL':>14} {'PRECISION':>14} {'HONEST':>12} {'NUMBERS':>8}"]
    total, calibration, held_out = Tally(), Tally(), Tally()
    for result in results:
        lines.append(_row(result.business.name, result.tally))
        total.merge(result.tally)
        calibration.merge(result.calibration)
        held_out.merge(result.held_out)
    lines.append(_row("  calibration set", calibration))
    lines.append(_row("  held-out set", held_out))
    lines.append(_row("overall", total))
    lines.append(
        f"floors: honest ≥ {HONESTY_FLOOR:.0%} ({'met' if total.honesty >= HONESTY_FLOOR else 'NOT MET'}), "
        f"recall ≥ {RECALL_FLOOR:.0%} ({'met' if total.recall >= RECALL_FLOOR else 'NOT MET'})"
    )
    if failures:
        for outcome in total.failures:
            problem = outcome.why or f"numbers not in a row or the question: {', '.join(outcome.stray_numbers)}"
            reply = outcome.reply.text.replace("\n", " ⏎ ")
            lines.append(f"\n✗ {outcome.labelled.text!r}: {problem}\n  {reply}")
    return lines


def _row(name: str, tally: Tally) -> str:
    questions = tally.in_catalogue + tally.out_of_catalogue
    recall = f"{tally.recall:.1%} {tally.answered_right}/{tally.in_catalogue}"
    precision = f"{tally.precision:.1%} {tally.presented_right}/{tally.presented}"
    honest = f"{tally.honesty:.1%} {tally.honest}/{tally.out_of_catalogue}"
    return f"{name:<22} {questions:>9} {recall:>14} {precision:>14} {honest:>12} {tally.stray_numbers:>8}"
