"""Turns that fall due together in a company are taken by one batch job (``take_turns``): one job waits per
company, moved earlier when a turn falls due before it; the batch claims, thinks and records its turns with a
message's share of three transactions; a turn whose thinking fails waits and is taken by a later batch, without
holding the others back. docs/performance.md, "Turns in batches"."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg
import pytest
from procrastinate.periodic import PeriodicDeferrer

from tests.conftest import bearer, sql
from tests.conversations.helpers import bot_replies, connect_web, history, run_jobs, say, shop_with_catalogue
from x8.conversations import delivery, turns
from x8.conversations.delivery import ReplyStats
from x8.kit.db import Database
from x8.kit.jobs import recover_stalled_jobs
from x8.platform.conversations import replies, service, tasks
from x8.platform.conversations.tasks import queue_waiting_turns, schedule_turns, take_turn
from x8.settings import Settings
from x8.tenancy.session import tenant_session
from x8.worker import build_app

WINDOW = 0.5


async def _shop(client: httpx.AsyncClient) -> tuple[dict[str, str], dict[str, Any], str]:
    tokens, company = await shop_with_catalogue(client)
    channel = await connect_web(client, tokens, company["id"])
    url = f"/api/v1/companies/{company['id']}/assistant"
    assert (await client.put(url, headers=bearer(tokens), json={"buffer_seconds": WINDOW})).status_code == 200
    return tokens, company, channel


def _jobs(owner_url: str, task: str) -> list[tuple[Any, ...]]:
    return sql(
        owner_url,
        "SELECT status, scheduled_at, args->>'company_id' FROM procrastinate_jobs WHERE task_name = %s ORDER BY id",
        f"conversations:{task}",
    )


async def test_turns_falling_due_together_are_taken_by_one_job(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    tokens, company, channel = await _shop(client)
    said = [await say(client, tokens, channel, "sourdough price?", visitor_id=f"visitor-{n}") for n in range(6)]
    assert len({s["conversation_id"] for s in said}) == 6
    # Six turns coming, one job waiting for them, and no job per conversation.
    [(status, _, company_id)] = _jobs(owner_url, "take_turns")
    assert (status, company_id) == ("todo", company["id"])
    assert _jobs(owner_url, "take_turn") == []
    await run_jobs(app_url)
    for s in said:  # the window is open
        assert bot_replies(await history(client, tokens, s["conversation_id"])) == []
    await asyncio.sleep(WINDOW + 0.3)
    await run_jobs(app_url)
    for s in said:
        [reply] = bot_replies(await history(client, tokens, s["conversation_id"]))
        assert "Sourdough" in reply["body"] and reply["status"] == "sent"
    assert [row[0] for row in _jobs(owner_url, "take_turns")] == ["succeeded"]  # nothing left waiting: no next job
    [(total,)] = sql(owner_url, "SELECT total_messages FROM companies WHERE id = %s", company["id"])
    assert total == 6


async def test_more_turns_than_a_batch_takes_are_answered_by_the_batches_after_it(
    client: httpx.AsyncClient, app_url: str, owner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replies, "BATCH_TURNS", 2)
    tokens, _, channel = await _shop(client)
    said = [await say(client, tokens, channel, "sourdough price?", visitor_id=f"many-{n}") for n in range(5)]
    await asyncio.sleep(WINDOW + 0.3)
    await run_jobs(app_url)
    for s in said:
        assert len(bot_replies(await history(client, tokens, s["conversation_id"]))) == 1
    statuses = [row[0] for row in _jobs(owner_url, "take_turns")]
    assert set(statuses) == {"succeeded"} and len(statuses) >= 3  # at most two turns a batch


async def test_a_turn_due_sooner_moves_the_waiting_job_earlier(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    _, company, _ = await _shop(client)
    company_id = uuid.UUID(company["id"])
    await schedule_turns(company_id, delay=60)
    [(_, later, _)] = _jobs(owner_url, "take_turns")
    await schedule_turns(company_id, delay=120)  # due after the waiting job: it stays as it is
    assert [row[1] for row in _jobs(owner_url, "take_turns")] == [later]
    await schedule_turns(company_id, delay=5)
    [(status, sooner, _)] = _jobs(owner_url, "take_turns")
    assert status == "todo" and 50 < (later - sooner).total_seconds() < 60
    assert sooner > datetime.now(UTC)


async def test_turns_queued_at_once_from_many_places_make_one_job(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    _, company, _ = await _shop(client)
    await asyncio.gather(*(schedule_turns(uuid.UUID(company["id"]), delay=60 - n) for n in range(8)))
    [(status, at, _)] = _jobs(owner_url, "take_turns")
    assert status == "todo" and 50 < (at - datetime.now(UTC)).total_seconds() <= 53  # the soonest of them


async def test_a_turn_that_fails_waits_and_the_others_are_answered(
    client: httpx.AsyncClient, app_url: str, owner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens, _, channel = await _shop(client)
    unlucky = await say(client, tokens, channel, "sourdough price?", visitor_id="unlucky")
    lucky = await say(client, tokens, channel, "sourdough price?", visitor_id="lucky")
    think = replies._think
    failed: list[uuid.UUID] = []

    async def fails_once(*args: Any) -> Any:
        claimed: turns.Claim = args[3]
        if str(claimed.conversation_id) == unlucky["conversation_id"] and not failed:
            failed.append(claimed.conversation_id)
            raise RuntimeError("the assistant broke")
        return await think(*args)

    monkeypatch.setattr(replies, "_think", fails_once)
    monkeypatch.setattr(turns, "BACK_OFF_SHORTEST", 1.0)
    await asyncio.sleep(WINDOW + 0.3)
    await run_jobs(app_url)
    assert failed and len(bot_replies(await history(client, tokens, lucky["conversation_id"]))) == 1
    assert bot_replies(await history(client, tokens, unlucky["conversation_id"])) == []
    # The batch queued itself for when the failed turn's wait is over.
    assert [row[0] for row in _jobs(owner_url, "take_turns")].count("todo") == 1
    await asyncio.sleep(1.2)
    await run_jobs(app_url)
    assert len(bot_replies(await history(client, tokens, unlucky["conversation_id"]))) == 1
    assert len(bot_replies(await history(client, tokens, lucky["conversation_id"]))) == 1  # answered once


async def test_replies_recorded_together_count_as_recorded_one_by_one(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    _, first, _ = await _shop(client)
    finished = [
        ReplyStats(turn_size=2, message_type="TYPE1", waited=3.0),
        ReplyStats(turn_size=1, message_type="TYPE2", waited=None),
        ReplyStats(turn_size=1, message_type="TYPE3", waited=1.0),
        ReplyStats(turn_size=3, message_type="TYPE2", waited=5.0),
    ]
    db = Database.connect(app_url, pool_size=1)
    try:
        one_by_one, together = uuid.UUID(first["id"]), await _another_company(client)
        for stats in finished:
            await service.record_reply(db, one_by_one, stats)
        await service.record_replies(db, together, finished)
        await service.record_replies(db, together, [])  # nothing to record: nothing changes
    finally:
        await db.dispose()
    columns = (
        "total_messages, type1_count, type2_count, type2_unpaid, type3_count, round(avg_response_time::numeric, 9)"
    )
    [a] = sql(owner_url, f"SELECT {columns} FROM companies WHERE id = %s", str(one_by_one))
    [b] = sql(owner_url, f"SELECT {columns} FROM companies WHERE id = %s", str(together))
    assert a == b == (7, 2, 4, 2, 1, b[5]) and b[5] is not None


async def _another_company(client: httpx.AsyncClient) -> uuid.UUID:
    _, company = await shop_with_catalogue(client, "second@example.com")
    return uuid.UUID(company["id"])


async def test_a_stalled_batch_with_a_successor_waiting_is_closed_not_left_running(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    """A worker died in a company's batch while the next batch was already queued: putting the dead one back
    would break the queueing lock (one may wait), so it is closed as failed and the waiting one does the work."""
    _, company, _ = await _shop(client)
    await schedule_turns(uuid.UUID(company["id"]), delay=60)
    sql(
        owner_url,
        "INSERT INTO procrastinate_jobs (queue_name, task_name, queueing_lock, args, status) "
        "SELECT queue_name, task_name, queueing_lock, args, 'doing' FROM procrastinate_jobs",
    )
    assert await recover_stalled_jobs(build_app(app_url)) == 0
    assert sorted(row[0] for row in _jobs(owner_url, "take_turns")) == ["failed", "todo"]


async def test_turns_left_without_a_job_are_found_and_answered(
    client: httpx.AsyncClient, app_url: str, owner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The periodic jobs are deferred by hand here, so the control below cannot be answered by a periodic run.
    monkeypatch.setattr(PeriodicDeferrer, "worker", _never)
    monkeypatch.setattr(tasks, "SWEEP_QUIET_SECONDS", 0.0)  # the lost turn's message is a second old
    tokens, _, channel = await _shop(client)
    said = await say(client, tokens, channel, "sourdough price?", visitor_id="forgotten")
    await run_jobs(app_url)  # the message stored, its batch queued for when the window closes
    assert [row[0] for row in _jobs(owner_url, "take_turns")] == ["todo"]
    sql(owner_url, "DELETE FROM procrastinate_jobs")  # and lost (say, the database was restored from a backup)
    await asyncio.sleep(WINDOW + 0.3)
    await run_jobs(app_url)
    assert bot_replies(await history(client, tokens, said["conversation_id"])) == []  # nothing queued to answer it
    await queue_waiting_turns.defer_async(timestamp=0)  # type: ignore[call-arg]  # the periodic tick's argument
    await run_jobs(app_url)
    [reply] = bot_replies(await history(client, tokens, said["conversation_id"]))
    assert "Sourdough" in reply["body"]


async def test_the_sweep_leaves_turns_a_job_is_on_its_way_to_take(
    client: httpx.AsyncClient, app_url: str, owner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker runs the sweep as it starts (procrastinate defers a periodic task's latest tick), beside the jobs
    already queued: a turn whose message just came in (its job is being queued) or whose ``take_turn`` job (no
    window) waits gets no batch queued to race that job for it."""
    monkeypatch.setattr(PeriodicDeferrer, "worker", _never)
    tokens, company, channel = await _shop(client)
    said = await say(client, tokens, channel, "sourdough price?", visitor_id="own-job")
    sql(owner_url, "DELETE FROM procrastinate_jobs")
    await asyncio.sleep(WINDOW + 0.3)
    await queue_waiting_turns.defer_async(timestamp=0)  # type: ignore[call-arg]  # the periodic tick's argument
    await run_jobs(app_url)
    assert _jobs(owner_url, "take_turns") == []  # its message came in a moment ago

    monkeypatch.setattr(tasks, "SWEEP_QUIET_SECONDS", 0.0)
    own = take_turn.configure(schedule_in={"seconds": 600})  # waiting: the sweep's run below does not run it
    await own.defer_async(company_id=company["id"], conversation_id=said["conversation_id"])
    await queue_waiting_turns.defer_async(timestamp=1)  # type: ignore[call-arg]
    await run_jobs(app_url)
    assert _jobs(owner_url, "take_turns") == []
    assert bot_replies(await history(client, tokens, said["conversation_id"])) == []

    sql(owner_url, "DELETE FROM procrastinate_jobs WHERE task_name = 'conversations:take_turn'")  # its job lost
    await queue_waiting_turns.defer_async(timestamp=2)  # type: ignore[call-arg]
    await run_jobs(app_url)
    [reply] = bot_replies(await history(client, tokens, said["conversation_id"]))
    assert "Sourdough" in reply["body"]


