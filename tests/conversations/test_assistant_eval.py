"""The labelled evaluation (x8/conversations/assistant/evaluation) in the test suite, with floors: a change that
makes the assistant present unrelated rows as answers, or miss rows it should find, fails here. The same run as
`x8 assistant eval`, on the test database."""

from __future__ import annotations

from x8.assistant_eval import HONESTY_FLOOR, RECALL_FLOOR, evaluate, report
from x8.conversations.assistant.evaluation.scoring import Tally
from x8.settings import Settings


async def test_the_assistant_is_honest_and_right_on_the_labelled_questions(
    owner_url: str, app_url: str, settings: Settings
) -> None:
    results = await evaluate(owner_url, app_url, settings.db_app_role)
    table = "\n".join(report(results, failures=True))
    total, held_out = Tally(), Tally()
    for result in results:
        total.merge(result.tally)
        held_out.merge(result.held_out)
    assert len(results) >= 6 and total.in_catalogue >= 150 and total.out_of_catalogue >= 60, table
    assert total.honesty >= HONESTY_FLOOR, table
    assert total.recall >= RECALL_FLOOR, table
    assert held_out.honesty >= HONESTY_FLOOR and held_out.recall >= RECALL_FLOOR, table
    # Every number in every reply is in the question or in a row the reply quotes: none is ever made up.
    assert total.stray_numbers == 0, table
    for result in results:  # no business is left behind by the overall figure
        assert result.tally.honesty >= 0.9 and result.tally.recall >= 0.85, table


async def test_the_scratch_tenants_are_gone_afterwards(owner_url: str, app_url: str, settings: Settings) -> None:
    import psycopg

    def tenant_schemas() -> int:
        with psycopg.connect(owner_url) as conn:
            row = conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname ~ '^t_[0-9a-f]{32}$'").fetchone()
            return int(row[0]) if row else 0

    before = tenant_schemas()
    results = await evaluate(owner_url, app_url, settings.db_app_role, only="salon")
    assert [r.business.name for r in results] == ["Beauty salon (RU)"]
    assert tenant_schemas() == before
