"""All SQL text of the request path, with placeholders only (no value is ever formatted in).

Each collection request is one statement, one D1 round trip:
- /init inserts the page load; a retried beacon (same uuid) changes nothing. The origin's
  status for the path comes from the proxy's hit for the same visitor a moment ago, in a
  sub-select of the same statement (a 404 page's tracker stores a row flagged 404).
- /heartbeat adds seconds, capped by the wall-clock time since /init plus one heartbeat
  interval; after HEARTBEAT_WINDOW_MS it changes nothing and says so (RETURNING accepted).
  When the tracker sends its running total, the stored time becomes the largest total seen,
  so a duplicated or reordered beacon changes nothing; without it, the delta is added. The
  deepest scroll point reported is kept the same way (the largest seen).
- /event inserts only when its page load exists on the same site (INSERT ... SELECT), keyed
  by (uuid, seq): a repeated event updates nothing but still finds its row (changes = 1).
  Within 6 hours of the page load and up to MAX_EVENTS_PER_PAGE_LOAD events; 0 changes is
  then explained by one more read (EVENT_REFUSAL), on that path only.
"""

from footfall.collect.limits import MAX_EVENTS_PER_PAGE_LOAD
from footfall.days import HEARTBEAT_WINDOW_MS

# How far back /init looks for the proxy's hit of the same page (the page, then its script,
# then the beacon: seconds at most; minutes allow slow connections).
HIT_LOOKBACK_MS = 10 * 60 * 1000
HEARTBEAT_SLACK_SECONDS = 30  # one heartbeat interval

INSERT_PAGE_LOAD = """
INSERT INTO pageviews (uuid, site, ts, day, path, referrer, referrer_host, internal, channel,
                       utm_source, utm_medium, utm_campaign, utm_term, utm_content,
                       visitor, country, browser, os, device, bot_class, bot_score, bot_reasons,
                       status, last_ts, region, region_name, city)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
        ?20, ?21, ?22,
        (SELECT status FROM hits
         WHERE day IN (?24, ?4) AND site = ?2 AND ts >= ?23 AND path = ?5 AND visitor = ?15
         ORDER BY ts DESC LIMIT 1),
        ?3, ?25, ?26, ?27)
ON CONFLICT (uuid) DO NOTHING
"""

ADD_TIME_ON_PAGE = f"""
UPDATE pageviews SET
  seconds = CASE WHEN ?1 - ts > {HEARTBEAT_WINDOW_MS} THEN seconds
                 ELSE MAX(seconds, MIN(COALESCE(?5, seconds + ?2),
                                       CAST((?1 - ts) / 1000 AS INTEGER) + {HEARTBEAT_SLACK_SECONDS})) END,
  scroll = CASE WHEN ?1 - ts > {HEARTBEAT_WINDOW_MS} OR ?6 IS NULL THEN scroll
                ELSE MAX(COALESCE(scroll, 0), ?6) END,
  last_ts = CASE WHEN ?1 - ts > {HEARTBEAT_WINDOW_MS} THEN last_ts ELSE ?1 END
WHERE uuid = ?3 AND site = ?4
RETURNING ?1 - ts <= {HEARTBEAT_WINDOW_MS} AS accepted
"""

# An event is stored only within HEARTBEAT_WINDOW_MS of its page load and while the page load
# has fewer than MAX_EVENTS_PER_PAGE_LOAD events (a repeated event is still found). Counting
# reads at most that many entries of the events primary key.
INSERT_EVENT = f"""
INSERT INTO events (uuid, seq, site, ts, day, type, name, path, url, anchor_text, bot_class, props)
SELECT uuid, ?1, site, ?2, ?3, ?4, ?5, ?6, ?7, ?8, bot_class, ?11
FROM pageviews
WHERE uuid = ?9 AND site = ?10 AND ?2 - ts <= {HEARTBEAT_WINDOW_MS}
  AND ((SELECT COUNT(*) FROM events WHERE uuid = ?9) < {MAX_EVENTS_PER_PAGE_LOAD}
       OR EXISTS (SELECT 1 FROM events WHERE uuid = ?9 AND seq = ?1))
ON CONFLICT (uuid, seq) DO UPDATE SET seq = excluded.seq
"""

# Why an event changed nothing (read only then): no page load (401), or one that is too old or
# has all the events it may have (202).
EVENT_REFUSAL = f"""
SELECT ?1 - ts > {HEARTBEAT_WINDOW_MS} AS too_old, (SELECT COUNT(*) FROM events WHERE uuid = ?2) AS events
FROM pageviews WHERE uuid = ?2 AND site = ?3
"""

INSERT_HIT = """
INSERT INTO hits (site, ts, day, path, status, visitor, country, bot_class, bot_score, bot_reasons)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

CREATE_SALT = "INSERT INTO salts (day, salt) VALUES (?, ?) ON CONFLICT (day) DO NOTHING"
READ_SALT = "SELECT salt FROM salts WHERE day = ?"

# The owner's session generation (migrations/0008): read for each session cookie presented,
# moved on by a logout.
READ_SESSION_GENERATION = "SELECT generation FROM owner_session WHERE id = 1"
NEXT_SESSION_GENERATION = "UPDATE owner_session SET generation = generation + 1 WHERE id = 1 RETURNING generation"
