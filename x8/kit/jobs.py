"""The durable job queue: procrastinate on PostgreSQL, so no other server is needed.

Tasks live in ``tasks.py`` modules as blueprints and are registered once, in ``x8.worker``. Jobs take ids, not
objects.
The worker runs inside ``x8 serve`` or on its own as ``x8 worker``.
"""

from __future__ import annotations

import logging
import time
import weakref
from dataclasses import dataclass
from typing import Any

import procrastinate
import psycopg
import psycopg_pool

from x8.kit.db import Database
from x8.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class WorkerContext:
    """What tasks need at run time; set once per process by ``open_queue``."""

    settings: Settings
    db: Database


_context: WorkerContext | None = None


def context() -> WorkerContext:
    if _context is None:
        raise RuntimeError("the job queue is not open in this process")
    return _context


async def _autocommit(connection: psycopg.AsyncConnection[Any]) -> None:
    await connection.set_autocommit(True)


# The pool tests a connection before handing it out (an empty query: one round trip), so one the database closed
# is replaced unseen. A connection given back a moment ago is as good as tested; testing on every checkout
# doubled the round trips of each defer, the hot part of a webhook's acknowledgement.
IDLE_CHECK_SECONDS = 5.0
_returned_at: weakref.WeakKeyDictionary[psycopg.AsyncConnection[Any], float] = weakref.WeakKeyDictionary()


async def _note_return(connection: psycopg.AsyncConnection[Any]) -> None:
    _returned_at[connection] = time.monotonic()


async def _check_if_idle(connection: psycopg.AsyncConnection[Any]) -> None:
    if time.monotonic() - _returned_at.get(connection, 0.0) > IDLE_CHECK_SECONDS:
        await psycopg_pool.AsyncConnectionPool.check_connection(connection)


def _queue_pool(**kwargs: Any) -> psycopg_pool.AsyncConnectionPool[Any]:
    return psycopg_pool.AsyncConnectionPool(**{**kwargs, "check": _check_if_idle, "reset": _note_return})


def connector(app_url: str) -> procrastinate.PsycopgConnector:
    """The queue's connector. Every queue operation is one statement (a procrastinate function): autocommit spares
    a BEGIN and a COMMIT round trip around each, which under load was most of the queue's cost."""
    return procrastinate.PsycopgConnector(conninfo=app_url, configure=_autocommit, pool_factory=_queue_pool)


# A turn is scheduled for the end of its buffer window, and a worker only notices scheduled jobs when it polls:
# poll often enough that the window, not the poll, decides when a customer gets the answer.
WORKER_POLLING_SECONDS = 0.5


def open_queue(settings: Settings, db: Database) -> None:
    global _context
    _context = WorkerContext(settings=settings, db=db)
