"""R-E4: compose.yml is a valid Compose file with the production stack.

Docker does not run on our machines, so `docker compose config` cannot run here. This test does what it
does that matters: interpolates variables the way Compose does (``${X}``, ``${X:-default}``,
``${X:?error}``), then parses the result with compose-spec, a parser of the Compose specification.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from compose_spec import PyCompose

COMPOSE = Path(__file__).resolve().parent.parent / "compose.yml"
REQUIRED = [
    "POSTGRES_PASSWORD",
    "X8_DB_APP_PASSWORD",
    "SECRET_KEY",
    "X8_VAULT_KEY",
    "PUBLIC_BASE_URL",
    "FRONTEND_URL",
    "SMTP_HOST",
    "WAHA_API_KEY",
    "WAHA_WEBHOOK_HMAC_KEY",
    "N8N_ENCRYPTION_KEY",
]
_VAR = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:-|:\?)(?P<arg>[^}]*))?\}")


class MissingVariable(Exception):
    pass


def interpolate(text: str, env: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        value = env.get(name)
        if value:
            return value
        if op == ":?":
            raise MissingVariable(f"{name}: {arg}")
        return arg if op == ":-" else ""

    return _VAR.sub(replace, text)


def _load(env: dict[str, str]) -> dict[str, Any]:
    text = interpolate(COMPOSE.read_text(), env)
    PyCompose.from_yaml(text)  # raises ValueError when the file is not a valid Compose document
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def test_compose_file_is_valid_with_the_production_services() -> None:
    data = _load({name: "placeholder" for name in REQUIRED})
    assert set(data["services"]) == {
        "postgres",
        "api",
        "worker",
        "redis",
        "n8n",
        "n8n-worker",
        "waha",
        "mongo",
    }
    assert data["services"]["postgres"]["image"].startswith("pgvector/pgvector:pg16")
    assert data["services"]["n8n"]["environment"]["EXECUTIONS_MODE"] == "queue"
    assert data["services"]["api"]["environment"]["X8_ENV"] == "production"
    assert data["services"]["worker"]["command"][:2] == ["x8", "worker"]


@pytest.mark.parametrize("missing", REQUIRED)
def test_required_secrets_fail_fast(missing: str) -> None:
    env = {name: "placeholder" for name in REQUIRED if name != missing}
    with pytest.raises(MissingVariable, match=missing):
        _load(env)


def test_no_secret_values_are_committed() -> None:
    for line in COMPOSE.read_text().splitlines():
        if re.search(r"(PASSWORD|SECRET|_KEY):\s", line):
            assert "${" in line, line
