"""Normalise and validate the three collection payloads of the wire contract.

Each `parse_*` takes the decoded JSON object and returns a frozen record of clean values,
raises Rejection(400, ...) naming the field, or raises Ignored when the beacon is valid and
nothing of it is to be stored (a monitor's page view, a click on a javascript: link).
Normalising (trimming, lower-casing, cutting anchor text, dropping a referrer's query) is kept
apart from validating, so the rules read on their own.
"""

import math
import re
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

from footfall.collect.limits import (
    EVENT_TYPES,
    HEARTBEAT_DELTAS,
    MAX_ANCHOR_TEXT,
    MAX_EVENT_NAME,
    MAX_PATH,
    MAX_REFERRER,
    MAX_SCROLL_PERCENT,
    MAX_SEQ,
    MAX_SITE,
    MAX_TOTAL_SECONDS,
    MAX_URL,
    MAX_UTM_VALUE,
    SCROLL_MILESTONES,
    UTM_FIELDS,
)
from footfall.collect.text import CONTROL_RE, clean_text
from footfall.errors import Ignored, Rejection
from footfall.report import props

_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_LINK_TYPES = ("outbound", "download", "mailto", "tel")
_WEB_SCHEMES = frozenset({"http", "https"})
# Links whose scheme names their event, whatever type the tracker sent: the tracker calls any
# link that leaves the page's host outbound (a mailto: link's host is empty) and may call a
# mailto: link a download (its "path" owner@example.com ends in .com), and leaves the naming
# to the Worker, which costs it no bytes (client/src/events.js).
_NAMING_SCHEMES = frozenset({"mailto", "tel"})
# ?knownBot=1 on a page marks the owner's own monitors and scripts: such a view is accepted
# and nothing of it is stored. The tracker keeps this one parameter besides utm_* in the page.
KNOWN_BOT = ("knownBot", "1")


class PageLoad(NamedTuple):
    uuid: str
    path: str
    referrer: str | None
    utm: dict[str, str]


class Heartbeat(NamedTuple):
    uuid: str
    delta: int
    total: int | None = None  # seconds sent for this page load so far, this beat included
    scroll: int | None = None  # the deepest point of the page reached so far, in % (0-100)


class Event(NamedTuple):
    uuid: str
    seq: int | None  # the tracker's number for this event of the page load
    type: str
    path: str
    name: str | None
    url: str | None
    anchor_text: str | None
    props: str | None = None  # a custom event's properties, JSON (footfall.report.props)


def _bad(field: str, message: str) -> Rejection:
    return Rejection(400, f"invalid_{field}", f"{field} {message}")


def _optional_string(body: dict, field: str) -> str | None:
    value = body.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _bad(field, "must be a string")
    return value


