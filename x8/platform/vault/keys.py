"""The vault keys this process runs with, and the start-up check that they open what the vault holds."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.secretbox import Keyring, keyring
from x8.platform.vault import repository
from x8.settings import Settings


class VaultKeyMissing(RuntimeError):
    """Secrets in the vault were sealed with a key this process was not given."""


def vault_keys(settings: Settings) -> Keyring:
    return keyring(settings.vault_key, settings.vault_old_keys)


async def check_keys(session: AsyncSession, keys: Keyring) -> None:
    """Refuse to run with keys that do not open the vault: a wrong X8_VAULT_KEY would otherwise only show as
    failures much later, secret by secret."""
    unknown = sorted(k for k in await repository.key_ids_in_use(session) if not keys.knows(k))
    if unknown:
        raise VaultKeyMissing(
            f"X8_VAULT_KEY (key id {keys.current_id}) does not open the vault: secrets are sealed with key id(s) "
            f"{', '.join(unknown)}. Set X8_VAULT_KEY to the key they were sealed with, or keep it in "
            "X8_VAULT_OLD_KEYS and run `x8 vault rotate`."
        )
