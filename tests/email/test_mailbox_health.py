"""A mailbox's failures where people look: the channel's last_error (cleared by the next sync or send that works)
and the activity log, which records the first failure and the recovery, not every poll in between."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import bearer, sql
from tests.conversations.helpers import shop_with_catalogue
from tests.email.mail_servers import PASSWORD, SHOP, SmtpInbox, imap_server, smtp_server
from tests.email.test_mailbox import CONNECT, customer_mail, form, poll, stored

NEW_PASSWORD = "changed-elsewhere-2"


def activity(owner_url: str, channel_id: str) -> list[tuple[Any, ...]]:
    return sql(
        owner_url,
        "SELECT kind, status, attempts FROM activity_log WHERE channel_id = %s ORDER BY created_at",
        channel_id,
    )


def last_error(owner_url: str, channel_id: str) -> str | None:
    [(error,)] = sql(owner_url, "SELECT last_error FROM channels WHERE id = %s", channel_id)
    return None if error is None else str(error)


async def test_a_changed_password_is_logged_once_and_its_fix_closes_it(
    client: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    tokens, company = await shop_with_catalogue(client)
    with imap_server(SHOP, PASSWORD) as imap, smtp_server(SHOP, PASSWORD) as (_, smtp_port):
        r = await client.post(CONNECT, json=form(company["id"], imap, smtp_port), headers=bearer(tokens))
        channel_id = r.json()["channel_id"]
    # The business changed the mailbox's password in its mail provider: the server refuses the stored one.
    with imap_server(SHOP, NEW_PASSWORD, port=imap.port) as imap:
        for _ in range(3):  # three polls, fifteen minutes
            await poll(app_url, channel_id)
        assert (last_error(owner_url, channel_id) or "").startswith("IMAP: the login was refused")
        assert activity(owner_url, channel_id) == [("mail_login", "error", 1)]
        [(jobs,)] = sql(owner_url, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'")
        assert jobs == 0  # a refused login is not retried (servers lock out repeated failures)

        # The business connects again with the new password; the next sync works and closes the entry.
        with smtp_server(SHOP, NEW_PASSWORD) as (_, new_smtp_port):
            again = form(company["id"], imap, new_smtp_port, password=NEW_PASSWORD)
            r = await client.post(CONNECT, json=again, headers=bearer(tokens))
            assert r.status_code == 200, r.text
            imap.append(customer_mail("Are you open today?"))
            await poll(app_url, channel_id)
    assert activity(owner_url, channel_id) == [("mail_login", "ok", 2)]
    assert last_error(owner_url, channel_id) is None
    assert any(m[2] == "Are you open today?" for m in stored(owner_url, company["id"]))


async def test_a_server_away_is_one_entry_until_it_answers_again(
    client: httpx.AsyncClient, smtp: tuple[SmtpInbox, int], owner_url: str, app_url: str
) -> None:
    tokens, company = await shop_with_catalogue(client)
    with imap_server(SHOP, PASSWORD) as imap:
        r = await client.post(CONNECT, json=form(company["id"], imap, smtp[1]), headers=bearer(tokens))
        channel_id = r.json()["channel_id"]
    for _ in range(2):  # the server is down for two polls
        await poll(app_url, channel_id)
        sql(owner_url, "DELETE FROM procrastinate_jobs")  # the queue's retries are not what is tested here
    assert (last_error(owner_url, channel_id) or "").startswith("IMAP: could not connect")
    assert activity(owner_url, channel_id) == [("mail_sync", "error", 1)]
    with imap_server(SHOP, PASSWORD, port=imap.port):
        await poll(app_url, channel_id)
    assert last_error(owner_url, channel_id) is None  # shown on the channel's card no more
    assert activity(owner_url, channel_id) == [("mail_sync", "ok", 2)]
    r = await client.get(f"/api/v1/integrations/list?company_id={company['id']}", headers=bearer(tokens))
    [card] = [c for c in r.json()["items"] if c["platform"] == "email"]
    assert card["last_error"] is None


async def test_a_refused_smtp_login_is_logged_and_a_later_send_clears_it(
    client: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    tokens, company = await shop_with_catalogue(client)
    with imap_server(SHOP, PASSWORD) as imap:
        with smtp_server(SHOP, PASSWORD) as (_, smtp_port):
            r = await client.post(CONNECT, json=form(company["id"], imap, smtp_port), headers=bearer(tokens))
            channel_id = r.json()["channel_id"]
        # Only the SMTP password changed: reading works, replying is refused.
        with smtp_server(SHOP, NEW_PASSWORD, port=smtp_port) as (refusing, _):
            imap.append(customer_mail("Do you bake croissants?"))
            await poll(app_url, channel_id)
            assert refusing.logins and not any(ok for _, ok in refusing.logins) and refusing.received == []
        assert (last_error(owner_url, channel_id) or "").startswith("SMTP: the login was refused")
        # The reply itself is logged as not sent (with its retry), and the refused login once, as its cause.
        assert activity(owner_url, channel_id) == [("mail_smtp_login", "error", 1), ("send_failed", "error", 1)]
        # The server takes the password again: the next reply goes out and clears the error.
        with smtp_server(SHOP, PASSWORD, port=smtp_port) as (inbox, _):
            imap.append(customer_mail("And pains au chocolat?"))
            await poll(app_url, channel_id)
            assert len(inbox.received) == 1
    assert activity(owner_url, channel_id)[0] == ("mail_smtp_login", "ok", 2)
    assert last_error(owner_url, channel_id) is None


async def test_a_successful_sync_clears_an_old_error(
    client: httpx.AsyncClient, smtp: tuple[SmtpInbox, int], owner_url: str, app_url: str
) -> None:
    tokens, company = await shop_with_catalogue(client)
    with imap_server(SHOP, PASSWORD) as imap:
        r = await client.post(CONNECT, json=form(company["id"], imap, smtp[1]), headers=bearer(tokens))
        channel_id = r.json()["channel_id"]
        sql(owner_url, "UPDATE channels SET last_error = 'IMAP: the connection failed' WHERE id = %s", channel_id)
        await poll(app_url, channel_id)
        assert last_error(owner_url, channel_id) is None
        # A sync that works does not clear what is still failing elsewhere (Gmail's watch, here set by hand).
        sql(
            owner_url,
            "UPDATE channels SET last_error = 'Gmail watch: 500', config = config || '{\"watch_failing\": true}' "
            "WHERE id = %s",
            channel_id,
        )
        await poll(app_url, channel_id)
        assert last_error(owner_url, channel_id) == "Gmail watch: 500"
    assert activity(owner_url, channel_id) == []  # nothing changed state: nothing logged
