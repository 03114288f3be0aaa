"""The owner's access to the dashboard and the API: one secret, DASHBOARD_TOKEN.

Two ways in: `Authorization: Bearer <token>` (scripts, the API), or the login form, which
sets a session cookie: `<expiry>.<generation>.<HMAC-SHA256(expiry.generation)>`, keyed by a
hash of the token, so changing the token logs every session out, and so does a logout (it
moves the deployment's session generation on: app/sessions.py). Every comparison is
constant-time.
"""

import hashlib
import hmac
import math

COOKIE = "footfall_session"
SESSION_MS = 7 * 24 * 3600 * 1000
_MAX_EXPIRY_DIGITS = 16  # Unix milliseconds have 13 digits until the year 2286


def _key(token: str) -> bytes:
    return hashlib.sha256(b"footfall-session\x00" + token.encode()).digest()


def _sign(token: str, message: str) -> str:
    return hmac.new(_key(token), message.encode(), hashlib.sha256).hexdigest()


def _bytes(text: str) -> bytes:
    # "surrogatepass": a lone surrogate (text decoded from bytes that were not UTF-8) encodes to
    # bytes no real token has, instead of raising; "replace" could turn it into a matching "?".
    return text.encode("utf-8", "surrogatepass")


# How many bits of guessing a DASHBOARD_TOKEN must be worth (see token_bits). 16 random hex
# digits (64 bits) score about 80; repeats, runs and repeated patterns score far below.
MIN_TOKEN_BITS = 56


def token_bits(token: str) -> float:
    """A rough estimate of the guesses a token is worth, in bits, that catches the lazy ones:
    a token made of one repeated unit ("abababab...") counts as that unit; within it, a
    character that continues a run of repeats or of +1/-1 steps ("aaa", "abc", "321") adds
    nothing; every other character counts as a draw from the character classes the token
    uses (lower case, upper case, digits, others). Dictionary words pass: this is not a
    password checker, it stops "aaaaaaaaaaaaaaaa"."""
    token = token[:256]  # past 256 characters nobody types a pattern by hand (and the loop stays short)
    period = next(p for p in range(1, len(token) + 1) if all(token[i] == token[i - p] for i in range(p, len(token))))
    unit = token[:period]
    classes = (
        26 * any(c.islower() for c in unit)
        + 26 * any(c.isupper() for c in unit)
        + 10 * any(c.isdigit() for c in unit)
        + 33 * any(not c.isalnum() for c in unit)
    )
    steps = [ord(b) - ord(a) for a, b in zip(unit, unit[1:], strict=False)]
    runs = sum(1 for a, b in zip(steps, steps[1:], strict=False) if a == b and abs(a) <= 1)
    return (len(unit) - runs) * math.log2(classes) if classes > 1 else 0.0


def token_matches(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(_bytes(given), _bytes(token))


def bearer_matches(authorization: str | None, token: str) -> bool:
    if not authorization or not authorization.lower().startswith("bearer "):
        return False
    return token_matches(authorization[7:].strip(), token)


def new_session(token: str, now_ms: int, generation: int = 0) -> str:
    """`<expiry>.<generation>.<signature>`: valid until expiry while the deployment's session
    generation (app/sessions.py) is still `generation`."""
    expires = now_ms + SESSION_MS
    return f"{expires}.{generation}.{_sign(token, f'{expires}.{generation}')}"


def _signed_parts(value: str | None, token: str) -> tuple[int, int] | None:
    """(expiry, generation) of a session cookie whose signature under `token` is right."""
    if not value:
        return None
    expires, _, rest = value.partition(".")
    generation, _, signature = rest.partition(".")
    # ASCII digits only and a sane length: str.isdigit() also accepts "²" and int() refuses it,
    # and int() refuses more than 4,300 digits; either was a 500 from a crafted cookie.
    for number in (expires, generation):
        if not (number.isascii() and number.isdigit() and len(number) <= _MAX_EXPIRY_DIGITS):
            return None
    if not hmac.compare_digest(_bytes(signature), _sign(token, f"{expires}.{generation}").encode()):
        return None
    return int(expires), int(generation)


def session_generation(value: str | None, token: str, now_ms: int) -> int | None:
    """The generation a session cookie was signed for, if its signature is right and it has
    not expired; None for anything else. Whether that generation is still current is the
    caller's question (it needs the store)."""
    parts = _signed_parts(value, token)
    return parts[1] if parts is not None and parts[0] > now_ms else None


def session_signed(value: str | None, token: str) -> bool:
    """Whether a session cookie was signed under `token`, expired or logged out or not: such a
    cookie was issued to the owner once, so it is no guess at the token."""
    return _signed_parts(value, token) is not None


def cookie_value(cookie_header: str | None, name: str = COOKIE) -> str | None:
    for part in (cookie_header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def set_cookie(value: str, path: str, max_age_s: int = SESSION_MS // 1000) -> str:
    # The only cookie footfall sets, and only for the owner.
    return f"{COOKIE}={value}; Path={path}; Max-Age={max_age_s}; HttpOnly; Secure; SameSite=Strict"


def clear_cookie(path: str) -> str:
    return f"{COOKIE}=; Path={path}; Max-Age=0; HttpOnly; Secure; SameSite=Strict"
