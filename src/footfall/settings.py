"""The Worker's configuration, parsed from its variables (wrangler.toml [vars], .dev.vars,
`wrangler secret put`). Every check names the variable it failed on, because the person
reading the error is a site owner editing wrangler.toml.
"""

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from footfall.auth import MIN_TOKEN_BITS, token_bits
from footfall.collect.limits import MIN_TOKEN_LENGTH
from footfall.errors import ConfigError, Rejection
from footfall.report.goals import EVENT_NAME_RE, Goal, parse_goals

DEFAULT_PREFIX = "/_ff"
DEFAULT_ORIGIN_TIMEOUT_MS = 10_000

# The variables the Worker reads; the edge copies exactly these out of `env`.
VARIABLES = (
    "FOOTFALL_PATH",
    "ORIGIN_URL",
    "ORIGIN_TIMEOUT_MS",
    "EVENT_NAMES",
    "GOALS",
    "VISITOR_ID",
    "DAY_UTC_OFFSET",
    "RETENTION_DAYS",
    "DASHBOARD_TOKEN",
    "DASHBOARD_PUBLIC",
    "HISTORY_PUBLIC",
    "PUBLIC_SITES",
    "CORS_ORIGINS",
    "HONOUR_DNT",
    "INJECT_TAG",
    "TAG_ATTRIBUTES",
    "TIMEZONE",
    "DB_SIZE_CAP_MB",
    "STORE",
)
DEFAULT_RETENTION_DAYS = 30

_PREFIX_RE = re.compile(r"^(/[A-Za-z0-9._~-]+)+$")
_OFFSET_RE = re.compile(r"^([+-])(\d{1,2}):?(\d{2})$")


class Origin(NamedTuple):
    """Where the proxy sends requests: scheme://host[:port] plus an optional base path."""

    scheme: str
    netloc: str
    base_path: str  # "" or "/project", never ending in "/"


class Settings(NamedTuple):
    prefix: str
    origin: Origin | None  # None: forward each request to where it was going
    origin_timeout_ms: int
    event_names: frozenset[str]
    goals: tuple[Goal, ...] = ()  # GOALS: goals on every site, beside those the dashboard adds
    visitor_id: str = "salted-hash"
    # Minutes east of UTC. With TIMEZONE set, the offset in force at the request's moment
    # (app.context.localized), so days follow daylight saving.
    day_offset_minutes: int = 0
    timezone: str | None = None  # an IANA name ("Europe/Berlin"); wins over DAY_UTC_OFFSET
    db_size_cap_mb: int = 500  # the database's cap on the owner's plan (footfall.database.storage)
    store: str = "d1"  # STORE: "d1", or "durable-objects" (one SQLite Durable Object per site)
    retention_days: int = DEFAULT_RETENTION_DAYS
    dashboard_token: str | None = None  # None: the dashboard is closed (unless public)
    dashboard_public: bool = False
    history_public: bool = False
    # The sites DASHBOARD_PUBLIC opens to anyone; no other site is public, whatever ?site= says.
    public_sites: frozenset[str] = frozenset()
    cors_origins: frozenset[str] = frozenset()  # other origins whose pages may send beacons
    honour_dnt: bool = True  # DNT: 1 or Sec-GPC: 1 -> nothing stored (footfall.collect.privacy)
    inject_tag: bool = True  # the proxy adds the tracker's tag to the HTML pages it serves
    tag_attributes: tuple[tuple[str, str], ...] = ()  # data-* options on that tag
    # The bad analytics variables, in order: footfall's endpoints answer with the first, the
    # site keeps working; the daily job stops only for those it reads.
    problems: tuple[ConfigError, ...] = ()

    @property
    def problem(self) -> ConfigError | None:
        return self.problems[0] if self.problems else None


def parse_prefix(raw: str | None) -> str:
    if raw is None or raw.strip() == "":
        return DEFAULT_PREFIX
    value = raw.strip()
    if not _PREFIX_RE.fullmatch(value):
        raise ConfigError(
            "FOOTFALL_PATH",
            "must be a path like /_ff: starts with '/', no trailing '/', letters, digits and . _ ~ - between slashes",
        )
    return value


