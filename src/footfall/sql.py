"""All SQL text of the collection endpoints, with `?` placeholders only.

Each statement is one D1 round trip. The event insert checks that its page load exists in
the same statement (INSERT ... SELECT), so a spoofed uuid writes nothing and costs no extra
query; `changes` tells the handler which case it was.
"""

INSERT_PAGE_LOAD = """
INSERT INTO pageviews (uuid, site, ts, day, path, referrer, referrer_host,
                       utm_source, utm_medium, utm_campaign, utm_term, utm_content, last_ts)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (uuid) DO NOTHING
"""

# Adds visible seconds to a page load of the same site.
ADD_TIME_ON_PAGE = """
UPDATE pageviews SET seconds = seconds + ?, last_ts = ?
WHERE uuid = ? AND site = ?
"""

INSERT_EVENT = """
INSERT INTO events (uuid, site, ts, day, type, name, path, url, anchor_text, bot_class)
SELECT uuid, site, ?, ?, ?, ?, ?, ?, ?, bot_class
FROM pageviews WHERE uuid = ? AND site = ?
"""
