"""Limits and allowed values of the wire contract, in one place.

Lengths follow GoatCounter's (path and referrer 2048, anchor text 1024, user agent 512):
long enough for any real page, short enough that nobody can use us as free storage.
"""

# Largest request body a collection endpoint reads; the tracker's payloads are ~200 bytes.
MAX_BODY_BYTES = 4096

MAX_PATH = 2048
MAX_REFERRER = 2048
MAX_URL = 2048
# Anchor text is cut to this length, not rejected: a long link text is still a real click.
MAX_ANCHOR_TEXT = 1024
MAX_USER_AGENT = 512
MAX_EVENT_NAME = 64
# The owner's DASHBOARD_TOKEN: long enough that guessing it is hopeless, rate limit or not.
MIN_TOKEN_LENGTH = 16
MAX_UTM_VALUE = 256

# Seconds a heartbeat may add: the tracker's schedule (see client/) sends only these.
HEARTBEAT_DELTAS = frozenset({1, 5, 30})

# outbound: a click on a link to another host; download: a link to a file; mailto / tel:
# contact links; scroll: a depth milestone (name = "25", "50", "75", "100");
# custom: a named event the owner allows in EVENT_NAMES.
EVENT_TYPES = frozenset({"outbound", "download", "mailto", "tel", "scroll", "custom"})
SCROLL_MILESTONES = frozenset({"25", "50", "75", "100"})

# Media types a beacon may carry: sendBeacon with a string sends text/plain.
BODY_MEDIA_TYPES = frozenset({"application/json", "text/plain"})

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")

# Idempotency fields the tracker adds: a heartbeat's running total of seconds and an event's
# number within its page load. A tab left visible for days still sends valid totals; the
# server ignores heartbeats more than 6 hours after the page load anyway (202).
MAX_TOTAL_SECONDS = 7 * 24 * 3600
MAX_SEQ = 1_000_000
# A heartbeat's scroll depth: the deepest point reached, in % of the page.
MAX_SCROLL_PERCENT = 100
# Events one page load may add: a person clicks a few links, downloads a file, signs up once;
# 50 is far beyond that and bounds what one uuid can add (events without `seq` are never
# deduplicated). Events also stop 6 hours after the page load, as heartbeats do.
MAX_EVENTS_PER_PAGE_LOAD = 50
# A host name (RFC 1035: at most 253 characters), as a site is named in queries and forms.
MAX_SITE = 253