def parse_origin(raw: str | None) -> Origin | None:
    if raw is None or raw.strip() == "":
        return None
    value = raw.strip()
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        raise ConfigError("ORIGIN_URL", "is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("ORIGIN_URL", "must be an absolute http:// or https:// URL, e.g. https://USER.github.io")
    if parts.username is not None or parts.password is not None:
        raise ConfigError("ORIGIN_URL", "must not carry a user name or password")
    if parts.query or parts.fragment:
        raise ConfigError("ORIGIN_URL", "must not carry a query or fragment")
    host = parts.hostname
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    return Origin(scheme=parts.scheme, netloc=netloc, base_path=parts.path.rstrip("/"))


def parse_timeout(raw: str | None) -> int:
    if raw is None or str(raw).strip() == "":
        return DEFAULT_ORIGIN_TIMEOUT_MS
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ConfigError("ORIGIN_TIMEOUT_MS", "must be a whole number of milliseconds") from None
    if not 100 <= value <= 120_000:
        raise ConfigError("ORIGIN_TIMEOUT_MS", "must be between 100 and 120000")
    return value


def parse_goal_list(raw: str | None) -> tuple[Goal, ...]:
    """GOALS: page paths (with * wildcards) and custom event names, separated by commas."""
    try:
        return parse_goals(raw)
    except Rejection as exc:
        raise ConfigError("GOALS", exc.message) from None


def parse_event_names(raw: str | None) -> frozenset[str]:
    if raw is None or raw.strip() == "":
        return frozenset()
    names = [n.strip() for n in raw.split(",") if n.strip()]
    for name in names:
        if not EVENT_NAME_RE.fullmatch(name):
            raise ConfigError(
                "EVENT_NAMES",
                "must be a comma-separated list of names of at most 64 letters, digits, spaces or _ . : -",
            )
    return frozenset(names)


def parse_visitor_id(raw: str | None) -> str:
    value = (raw or "").strip() or "salted-hash"
    if value not in ("salted-hash", "anonymized-ip"):
        raise ConfigError("VISITOR_ID", "must be salted-hash or anonymized-ip")
    return value


def parse_size_cap(raw: str | None) -> int:
    """The D1 database's cap in MB: 500 on the free plan, 10000 on the paid one."""
    value = (raw or "").strip()
    if not value:
        return 500
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 1_000_000:
        raise ConfigError("DB_SIZE_CAP_MB", "must be the database's size cap in MB: 500 (free plan) or 10000 (paid)")
    return int(value)


STORES = ("d1", "durable-objects")


def parse_store(raw: str | None) -> str:
    """Where footfall keeps its rows: one D1 database (the default) or one SQLite-backed
    Durable Object per site, for sites past one database (README: "When one database is not
    enough")."""
    value = (raw or "").strip().lower() or "d1"
    if value not in STORES:
        raise ConfigError("STORE", "must be d1 or durable-objects")
    return value


_ZONE_RE = re.compile(r"^(UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$")


def parse_timezone(raw: str | None) -> str | None:
    """An IANA time zone name. Its rules come from the runtime (Intl), which knows every
    zone: the edge turns an unknown name into the same ConfigError (edge/zones.py)."""
    value = (raw or "").strip()
    if not value:
        return None
    if not _ZONE_RE.fullmatch(value) or len(value) > 64:
        raise ConfigError("TIMEZONE", "must be an IANA time zone name like Europe/Berlin or America/New_York")
    return value


def parse_day_offset(raw: str | None) -> int:
    """Minutes east of UTC where the owner's day starts, from "+02:00", "-0530" or "0"."""
    value = (raw or "").strip()
    if value in ("", "0", "Z", "UTC"):
        return 0
    match = _OFFSET_RE.fullmatch(value)
    if not match or int(match.group(2)) > 14 or int(match.group(3)) >= 60:
        raise ConfigError("DAY_UTC_OFFSET", "must be an offset from UTC like +02:00 or -05:30")
    minutes = int(match.group(2)) * 60 + int(match.group(3))
    return minutes if match.group(1) == "+" else -minutes


def parse_retention(raw: str | None) -> int:
    value = (raw or "").strip()
    if value == "":
        return DEFAULT_RETENTION_DAYS
    if not (value.isascii() and value.isdigit()) or not 3 <= int(value) <= 3650:
        raise ConfigError("RETENTION_DAYS", "must be a whole number of days from 3 to 3650")
    return int(value)


def parse_flag(name: str, raw: str | None) -> bool:
    value = (raw or "").strip().lower()
    if value in ("", "false", "0", "no", "off"):
        return False
    if value in ("true", "1", "yes", "on"):
        return True
    raise ConfigError(name, "must be true or false")


def parse_token(raw: str | None) -> str | None:
    value = (raw or "").strip()
    if not value:
        return None
    make_one = "make one with `openssl rand -hex 24` and set it with `wrangler secret put DASHBOARD_TOKEN`"
    if len(value) < MIN_TOKEN_LENGTH:
        raise ConfigError("DASHBOARD_TOKEN", f"must be at least {MIN_TOKEN_LENGTH} characters: {make_one}")
    if token_bits(value) < MIN_TOKEN_BITS:
        raise ConfigError("DASHBOARD_TOKEN", f"is too easy to guess (repeated or consecutive characters): {make_one}")
    return value


_HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$")


def parse_public_sites(raw: str | None) -> frozenset[str]:
    """Hosts ("blog.example.com") whose dashboard anyone may read when DASHBOARD_PUBLIC is on."""
    sites = set()
    for item in (raw or "").split(","):
        value = item.strip().lower()
        if not value:
            continue
        if not _HOST_RE.fullmatch(value):
            raise ConfigError("PUBLIC_SITES", "must be a comma-separated list of host names like blog.example.com")
        sites.add(value)
    return frozenset(sites)


def parse_cors_origins(raw: str | None) -> frozenset[str]:
    """Origins ("https://www.example.com") allowed to send beacons besides the site itself."""
    origins = set()
    for item in (raw or "").split(","):
        value = item.strip().rstrip("/")
        if not value:
            continue
        parts = urlsplit(value)
        if value == "*" or parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
            raise ConfigError(
                "CORS_ORIGINS", "must be a comma-separated list of origins like https://www.example.com (never *)"
            )
        origins.add(f"{parts.scheme}://{parts.netloc.lower()}")
    return frozenset(origins)


_ATTRIBUTE_RE = re.compile(r"^data-[a-z][a-z0-9-]{0,40}$")
_ATTRIBUTE_VALUE_RE = re.compile(r"^[A-Za-z0-9 _.,:/|*+-]{0,200}$")


def parse_tag_attributes(raw: str | None) -> tuple[tuple[str, str], ...]:
    """The injected tag's options: "data-hash data-downloads=pdf|zip" (space-separated).
    Values are spliced into HTML, so only characters that need no escaping are allowed."""
    out = []
    for item in (raw or "").split():
        name, _, value = item.partition("=")
        if not _ATTRIBUTE_RE.fullmatch(name) or not _ATTRIBUTE_VALUE_RE.fullmatch(value):
            raise ConfigError(
                "TAG_ATTRIBUTES",
                "must be space-separated data-* attributes like "
                "data-hash data-downloads=pdf|zip (letters, digits and _.,:/|*+-)",
            )
        out.append((name, value))
    return tuple(out)


def parse_settings(variables: dict[str, str | None]) -> Settings:
    """Parse the raw variables. A bad ORIGIN_URL or ORIGIN_TIMEOUT_MS raises ConfigError: the
    proxy cannot work without them. Any other bad variable is kept as `problem` (the first one)
    and its default used, so the site behind the proxy keeps working while footfall's own
    endpoints report the problem."""
    origin = parse_origin(variables.get("ORIGIN_URL"))
    timeout = parse_timeout(variables.get("ORIGIN_TIMEOUT_MS"))
    problems: list[ConfigError] = []

    def lenient(parse, *args, default, missing=None):
        if missing is not None and (args[-1] is None or str(args[-1]).strip() == ""):
            return missing  # unset: this variable's default differs from parse()'s
        try:
            return parse(*args)
        except ConfigError as exc:
            problems.append(exc)
            return default

    get = variables.get
    return Settings(
        prefix=lenient(parse_prefix, get("FOOTFALL_PATH"), default=DEFAULT_PREFIX),
        origin=origin,
        origin_timeout_ms=timeout,
        event_names=lenient(parse_event_names, get("EVENT_NAMES"), default=frozenset()),
        goals=lenient(parse_goal_list, get("GOALS"), default=()),
        visitor_id=lenient(parse_visitor_id, get("VISITOR_ID"), default="salted-hash"),
        day_offset_minutes=lenient(parse_day_offset, get("DAY_UTC_OFFSET"), default=0),
        timezone=lenient(parse_timezone, get("TIMEZONE"), default=None),
        db_size_cap_mb=lenient(parse_size_cap, get("DB_SIZE_CAP_MB"), default=500),
        store=lenient(parse_store, get("STORE"), default="d1"),
        retention_days=lenient(parse_retention, get("RETENTION_DAYS"), default=DEFAULT_RETENTION_DAYS),
        dashboard_token=lenient(parse_token, get("DASHBOARD_TOKEN"), default=None),
        dashboard_public=lenient(parse_flag, "DASHBOARD_PUBLIC", get("DASHBOARD_PUBLIC"), default=False),
        history_public=lenient(parse_flag, "HISTORY_PUBLIC", get("HISTORY_PUBLIC"), default=False),
        public_sites=lenient(parse_public_sites, get("PUBLIC_SITES"), default=frozenset()),
        cors_origins=lenient(parse_cors_origins, get("CORS_ORIGINS"), default=frozenset()),
        honour_dnt=lenient(parse_flag, "HONOUR_DNT", get("HONOUR_DNT"), default=True, missing=True),
        inject_tag=lenient(parse_flag, "INJECT_TAG", get("INJECT_TAG"), default=True, missing=True),
        tag_attributes=lenient(parse_tag_attributes, get("TAG_ATTRIBUTES"), default=()),
        problems=tuple(problems),
    )
