"""The ``x8`` command (SPEC.md R-E3)."""

from __future__ import annotations

import asyncio
import logging
import sys

import click
import uvicorn

from x8 import runtime
from x8.settings import Settings, get_settings


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


@click.group()
def main() -> None:
    """X8 Network: multi-tenant platform for automating conversations with customers."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Do not run the job worker in this process.")
@click.option("--seed-demo", is_flag=True, help="Create the demo accounts and companies first (dev only).")
def serve(host: str, port: int, no_worker: bool, seed_demo: bool) -> None:
    """Migrate, then serve the API, the dashboard and the worker in one process."""
    from x8.main import create_app

    settings, urls = _prepare()
    if seed_demo:
        from x8.demo import seed

        for line in asyncio.run(seed(settings, urls)):
            click.echo(line)
    app = create_app(settings, urls, run_worker=not no_worker)
    click.echo(f"X8 Network on http://{host}:{port}  (API docs: /docs)")
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)


@main.command()
@click.option("--concurrency", default=4, show_default=True, type=int)
def worker(concurrency: int) -> None:
    """Run a job worker on its own, to scale out."""
    from x8.kit.db import Database
    from x8.kit.jobs import build_app, open_queue

    settings, urls = _prepare()

    async def run() -> None:
        db = Database.connect(urls.app, pool_size=concurrency)
        open_queue(settings, db)
        queue = build_app(urls.app)
        try:
            async with queue.open_async():
                await queue.run_worker_async(concurrency=concurrency)
        finally:
            await db.dispose()

    asyncio.run(run())


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
                await create_user(
                    session, email=email, password=password, full_name=full_name, role=Role(role)
                )
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
    """Tenant schemas: list them and run the tenant migration runner."""


@tenants.command(name="list")
def tenants_list() -> None:
    """List every company's tenant schema."""
    from sqlalchemy import select

    from x8.kit.db import Database
    from x8.platform.companies.models import Company

    _, urls = _prepare()

    async def run() -> list[tuple[str, str, str]]:
        db = Database.connect(urls.app, pool_size=1)
        try:
            async with db.sessions() as session:
                rows = await session.execute(
                    select(Company.tenant_schema, Company.company_id, Company.name).order_by(
                        Company.company_id
                    )
                )
                return [(r[0], r[1], r[2]) for r in rows]
        finally:
            await db.dispose()

    rows = asyncio.run(run())
    click.echo(f"{'SCHEMA':<36} {'COMPANY':<10} NAME")
    for schema, company_id, name in rows:
        click.echo(f"{schema:<36} {company_id:<10} {name}")
    click.echo(f"{len(rows)} tenant(s)")


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
