"""The ``x8`` command (SPEC.md R-E3)."""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import multiprocessing.process
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click
import uvicorn
import uvloop

from x8 import runtime
from x8.kit import log_redaction
from x8.settings import Settings, get_settings

if TYPE_CHECKING:
    import uuid

    from x8.tenancy import runner


def _settings() -> Settings:
    try:
        return get_settings()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


def _prepare() -> tuple[Settings, runtime.DatabaseUrls]:
    settings = _settings()
    urls = runtime.resolve(settings)
    runtime.migrate_control_plane(settings, urls.owner)
    return settings, urls


def _migrate_tenants_on_start(settings: Settings, owner_url: str) -> None:
    """`x8 serve` and `x8 worker` bring tenants to head first; a second process waits for the first."""
    from x8.tenancy import runner

    options = runner.Options(parallel=2, wait=True, continue_on_error=True, app_role=settings.db_app_role)
    summary = runner.migrate(owner_url, options)
    if summary.count("migrated") or not summary.ok:
        click.echo(f"tenants: {summary.count('migrated')} migrated, {summary.count('failed')} failed", err=True)
    for failed in (r for r in summary.results if r.status == "failed"):
        click.echo(f"  tenant {failed.schema} could not be migrated: {failed.error}", err=True)


@click.group()
def main() -> None:
    """X8 Network: multi-tenant platform for automating conversations with customers."""
    _configure_logging()


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # procrastinate logs every job's start and end at INFO: at a few messages a second that buries everything else.
    # Failures and retries still show (WARNING and up); the platform logs what each job did.
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    log_redaction.install()  # every command: the worker sends to providers whose URLs carry tokens


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Do not run the job worker in this process.")
@click.option("--seed-demo", is_flag=True, help="Create the demo accounts and companies first (dev only).")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="API processes. With more than one, jobs run in separate `x8 worker` processes.",
)
@click.option(
    "--access-log/--no-access-log",
    default=False,
    show_default=True,
    help="Log every request (a reverse proxy usually does; it costs the webhooks' hot path ~4% of the API's CPU).",
)
def serve(host: str, port: int, no_worker: bool, seed_demo: bool, workers: int, access_log: bool) -> None:
    """Migrate, then serve the API, the dashboard and (with one process) the job worker."""
    from x8.main import create_app

    settings, urls = _prepare()
    settings = _served_here(settings, host, port)
    _migrate_tenants_on_start(settings, urls.owner)
    if seed_demo:
        from x8.demo import seed

        for line in asyncio.run(seed(settings, urls)):
            click.echo(line)
    click.echo(f"X8 Network on http://{host}:{port}  (API docs: /docs)")
    log_redaction.install()
    if workers > 1:
        # Every process builds its app from the environment; the database URLs resolved here (the embedded
        # server included) are handed down so no process starts a database of its own.
        os.environ["DATABASE_URL"] = urls.owner
        os.environ["DATABASE_APP_URL"] = urls.app
        if not no_worker:
            click.echo("Several API processes run no jobs: start `x8 worker` beside them.")
        uvicorn.run(
            "x8.main:app_from_environment",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level="info",
            access_log=access_log,
            proxy_headers=True,
        )
        return
    app = create_app(settings, urls, run_worker=not no_worker)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log, proxy_headers=True)


def _served_here(settings: Settings, host: str, port: int) -> Settings:
    """Outside production, links the server hands out (payment and sign-in links, OAuth callbacks) point where it
    is served unless PUBLIC_BASE_URL / FRONTEND_URL say otherwise: `make run PORT=8124` must not mail links to :8000.
    Set in the environment too, for the API processes that ``--workers`` starts."""
    if settings.is_production:
        return settings
    local = host in ("127.0.0.1", "0.0.0.0", "::", "localhost")  # noqa: S104 - a name for links, not a bind
    here = f"http://{'localhost' if local else host}:{port}"
    changes = {name: here for name in ("public_base_url", "frontend_url") if name not in settings.model_fields_set}
    for name in changes:
        os.environ[name.upper()] = here
    return settings.model_copy(update=changes)


