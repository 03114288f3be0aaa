"""What one isolate remembers of the last minute: small, bounded, hashed, never stored.

Two shapes of memory, both per fixed window of time and per key:
- `Tally`: how many times something happened (failed owner logins from one network);
- `Distinct`: how many different values were seen (visitor ids from one network).

Keys are the senders' networks (`network_of`: an IPv4 address, an IPv6 /64), hashed with a random key made
when the isolate starts (BLAKE2b, keyed), so not even the isolate's memory holds an address,
and nothing here outlives the isolate. At most `max_keys` keys are kept; the least recently
used goes first. An isolate sees only the requests routed to it, so counts are a lower bound:
these are signals, not proofs (see docs/SECURITY.md).
"""

import hashlib
import secrets
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from footfall.collect import visitors

V = TypeVar("V")


def network_of(ip: str) -> str:
    """The sender's network: one IPv4 address, or an IPv6 /64 (one subscriber's usual
    allocation, inside which addresses cost nothing to change); IPv4-mapped IPv6 as IPv4.
    Anything unparsable is its own network."""
    found = visitors.network(ip, 32, 64)
    # One address is a /32: named as the address, as before.
    return ip if found is None else found.removesuffix("/32")


class _Windowed(Generic[V]):
    """Per hashed key, a value of the current window (a new window starts from `fresh()`)."""

    def __init__(self, window_ms: int, max_keys: int, fresh: Callable[[], V]):
        self.window_ms = window_ms
        self.max_keys = max_keys
        self._fresh = fresh
        self._secret = secrets.token_bytes(16)
        self._entries: OrderedDict[bytes, tuple[int, V]] = OrderedDict()

    def _key(self, key: str) -> bytes:
        return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), key=self._secret, digest_size=12).digest()

    def _get(self, key: str, now_ms: int) -> V | None:
        entry = self._entries.get(self._key(key))
        return entry[1] if entry is not None and entry[0] == now_ms // self.window_ms else None

    def _put(self, key: str, now_ms: int, update: Callable[[V], V]) -> V:
        hashed = self._key(key)
        window = now_ms // self.window_ms
        entry = self._entries.get(hashed)
        value = update(entry[1] if entry is not None and entry[0] == window else self._fresh())
        self._entries[hashed] = (window, value)
        self._entries.move_to_end(hashed)
        while len(self._entries) > self.max_keys:
            self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)


class Tally(_Windowed[int]):
    def __init__(self, window_ms: int, max_keys: int):
        super().__init__(window_ms, max_keys, int)

    def add(self, key: str, now_ms: int) -> int:
        """Count one more for `key`; the count in this window, this one included."""
        return self._put(key, now_ms, lambda count: count + 1)

    def count(self, key: str, now_ms: int) -> int:
        return self._get(key, now_ms) or 0


class Distinct(_Windowed[set]):
    """Distinct values per key, counted up to `cap` (past it, the count stays at cap)."""

    def __init__(self, window_ms: int, max_keys: int, cap: int):
        super().__init__(window_ms, max_keys, set)
        self.cap = cap

    def add(self, key: str, value: str, now_ms: int) -> int:
        """Note `value` under `key`; how many distinct values this window has seen (<= cap)."""

        def note(seen: set) -> set:
            if len(seen) < self.cap:
                seen.add(value)
            return seen

        return len(self._put(key, now_ms, note))
