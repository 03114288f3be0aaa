"""What a handler receives beside its request: settings, the site, the clock and the ports.

Ports, not bindings: `store` runs SQL (D1 in production, SQLite in the in-process tests),
`origin` fetches from the site behind the proxy, `tasks` runs work after the response
(ctx.waitUntil), `vault` keeps the daily salts (Workers KV) when there is one, `stores` gives
D1 and the sites' Durable Objects side by side for the owner's copy between them. Handlers never
see `env` or a JS object.
"""

from collections.abc import Callable, Coroutine
from typing import NamedTuple, Protocol

from app.http import Request, Response
from app.salts import Vault
from footfall.database.store import Store
from footfall.errors import ConfigError
from footfall.settings import Settings


class OriginTimeout(Exception):
    """The origin sent no status and headers within ORIGIN_TIMEOUT_MS."""


class OriginUnreachable(Exception):
    """DNS, a refused connection, TLS: the origin could not be asked."""


class Origin(Protocol):
    async def fetch(self, request: Request, target: str, headers: dict[str, str], timeout_ms: int) -> Response:
        """Send `request` (its method and body stream) to `target` with `headers`; redirects are
        returned, not followed. The answer's body streams through as an `Opaque`."""
        ...


class Stores(Protocol):
    """Both stores at once, for the owner's copy between them (handlers/copying.py)."""

    def d1(self) -> Store: ...

    def site(self, site: str) -> Store:
        """The store of one site's Durable Object."""
        ...

    def missing(self) -> str | None:
        """The bindings a copy lacks (DB, SITE_STORE), or None."""
        ...


class Tasks(Protocol):
    def defer(self, work: Coroutine) -> None:
        """Run `work` after the response has gone out (ctx.waitUntil)."""
        ...


# Minutes east of UTC in force in a time zone at a moment (the runtime's time zone rules).
OffsetAt = Callable[[str, int], int]


def localized(settings: Settings, now_ms: int, offset_at: OffsetAt) -> Settings:
    """Settings whose day offset is the one TIMEZONE has at `now_ms` (daylight saving
    included); unchanged without TIMEZONE (a fixed DAY_UTC_OFFSET)."""
    if settings.timezone is None:
        return settings
    try:
        return settings._replace(day_offset_minutes=offset_at(settings.timezone, now_ms))
    except ConfigError as exc:  # an unknown zone: footfall's endpoints say so, the site keeps working
        return settings._replace(problems=(*settings.problems, exc), timezone=None)


class Context(NamedTuple):
    settings: Settings
    site: str  # the host the request was addressed to, lower-case
    now_ms: int
    store: Store
    origin: Origin
    tasks: Tasks
    owner: bool = False  # the request carries the owner's token or session (set by the route)
    vault: Vault | None = None  # where daily salts live when not in D1 (Workers KV: app/salts.py)
    stores: Stores | None = None  # D1 and the Durable Objects side by side (the owner's copy)
