"""What a handler receives beside its request: settings, the site, the clock and the ports.

Ports, not bindings: `store` runs SQL (D1 in production, SQLite in the in-process tests),
`origin` fetches from the site behind the proxy, `tasks` runs work after the response
(ctx.waitUntil). Handlers never see `env` or a JS object.
"""

from collections.abc import Coroutine
from typing import NamedTuple, Protocol

from app.http import Request, Response
from footfall.settings import Settings
from footfall.store import Store


class OriginTimeout(Exception):
    """The origin sent no status and headers within ORIGIN_TIMEOUT_MS."""


class OriginUnreachable(Exception):
    """DNS, a refused connection, TLS: the origin could not be asked."""


class Origin(Protocol):
    async def fetch(self, request: Request, target: str, headers: dict[str, str], timeout_ms: int) -> Response:
        """Send `request` (its method and body stream) to `target` with `headers`; redirects are
        returned, not followed. The answer's body streams through as an `Opaque`."""
        ...


class Tasks(Protocol):
    def defer(self, work: Coroutine) -> None:
        """Run `work` after the response has gone out (ctx.waitUntil)."""
        ...


class Context(NamedTuple):
    settings: Settings
    site: str  # the host the request was addressed to, lower-case
    now_ms: int
    store: Store
    origin: Origin
    tasks: Tasks
    owner: bool = False  # the request carries the owner's token or session (set by the route)
