"""The salt vault port on Workers KV (binding `SALTS`): where each day's salt is kept with an
expiration, so that once it expires it is gone. KV has no point-in-time restore, unlike D1,
whose Time Travel keeps a deleted row restorable for up to 30 days (docs/SECURITY.md).

It uses the KV binding's JS API directly, unwrapping the SDK's wrapper as edge/d1.py does.
"""

import time

from pyodide.ffi import jsnull

from footfall.database.store import StorageError

# KV refuses an expiration less than 60 seconds ahead.
_MIN_AHEAD_S = 120


class KVVault:
    def __init__(self, binding):
        self._kv = getattr(binding, "_binding", binding)

    async def get(self, key: str) -> str | None:
        try:
            value = await self._kv.get(key)
        except Exception as exc:  # a JsException from KV
            raise StorageError(f"salt vault get failed: {exc}") from None
        return None if value is None or value is jsnull else str(value)

    async def put(self, key: str, value: str, expires_at_s: int) -> None:
        # By the runtime's own clock: a test's per-request clock may lie in the past.
        expiration = max(expires_at_s, int(time.time()) + _MIN_AHEAD_S)
        try:
            await self._kv.put(key, value, expiration=expiration)
        except Exception as exc:
            raise StorageError(f"salt vault put failed: {exc}") from None


def vault_of(env) -> KVVault | None:
    """The SALTS binding as a vault, or None (then salts live in D1: app/salts.py)."""
    binding = getattr(env, "SALTS", None)
    return None if binding is None or binding is jsnull else KVVault(binding)
