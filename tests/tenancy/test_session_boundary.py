"""R-T5: code in kb_engine and conversations gets a TenantSession, never a raw session or connection.

A static check over the source: those packages may not import the database plumbing or drivers.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "x8"
GUARDED = ["kb_engine", "conversations"]
FORBIDDEN_MODULES = {"x8.kit.db", "sqlalchemy.ext.asyncio", "asyncpg", "psycopg", "sqlalchemy.engine"}
FORBIDDEN_NAMES = {
    "Database",
    "SessionDep",
    "get_session",
    "create_async_engine",
    "AsyncSession",
    "OwnerDatabaseDep",
}


def _violations(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [
                f"{path}:{node.lineno} import {a.name}"
                for a in node.names
                if any(a.name == m or a.name.startswith(m + ".") for m in FORBIDDEN_MODULES)
            ]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if any(node.module == m or node.module.startswith(m + ".") for m in FORBIDDEN_MODULES):
                found.append(f"{path}:{node.lineno} from {node.module} import …")
            found += [f"{path}:{node.lineno} imports {a.name}" for a in node.names if a.name in FORBIDDEN_NAMES]
        elif isinstance(node, ast.Attribute) and node.attr in {"sessions", "owner_db"}:
            found.append(f"{path}:{node.lineno} uses .{node.attr}")
    return found


def test_tenant_data_code_only_takes_tenant_sessions() -> None:
    files = [p for package in GUARDED for p in (ROOT / package).rglob("*.py")]
    assert files, "the guarded packages exist"
    problems = [v for f in files for v in _violations(f)]
    assert problems == [], "raw database access outside tenancy/kit:\n" + "\n".join(problems)


def test_the_check_catches_a_raw_session(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from x8.kit.db import Database\nasync def f(db):\n    async with db.sessions() as s:\n        pass\n"
    )
    assert [v.split(" ", 1)[1] for v in _violations(bad)] == [
        "from x8.kit.db import …",
        "imports Database",
        "uses .sessions",
    ]