@main.command()
@click.option("--concurrency", default=4, show_default=True, type=click.IntRange(1, 64), help="Jobs at a time.")
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes, each running --concurrency jobs: one per core the worker may use (docs/performance.md).",
)
def worker(concurrency: int, processes: int) -> None:
    """Run a job worker on its own, to scale out."""
    settings, urls = _prepare()
    _check_vault_keys(settings, urls)
    _migrate_tenants_on_start(settings, urls.owner)
    if processes == 1:
        _work(urls, concurrency)
        return
    # As for `serve --workers`: the URLs resolved here (the embedded server included) are handed down, so no
    # process starts a database of its own.
    os.environ["DATABASE_URL"] = urls.owner
    os.environ["DATABASE_APP_URL"] = urls.app
    spawn = multiprocessing.get_context("spawn")
    children = [spawn.Process(target=_work_apart, args=(urls, concurrency)) for _ in range(processes)]
    stopping = _stop_children_on_signal(children)  # before the starts: a signal meanwhile must not orphan a child
    for child in children:
        if not stopping():
            child.start()
    stopping()  # tells a child whose start a signal interrupted
    for child in children:
        if child.pid is not None:
            child.join()
    if not stopping() and any(child.exitcode for child in children):
        sys.exit(1)


def _check_vault_keys(settings: Settings, urls: runtime.DatabaseUrls) -> None:
    """As `serve` does at start: a key that does not open the vault stops the worker now, not job by job."""
    from x8.kit.db import Database
    from x8.platform.vault.keys import VaultKeyMissing, check_keys, vault_keys

    async def check() -> None:
        db = Database.connect(urls.app, pool_size=1)
        try:
            async with db.sessions() as session:
                await check_keys(session, vault_keys(settings))
        finally:
            await db.dispose()

    try:
        asyncio.run(check())
    except VaultKeyMissing as exc:
        raise click.ClickException(str(exc)) from exc


def _stop_children_on_signal(children: Sequence[multiprocessing.process.BaseProcess]) -> Callable[[], bool]:
    """SIGTERM or SIGINT to the parent stops every worker process gracefully (each finishes its running jobs).
    Returns ``stopping()``; call it once every child is started, so one started while a signal was heard is told
    too. Each child hears one SIGTERM: a second would stop it at once."""
    stopping = threading.Event()
    told: set[int] = set()

    def tell_children() -> None:
        for child in children:
            if child.pid is not None and child.pid not in told and child.is_alive():
                told.add(child.pid)
                os.kill(child.pid, signal.SIGTERM)

    def forward(signum: int, _frame: object) -> None:
        stopping.set()
        tell_children()

    def stopping_now() -> bool:
        if stopping.is_set():
            tell_children()
        return stopping.is_set()

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return stopping_now


def _work_apart(urls: runtime.DatabaseUrls, concurrency: int) -> None:
    """A worker process the parent stops: out of the terminal's process group, so a Ctrl-C reaches the parent only
    and each worker hears one SIGTERM (a second signal is a hard stop)."""
    os.setpgrp()
    _configure_logging()  # a spawned process starts afresh
    _work(urls, concurrency)