def _optional_measure(body: dict, field: str, limit: int, *, cap: bool = False) -> int | None:
    """A non-negative number rounded half up to a whole one (the tracker sends fractional
    seconds and percentages and leaves the rounding to the Worker), or None when absent.
    Above `limit` it is `limit` with `cap`, else a 400."""
    value = body.get(field)
    if value is None:
        return None
    # A float must be finite; an int may have hundreds of digits (JSON allows it), too many for
    # a float: it is compared as an int, never converted.
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise _bad(field, f"must be a number from 0 to {limit}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _bad(field, f"must be a number from 0 to {limit}")
    whole = value if isinstance(value, int) else math.floor(value + 0.5)
    if whole > limit and not cap:
        raise _bad(field, f"must be a number from 0 to {limit}")
    return min(whole, limit)


def _optional_count(body: dict, field: str, limit: int) -> int | None:
    """A whole number 0..limit, or None when absent (older trackers, hand-made requests)."""
    value = body.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise _bad(field, f"must be a whole number from 0 to {limit}")
    return value


def parse_uuid(body: dict) -> str:
    value = body.get("uuid")
    if value is None:
        raise _bad("uuid", "is required")
    if not isinstance(value, str) or not _UUID_RE.fullmatch(value.lower()):
        raise _bad("uuid", "must be a UUID like 0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42")
    return value.lower()


def split_page(value: object, field: str = "page") -> tuple[str, dict[str, str]]:
    """A page as the tracker sends it (path, maybe `?utm_*=...`) -> (path, utm values).
    Raises Ignored for a page marked ?knownBot=1 (see KNOWN_BOT)."""
    if value is None:
        raise _bad(field, "is required")
    if not isinstance(value, str):
        raise _bad(field, "must be a string")
    if len(value) > MAX_PATH:
        raise _bad(field, f"may be at most {MAX_PATH} characters")
    if not value.startswith("/"):
        raise _bad(field, "must be a path starting with '/'")
    if CONTROL_RE.search(value):
        raise _bad(field, "must not contain control characters")
    value, _, fragment = value.partition("#")
    path, _, query = value.partition("?")
    # Hash-routed apps (tracker option data-hash) send "/#/route". Only a fragment that looks
    # like a route is kept: others may carry tokens (#access_token=...). A route's own query
    # (#/reset?token=...&email=...) is read as the URL's is: its utm_* values, nothing else.
    if fragment.startswith(("/", "!/")):
        route, _, route_query = fragment.partition("?")
        path += "#" + route
        query += "&" + route_query
    pairs = parse_qsl(query, keep_blank_values=False)
    if KNOWN_BOT in pairs:
        raise Ignored("knownBot=1: a visit the site's owner marked as not a person")
    utm = {}
    for key, val in pairs:
        if key in UTM_FIELDS and key not in utm:
            # Checked after percent-decoding: %1b, %00 or %0a decode to controls that the raw
            # check above cannot see (and `wrangler d1 execute` would print them raw).
            clean = clean_text(val)[:MAX_UTM_VALUE]
            if clean:
                utm[key] = clean
    return path, utm


def hit_path(path: str) -> str:
    """The path of a page the proxy served, as stored with its server-side hit: capped like a
    page load's path, and with any control character percent-encoded (the runtime's URL parser
    already does that; this keeps the rule for any other caller)."""
    encoded = CONTROL_RE.sub(lambda m: f"%{ord(m.group()):02X}", path)
    return encoded[:MAX_PATH]


def normalise_referrer(value: str) -> str | None:
    """scheme://host[:port]/path of a referrer: its query and fragment may hold personal data,
    and so may a user name and password before the host (user:pass@), which are dropped."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if not parts.scheme or not host:
        return None
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    elif len(host) > MAX_SITE or "" in host.removesuffix(".").split("."):
        # No DNS name is longer or has an empty label; 2,000 dots cost the channel lookup (a
        # set lookup per suffix) ~10 ms on every request and every report that read it.
        return None
    authority = host if port is None else f"{host}:{port}"
    return f"{parts.scheme.lower()}://{authority}{parts.path or '/'}"


def parse_page_load(body: dict) -> PageLoad:
    uuid = parse_uuid(body)
    path, utm = split_page(body.get("page"))
    referrer = _optional_string(body, "referrer")
    if referrer is not None:
        if len(referrer) > MAX_REFERRER:
            raise _bad("referrer", f"may be at most {MAX_REFERRER} characters")
        if CONTROL_RE.search(referrer):
            raise _bad("referrer", "must not contain control characters")
        referrer = normalise_referrer(referrer)
    return PageLoad(uuid=uuid, path=path, referrer=referrer, utm=utm)


def parse_heartbeat(body: dict) -> Heartbeat:
    """`{uuid, total}` (footfall's tracker: the running total, one beacon per flush) or the
    original `{uuid, delta}` with a whitelisted delta; both together must agree."""
    uuid = parse_uuid(body)
    delta = body.get("delta")
    total = _optional_measure(body, "total", MAX_TOTAL_SECONDS)
    # Over 100 % is a page shorter than the window, or a bounce past its end: all of it was seen.
    scroll = _optional_measure(body, "scroll", MAX_SCROLL_PERCENT, cap=True)
    if delta is None and total is not None:
        return Heartbeat(uuid=uuid, delta=0, total=total, scroll=scroll)
    allowed = ", ".join(str(d) for d in sorted(HEARTBEAT_DELTAS))
    # bool is an int in Python; JSON true is not a number of seconds.
    if delta is None or isinstance(delta, bool) or not isinstance(delta, int) or delta not in HEARTBEAT_DELTAS:
        raise _bad("delta", f"must be one of {allowed} (or send the running total)")
    if total is not None and total < delta:
        raise _bad("total", "must include this heartbeat's delta")
    return Heartbeat(uuid=uuid, delta=delta, total=total, scroll=scroll)


def _event_name(body: dict, type_: str, allowed_names: frozenset[str]) -> str | None:
    name = _optional_string(body, "name")
    if type_ == "scroll":
        if name not in SCROLL_MILESTONES:
            raise _bad("name", "of a scroll event must be one of 25, 50, 75, 100")
    elif type_ == "custom":
        if name is None or len(name) > MAX_EVENT_NAME or name not in allowed_names:
            raise _bad("name", "is not an event name this site allows (Worker variable EVENT_NAMES)")
    elif name is not None:
        raise _bad("name", f"is only used by scroll and custom events, not {type_}")
    return name


def _link_type(type_: str, url: str | None) -> str:
    """The type a link event is stored under: mailto: and tel: links are named by their
    scheme; other links keep the type sent."""
    if url is None or type_ not in _LINK_TYPES:
        return type_
    scheme = urlsplit(url).scheme.lower()
    return scheme if scheme in _NAMING_SCHEMES else type_


def _event_url(body: dict, type_: str) -> str | None:
    url = _optional_string(body, "url")
    needs_url = type_ in _LINK_TYPES
    if url is None:
        if needs_url:
            raise _bad("url", f"is required for {type_} events")
        return None
    if len(url) > MAX_URL:
        raise _bad("url", f"may be at most {MAX_URL} characters")
    if CONTROL_RE.search(url):
        raise _bad("url", "must not contain control characters")
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        raise _bad("url", "is not a URL") from None
    if scheme not in _WEB_SCHEMES | _NAMING_SCHEMES:
        # A click on a javascript:, data: or blob: link is no visit to anywhere: the tracker
        # does not look at schemes (client/src/events.js), so it is accepted and not stored.
        raise Ignored("the link goes to no web page, mailto: or tel: address")
    # Kept as referrers are: a link on a logged-in page may carry the visitor's own data (a
    # signed download link, ?email=..., user:password@host), so only scheme://host/path stays,
    # and a mailto:/tel: address without its ?subject=&body=.
    if scheme in _WEB_SCHEMES:
        web = normalise_referrer(url)
        if web is None:
            raise _bad("url", "is not a URL")
        return web
    return url.strip().partition("?")[0].partition("#")[0]


def parse_event(body: dict, allowed_names: frozenset[str] = frozenset()) -> Event:
    uuid = parse_uuid(body)
    seq = _optional_count(body, "seq", MAX_SEQ)
    type_ = body.get("type")
    if not isinstance(type_, str) or type_ not in EVENT_TYPES:
        raise _bad("type", "must be one of " + ", ".join(sorted(EVENT_TYPES)))
    path, _ = split_page(body.get("page"))
    if type_ == "custom" and body.get("name") is None:  # a tagged element sends its dataset only
        body = {**body, "name": props.dataset_name(body.get("props"))}
    name = _event_name(body, type_, allowed_names)
    url = _event_url(body, type_)
    type_ = _link_type(type_, url)
    anchor_text = _optional_string(body, "anchor_text")
    if anchor_text is not None:
        # Link text is cut, not rejected; control characters become spaces.
        anchor_text = clean_text(anchor_text)[:MAX_ANCHOR_TEXT] or None
    return Event(
        uuid=uuid,
        seq=seq,
        type=type_,
        path=path,
        name=name,
        url=url,
        anchor_text=anchor_text,
        props=props.parse(body.get("props"), type_),
    )