async def _never(self: PeriodicDeferrer) -> None:
    await asyncio.Event().wait()


async def test_a_send_that_breaks_leaves_the_others_sent_and_itself_queued_again(
    client: httpx.AsyncClient, app_url: str, owner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens, _, channel = await _shop(client)
    said = [await say(client, tokens, channel, "sourdough price?", visitor_id=f"send-{n}") for n in range(3)]
    credentials_of = replies.credentials_of
    broke: list[bool] = []

    async def breaks_once(*args: Any) -> Any:
        if not broke:
            broke.append(True)
            raise RuntimeError("the vault broke")
        return await credentials_of(*args)

    monkeypatch.setattr(replies, "credentials_of", breaks_once)
    await asyncio.sleep(WINDOW + 0.3)
    await run_jobs(app_url)
    statuses = []
    for s in said:
        [reply] = bot_replies(await history(client, tokens, s["conversation_id"]))
        statuses.append(reply["status"])
    assert sorted(statuses) == ["sending", "sent", "sent"]  # the broken one keeps its claim until it runs out
    [(status, at, _)] = _jobs(owner_url, "send_message")
    assert status == "todo" and (at - datetime.now(UTC)).total_seconds() > 5  # tried again after the claim


async def test_a_batch_records_its_sends_in_one_statement_as_one_by_one_would(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    """``mark_many_sent``: each reply still ``sending`` is marked sent with its provider's id, its conversation
    gets its live-update notice, and each bot reply's turn is counted by its size; a reply recorded already is left
    as it is."""
    tokens, company, channel = await _shop(client)
    twice = await say(client, tokens, channel, "sourdough price?", visitor_id="twice")
    await say(client, tokens, channel, "and the honey?", visitor_id="twice")
    once = await say(client, tokens, channel, "sourdough price?", visitor_id="once")
    await asyncio.sleep(WINDOW + 0.3)
    await run_jobs(app_url)
    [(schema,)] = sql(owner_url, "SELECT tenant_schema FROM companies WHERE id = %s", company["id"])
    replies_sql = (
        f'SELECT id, conversation_id, body FROM "{schema}".messages WHERE direction = %s AND reply_to_id IS NOT NULL'
    )
    sent = {str(row[1]): row for row in sql(owner_url, replies_sql, "out")}
    assert set(sent) == {twice["conversation_id"], once["conversation_id"]}
    sql(
        owner_url,
        f"""UPDATE "{schema}".messages SET status = 'sending' WHERE id = %s""",
        sent[once["conversation_id"]][0],
    )
    sql(
        owner_url,
        f"""UPDATE "{schema}".messages SET status = 'sending' WHERE id = %s""",
        sent[twice["conversation_id"]][0],
    )
    outgoing = [delivery.Outgoing(row[0], row[1], row[2], uuid.UUID(channel), "visitor") for row in sent.values()]
    listener = await psycopg.AsyncConnection.connect(owner_url, autocommit=True)
    db = Database.connect(app_url, pool_size=1)
    try:
        await listener.execute(f"LISTEN {delivery.CHANNEL}")
        async with tenant_session(db, uuid.UUID(company["id"])) as ts:
            stats = await delivery.mark_many_sent(ts, [(outgoing[0], "provider-1"), (outgoing[1], None)])
        notices = []
        async for notice in listener.notifies(timeout=1.0, stop_after=2):
            notices.append(notice.payload)
        async with tenant_session(db, uuid.UUID(company["id"])) as ts:
            again = await delivery.mark_many_sent(ts, [(outgoing[0], "provider-2")])
    finally:
        await listener.close()
        await db.dispose()
    assert sorted(s.turn_size for s in stats) == [1, 2] and all(s.waited is not None for s in stats)
    assert sorted(notices) == sorted(f"{company['id']}:{o.conversation_id}" for o in outgoing)
    assert again == []  # recorded already: not counted twice, and its provider id kept
    rows = sql(
        owner_url,
        f'SELECT id, status, provider_message_id FROM "{schema}".messages WHERE id = ANY(%s)',
        [o.id for o in outgoing],
    )
    by_id = {row[0]: row[1:] for row in rows}
    assert by_id[outgoing[0].id] == ("sent", "provider-1")
    assert by_id[outgoing[1].id][0] == "sent"


async def test_a_batch_records_its_turns_in_one_statement_and_a_lost_claim_writes_nothing(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    """``record_many``: each turn whose claim is still its own gets its reply (claimed for sending or not, as
    asked), its messages processed, its handover and its notice; a turn whose claim another job took meanwhile
    writes nothing, and the others are recorded all the same."""
    tokens, company, channel = await _shop(client)
    said = {name: await say(client, tokens, channel, "sourdough price?", visitor_id=name) for name in "abc"}
    await asyncio.sleep(WINDOW + 0.3)
    company_id = uuid.UUID(company["id"])
    db = Database.connect(app_url, pool_size=1)
    listener = await psycopg.AsyncConnection.connect(owner_url, autocommit=True)
    try:
        async with tenant_session(db, company_id) as ts:
            due = await turns.claim_due(ts, buffer_seconds=WINDOW, lease_seconds=60, answers_on=lambda _: True, limit=9)
        claims = {str(c.conversation_id): c for c in due.claims}
        a, b, lost = (claims[said[name]["conversation_id"]] for name in "abc")
        [(schema,)] = sql(owner_url, "SELECT tenant_schema FROM companies WHERE id = %s", company["id"])
        taken = f'UPDATE "{schema}".conversations SET turn_claim = gen_random_uuid() WHERE id = %s'
        sql(owner_url, taken, lost.conversation_id)  # another job's claim now: its lease ran out meanwhile
        await listener.execute(f"LISTEN {delivery.CHANNEL}")

        def answer(text: str, *, handover: bool = False) -> turns.Answer:
            return turns.Answer(text, "ask_price", "TYPE1", handover=handover, privacy_link=False)

        async with tenant_session(db, company_id) as ts:
            recorded = await turns.record_many(
                ts,
                [
                    turns.Answered(a, answer("Sourdough is 5 EUR."), send_lease_seconds=30),
                    turns.Answered(lost, answer("Never stored."), send_lease_seconds=30),
                    turns.Answered(b, answer("A person will answer.", handover=True), send_lease_seconds=0),
                ],
            )
        notices = [n.payload async for n in listener.notifies(timeout=1.0, stop_after=2)]
    finally:
        await listener.close()
        await db.dispose()
    first, none, second = recorded
    assert none is None and first is not None and second is not None
    assert first.outgoing is not None and first.outgoing.body == "Sourdough is 5 EUR." and second.outgoing is None
    assert sorted(notices) == sorted(f"{company_id}:{c.conversation_id}" for c in (a, b))
    rows = sql(
        owner_url,
        f'SELECT conversation_id, body, status, reply_to_id FROM "{schema}".messages WHERE direction = %s',
        "out",
    )
    assert {(r[0], r[1], r[2]) for r in rows} == {
        (a.conversation_id, "Sourdough is 5 EUR.", "sending"),
        (b.conversation_id, "A person will answer.", "pending"),
    }
    assert {str(r[3]) for r in rows} == {a.message_ids[-1], b.message_ids[-1]}
    state = sql(
        owner_url,
        f'SELECT id, turn_claim IS NULL, handover_at IS NOT NULL, last_message_preview FROM "{schema}".conversations',
    )
    by_id = {row[0]: row[1:] for row in state}
    assert by_id[a.conversation_id] == (True, False, "Sourdough is 5 EUR.")
    assert by_id[b.conversation_id] == (True, True, "A person will answer.")
    assert by_id[lost.conversation_id][:2] == (False, False)  # still another job's, and untouched
    inbound = f'SELECT conversation_id, processed_at IS NOT NULL FROM "{schema}".messages WHERE direction = %s'
    processed = sql(owner_url, inbound, "in")
    assert {(r[0], r[1]) for r in processed} == {
        (a.conversation_id, True),
        (b.conversation_id, True),
        (lost.conversation_id, False),
    }


async def test_a_batch_sends_a_few_replies_at_a_time(
    app_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``deliver_many`` keeps at most ``SENDS_AT_ONCE`` provider calls in flight (the shared HTTP pool checks every
    pooled connection on each request), and every reply still gets its call."""
    in_flight, most, called = 0, 0, []

    async def slow_send(db: Any, settings: Any, company_id: Any, outgoing: delivery.Outgoing) -> str:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        called.append(outgoing.id)
        return "nothing to send"  # recorded already: nothing left to record

    monkeypatch.setattr(replies, "_send", slow_send)
    claimed = [delivery.Outgoing(uuid.uuid4(), uuid.uuid4(), "hi", uuid.uuid4(), "x") for _ in range(3 * 16 + 5)]
    db = Database.connect(app_url, pool_size=1)
    try:
        assert await replies.deliver_many(db, settings, uuid.uuid4(), claimed) == []
    finally:
        await db.dispose()
    assert most == replies.SENDS_AT_ONCE == 16
    assert sorted(called) == sorted(c.id for c in claimed)
