"""Demo data for `make run`: a business with two companies, its manager and an admin.

The credentials are printed by `make run` and listed in the README. Seeding is idempotent and refused
in production.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.channel_adapters.base import InboundMessage
from x8.kb_engine import store
from x8.kb_engine.importer import open_upload, stream_batches
from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.platform.booking import availability
from x8.platform.booking.availability import Availability, City, WeeklyRange
from x8.platform.channels import service as channels
from x8.platform.companies.models import Company, CompanyType
from x8.platform.companies.schemas import CompanyCreate
from x8.platform.companies.service import create_company
from x8.platform.conversations import replies
from x8.platform.conversations import service as conversations
from x8.platform.knowledge_base.models import KnowledgeBase
from x8.platform.support import calls
from x8.platform.support.schemas import ManagerAvailability
from x8.platform.users.models import Role, User
from x8.platform.users.repository import create_user, get_by_email
from x8.runtime import DatabaseUrls
from x8.settings import Settings
from x8.tenancy.session import tenant_session

DEMO_BUSINESS = ("demo@x8.network", "DemoPass123", "Demo Business")
DEMO_MANAGER = ("manager@x8.network", "ManagerPass123", "Maria Manager")
DEMO_ADMIN = ("admin@x8.network", "AdminPass123", "Platform Admin")
DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
DEMO_CATALOGUES = {"Green Leaf Market": "green_leaf_market.csv", "Bright Smile Dental": "bright_smile_dental.csv"}
# A first playground chat per demo company, answered by the assistant, so Conversations is not empty.
DEMO_QUESTIONS = {
    "Green Leaf Market": "How much are the green apples?",
    "Bright Smile Dental": "How much is a check-up?",
}
# Opening hours, so the demo books in chat after a sandbox payment, and the manager's hours for setup calls.
WEEKDAYS, MONDAY_TO_SATURDAY = range(5), range(6)
DEMO_HOURS = {
    "Green Leaf Market": Availability(
        timezone="Europe/Berlin",
        slot_minutes=120,
        capacity=3,
        weekly=[WeeklyRange(weekday=d, start="10:00", end="20:00") for d in MONDAY_TO_SATURDAY],
        cities=[City(name="Berlin"), City(name="Potsdam", capacity=1)],
    ),
    "Bright Smile Dental": Availability(
        timezone="Europe/Berlin",
        slot_minutes=30,
        buffer_minutes=10,
        weekly=[
            WeeklyRange(weekday=d, start=t0, end=t1)
            for d in WEEKDAYS
            for t0, t1 in (("09:00", "13:00"), ("14:00", "18:00"))
        ],
    ),
}
DEMO_MANAGER_HOURS = ManagerAvailability(
    timezone="Europe/Berlin",
    slot_minutes=30,
    weekly=[WeeklyRange(weekday=d, start="10:00", end="17:00") for d in WEEKDAYS],
)
DEMO_COMPANIES = [
    CompanyCreate(
        name="Green Leaf Market",
        company_type=CompanyType.PRODUCT,
        shop_type="Grocery delivery",
        timezone="Europe/Berlin",
        language="en",
    ),
    CompanyCreate(
        name="Bright Smile Dental",
        company_type=CompanyType.SERVICE,
        shop_type="Dental clinic",
        timezone="Europe/Berlin",
        language="en",
    ),
]


async def _account(db: Database, email: str, password: str, name: str, role: Role) -> tuple[User, bool]:
    async with db.sessions() as session, session.begin():
        user = await get_by_email(session, email)
        if user is not None:
            return user, False
        return await create_user(session, email=email, password=password, full_name=name, role=role), True


async def _load_catalogue(session: AsyncSession, db: Database, company: Company) -> None:
    """Import the company's demo CSV through the same path as an upload."""
    with (DEMO_DATA / DEMO_CATALOGUES[company.name]).open("rb") as stream:
        parsed = open_upload(stream, "catalogue.csv")
        kb = KnowledgeBase(
            company_id=company.id,
            name="Catalogue",
            kind=company.company_type,
            row_count=0,
            source_filename=DEMO_CATALOGUES[company.name],
            last_import_at=utcnow(),
        )
        session.add(kb)
        await session.flush()

        async with tenant_session(db, company.id) as ts:
            stats = await store.import_items(ts, kb.id, stream_batches(parsed), language=company.language, replace=True)
        kb.row_count = stats.imported


async def _first_chat(db: Database, settings: Settings, owner: User, company: Company) -> None:
    """Connect the playground and run one real turn through the pipeline (retrieval responder)."""
    channel = await channels.connect(db, settings, None, owner, company.id, "web", {})
    message = InboundMessage(
        provider_message_id=f"web:demo-{company.id}",
        external_id=f"user-{owner.id}",
        text=DEMO_QUESTIONS[company.name],
        display_name="Demo customer",
    )
    received = await conversations.receive(db, channel, message, pause_minutes=settings.human_pause_minutes)
    now = settings.model_copy(update={"buffer_seconds": 0.0})  # answer at once, not after the merge window
    outcome = await replies.run_turn(db, now, company.id, received.conversation_id)
    if outcome.outgoing is not None:
        await replies.deliver(db, settings, company.id, outcome.outgoing.id, claimed=outcome.outgoing)


async def seed(settings: Settings, urls: DatabaseUrls) -> list[str]:
    if settings.is_production:
        raise RuntimeError("demo data is never seeded in production")
    db = Database.connect(urls.app, pool_size=1)
    owner_db = Database.connect(urls.owner, pool_size=1)
    lines = []
    try:
        business, created = await _account(db, *DEMO_BUSINESS, Role.CLIENT)
        manager, _ = await _account(db, *DEMO_MANAGER, Role.MANAGER)
        await _account(db, *DEMO_ADMIN, Role.ADMIN)
        async with db.sessions() as session, session.begin():
            owner = await session.get(User, business.id)
            assert owner is not None
            if owner.manager_id is None:
                owner.manager_id = manager.id
            existing = set((await session.execute(select(Company.name).where(Company.owner_id == owner.id))).scalars())
            new_companies = []
            for company in DEMO_COMPANIES:
                if company.name not in existing:
                    created_company = await create_company(
                        session,
                        owner_db,
                        owner,
                        company,
                        app_role=settings.db_app_role,
                        max_companies=settings.max_companies,
                    )
                    await _load_catalogue(session, db, created_company)
                    async with tenant_session(db, created_company.id) as ts:
                        await availability.save(ts, DEMO_HOURS[created_company.name])
                    new_companies.append(created_company)
            if created:
                await calls.publish(session, manager, DEMO_MANAGER_HOURS)
        for created_company in new_companies:
            await _first_chat(db, settings, owner, created_company)
        lines.append("Demo data ready" + (" (created)" if created else " (already there)") + ":")
        # Names only: logs hold no passwords, the demo's too (R-R7). README lists them.
        for label, (email, _, _) in (
            ("business", DEMO_BUSINESS),
            ("manager", DEMO_MANAGER),
            ("admin", DEMO_ADMIN),
        ):
            lines.append(f"  {label:<8} {email}")
        lines.append("  (their passwords are in README.md, in the demo account table)")
    finally:
        await db.dispose()
        await owner_db.dispose()
    return lines
