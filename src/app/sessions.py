"""The deployment's session generation, in D1 (migrations/0008_owner_session.sql).

A session cookie carries the generation it was signed for (footfall/auth.py); it is honoured
only while that generation is current, so a logout, which moves the generation on, revokes
every session at once, a copied cookie included. Read from the store on every request that
presents a validly signed cookie (the owner's requests only: a stranger's cookie fails its
signature first and costs no read); never cached, so a logout takes effect everywhere at once.
"""

from footfall.database import sql
from footfall.database.store import Statement, Store


async def current(store: Store) -> int:
    result = await store.execute(Statement("read_session_generation", sql.READ_SESSION_GENERATION, ()))
    return int(result.rows[0]["generation"]) if result.rows else 0


async def revoke_all(store: Store) -> int:
    """Move the generation on: every session made before stops working. The new generation."""
    result = await store.execute(Statement("next_session_generation", sql.NEXT_SESSION_GENERATION, ()))
    return int(result.rows[0]["generation"]) if result.rows else 0