def _work(urls: runtime.DatabaseUrls, concurrency: int) -> None:
    """One worker process: its own pools, event loop and procrastinate worker."""
    from x8.conversations import mongo_history
    from x8.kit import http as provider_http
    from x8.kit.db import Database
    from x8.kit.jobs import open_queue, run_worker
    from x8.platform.inbox.tasks import CONTACTS_AT_ONCE
    from x8.worker import build_app

    settings = _settings()

    async def run() -> None:
        # A connection for each job, and for each contact a channel's batch of events handles side by side (one
        # job, several connections): past the pool, connections are opened and closed per use, each a login.
        connections = concurrency + CONTACTS_AT_ONCE
        db = Database.connect(urls.app, pool_size=connections, pre_ping=False)
        await db.warm(connections)
        open_queue(settings, db)
        queue = build_app(urls.app)
        try:
            async with queue.open_async():
                await run_worker(queue, concurrency=concurrency)
        finally:
            await db.dispose()
            await provider_http.close()
            await mongo_history.close_clients()

    _collect_garbage_less()
    uvloop.run(run())  # as the API runs on (uvicorn picks it): a cheaper event loop for the job's many round trips


def _collect_garbage_less() -> None:
    """The worker's objects from its start (modules, the app, its SQL) leave the collector's view, and its
    youngest generation is collected every 20,000 allocations rather than 700: a job's many short-lived objects
    (rows, requests, coroutines) made the cyclic collector a tenth of the worker's CPU, most of it scanning
    objects that live as long as the process. Reference counting still frees what has no cycle at once."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def _create_staff(role: str, email: str, password: str, full_name: str) -> None:
    from pydantic import TypeAdapter, ValidationError

    from x8.kit.db import Database
    from x8.kit.errors import Conflict
    from x8.platform.auth.schemas import Email, StrongPassword
    from x8.platform.users.models import Role
    from x8.platform.users.repository import create_user

    try:
        email = TypeAdapter(Email).validate_python(email)
        TypeAdapter(StrongPassword).validate_python(password)
    except ValidationError as exc:
        raise click.ClickException("; ".join(str(e["msg"]) for e in exc.errors())) from exc
    _, urls = _prepare()

    async def run() -> None:
        db = Database.connect(urls.app, pool_size=1)
        try:
            async with db.sessions() as session, session.begin():
                await create_user(session, email=email, password=password, full_name=full_name, role=Role(role))
        finally:
            await db.dispose()

    try:
        asyncio.run(run())
    except Conflict as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"{role.title()} {email} created.")


def _staff_group(role: str) -> click.Group:
    @click.group(name=role.lower(), help=f"Manage {role.lower()} accounts.")
    def group() -> None:
        pass

    @group.command(name="create", help=f"Create a {role.lower()} account.")
    @click.option("--email", required=True)
    @click.option("--password", required=True, prompt=True, hide_input=True, confirmation_prompt=False)
    @click.option("--full-name", default="")
    def create(email: str, password: str, full_name: str) -> None:
        _create_staff(role, email, password, full_name or role.title())

    return group


main.add_command(_staff_group("ADMIN"))
main.add_command(_staff_group("MANAGER"))


@main.group()
def tenants() -> None:
    """Tenant schemas: list them, migrate them, check them for drift."""


@tenants.command(name="list")
def tenants_list() -> None:
    """Every tenant schema with its company, revision and last migration status."""
    from sqlalchemy import create_engine, text

    from x8.kit.db_urls import psycopg_url
    from x8.tenancy import track
    from x8.tenancy.runner import current_revisions

    _, urls = _prepare()
    engine = create_engine(psycopg_url(urls.owner))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("""
                SELECT c.tenant_schema, c.company_id, c.name,
                       (SELECT l.status FROM tenant_migration_ledger l WHERE l.tenant_schema = c.tenant_schema
                        ORDER BY l.id DESC LIMIT 1)
                FROM companies c ORDER BY c.company_id""")
            ).all()
        revisions = current_revisions(engine, [r[0] for r in rows])
    finally:
        engine.dispose()
    script = track.script_directory()
    head = track.head(script)
    known = {r.revision for r in script.walk_revisions()}
    click.echo(f"{'SCHEMA':<36} {'COMPANY':<9} {'REVISION':<9} {'STATE':<14} NAME")
    for schema, company_id, name, last in rows:
        revision = revisions.get(schema)
        if revision == head:
            state = "current"
        elif revision is None:
            state = "unversioned"
        else:
            state = "behind" if revision in known else "unknown rev"
        if last in ("failed", "aborted"):
            state += f", {last}"
        click.echo(f"{schema:<36} {company_id:<9} {revision or '-':<9} {state:<14} {name}")
    click.echo(f"{len(rows)} tenant(s); head is {head}")


@tenants.command(name="migrate")
@click.option("--to", "target", default=None, help="Target revision (default: head). An older one downgrades.")
@click.option("--parallel", default=1, show_default=True, type=click.IntRange(1, 64), help="Tenants at a time.")
@click.option("--dry-run", is_flag=True, help="Print the SQL each tenant would run; change nothing.")
@click.option("--only", multiple=True, help="Only this tenant schema (repeatable).")
@click.option("--continue-on-error", is_flag=True, help="Keep going after a tenant fails; summarise at the end.")
@click.option("--lock-timeout", default=5000, show_default=True, type=int, help="Per-tenant lock_timeout, ms.")
@click.option("--retries", default=3, show_default=True, type=int, help="Retries when a lock is not granted.")
@click.option("--wait", is_flag=True, help="Wait for another run to finish instead of stopping.")
@click.option("--script-location", default=None, hidden=True, help="Another tenant track (tests, rehearsals).")
def tenants_migrate(
    target: str | None,
    parallel: int,
    dry_run: bool,
    only: tuple[str, ...],
    continue_on_error: bool,
    lock_timeout: int,
    retries: int,
    wait: bool,
    script_location: str | None,
) -> None:
    """Bring every tenant schema to the tenant track's head (or --to), one transaction per tenant."""
    from x8.tenancy import runner

    settings, urls = _prepare()
    options = runner.Options(
        target=target,
        parallel=parallel,
        dry_run=dry_run,
        only=list(only) or None,
        continue_on_error=continue_on_error,
        lock_timeout_ms=lock_timeout,
        retries=retries,
        wait=wait,
        app_role=settings.db_app_role,
    )
    if script_location:
        options.script_location = script_location
    summary = _run_tenant_migrations(urls.owner, options)
    if not summary.ok:
        sys.exit(1)


def _run_tenant_migrations(owner_url: str, options: runner.Options) -> runner.Summary:
    from x8.tenancy import runner

    bar: list[Any] = []

    def plan(total: int, pending: int) -> None:
        click.echo(f"{total} tenant(s), {total - pending} already at target, {pending} to migrate", err=True)
        if pending and not options.dry_run:
            bar.append(
                click.progressbar(length=pending, label="migrating", show_eta=True, show_pos=True, file=sys.stderr)
            )
            bar[0].__enter__()

    def progress(result: runner.TenantResult) -> None:
        if result.status == "failed":
            click.echo(f"\n{result.schema}: FAILED after {result.attempts} attempt(s): {result.error}", err=True)
        if bar:
            bar[0].update(1)

    try:
        summary = runner.migrate(owner_url, options, on_result=progress, on_plan=plan, sql_out=sys.stdout)
    except (runner.LockHeld, runner.UnknownRevision, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if bar:
            bar[0].__exit__(None, None, None)
    if not options.dry_run:
        click.echo(
            f"target {summary.target}: {summary.count('migrated')} migrated, {summary.count('current')} current, "
            f"{summary.count('failed')} failed, {summary.count('skipped')} not run, in {summary.seconds:.1f}s "
            f"(run {summary.run_id})",
            err=True,
        )
        for failed in (r for r in summary.results if r.status == "failed"):
            click.echo(f"  {failed.schema}: {failed.error}", err=True)
    return summary


@tenants.command(name="drift")
@click.option("--only", multiple=True, help="Only this tenant schema (repeatable).")
def tenants_drift(only: tuple[str, ...]) -> None:
    """Compare every tenant schema with the template; exit 1 when any differs."""
    from x8.tenancy import drift

    settings, urls = _prepare()
    reports = drift.check(urls.owner, settings.db_app_role, list(only) or None)
    dirty = [r for r in reports if not r.clean]
    for report in dirty:
        if report.behind:
            click.echo(f"{report.schema}: at {report.revision or 'no revision'}, not head: run `x8 tenants migrate`")
            continue
        click.echo(f"{report.schema}: differs from the template")
        for line in report.missing:
            click.echo(f"  - missing  {line}")
        for line in report.extra:
            click.echo(f"  + extra    {line}")
    click.echo(f"{len(reports)} tenant(s) checked, {len(dirty)} drifted")
    if dirty:
        sys.exit(1)


@main.group()
def demo() -> None:
    """Demo data for a local try-out."""


@demo.command(name="seed")
def demo_seed() -> None:
    """Create the demo business, manager, admin and companies (idempotent)."""
    from x8.demo import seed

    settings, urls = _prepare()
    for line in asyncio.run(seed(settings, urls)):
        click.echo(line)


@main.group()
def vault() -> None:
    """The SystemData vault: re-encrypt it under a new key."""


@vault.command(name="rotate")
def vault_rotate() -> None:
    """Re-encrypt every secret under X8_VAULT_KEY (X8_VAULT_OLD_KEYS still open the older ones), in batches; safe
    to stop and to run again."""
    from x8.kit.secretbox import UnknownVaultKey
    from x8.platform.vault.keys import vault_keys
    from x8.platform.vault.rotation import rotate_database

    settings, urls = _prepare()
    bars: list[Any] = []

    def plan(total: int) -> None:
        bars.append(click.progressbar(length=total, label="re-encrypting", show_pos=True, file=sys.stderr))
        bars[0].__enter__()

    try:
        count = asyncio.run(
            rotate_database(urls.app, vault_keys(settings), on_plan=plan, on_batch=lambda n: bars[0].update(n))
        )
    except UnknownVaultKey as exc:
        raise click.ClickException(f"{exc}: add that key to X8_VAULT_OLD_KEYS and run again") from exc
    finally:
        if bars:
            bars[0].__exit__(None, None, None)
    click.echo(f"re-encrypted {count} secrets")


@main.group()
def assistant() -> None:
    """The assistant: measure how well it answers."""


@assistant.command(name="eval")
@click.option("--only", default=None, help="Only the businesses whose name contains this text.")
@click.option("--failures", is_flag=True, help="Also print every question answered wrongly, with the reply.")
def assistant_eval(only: str | None, failures: bool) -> None:
    """Answer the labelled questions (several businesses, EN and RU) and print precision and recall; exit 1 when
    a floor is not met."""
    from x8.assistant_eval import evaluate, floors_met, report

    settings, urls = _prepare()
    results = asyncio.run(evaluate(urls.owner, urls.app, settings.db_app_role, only=only))
    for line in report(results, failures=failures):
        click.echo(line)
    if not floors_met(results):
        sys.exit(1)


@main.group()
def metrics() -> None:
    """The metrics rollups (docs/metrics.md)."""


@metrics.command(name="rebuild")
@click.option("--company", "company", type=click.UUID, default=None, help="Only this company (its id).")
def metrics_rebuild(company: uuid.UUID | None) -> None:
    """Recompute the metrics rollups from the raw rows: every company's, or one's."""
    from x8.platform.metrics.maintenance import rebuild_command

    _, urls = _prepare()
    try:
        lines = asyncio.run(rebuild_command(urls.app, company))
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in lines:
        click.echo(line)


@main.command(name="openapi")
def openapi() -> None:
    """Print the OpenAPI document (used to generate the dashboard's API client)."""
    import json

    from x8.main import create_app

    unused = runtime.DatabaseUrls(owner="postgresql://unused@/unused", app="postgresql://unused@/unused")
    app = create_app(_settings(), unused)
    sys.stdout.write(json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
