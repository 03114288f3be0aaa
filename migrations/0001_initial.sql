-- footfall's data model. Raw rows (pageviews, events, hits) are kept for RETENTION_DAYS and
-- rolled up daily into the daily_* tables, which are kept forever. Every row carries `site`
-- (the request's host), so one deployment can serve several domains.
--
-- Times are Unix milliseconds, UTC. `day` is the local calendar day ('YYYY-MM-DD') under the
-- configured UTC offset, stored so rollups and hand-written queries need no date arithmetic.
-- Each index is one more row written per insert in D1's billing, so each raw table has one:
-- (day, site, ts). Every reader starts from a day range: the daily job (one day, all sites),
-- the dashboard (today, one site; realtime adds ts), retention (days before a cutoff).

-- One row per page load the tracker reported (POST /init), keyed by the browser's random uuid.
-- WITHOUT ROWID: the uuid is the table's own key, so an insert writes the row plus one index
-- entry, and /heartbeat and /event find the row by uuid without a second index.
CREATE TABLE pageviews (
    uuid         TEXT    NOT NULL PRIMARY KEY,
    site         TEXT    NOT NULL,
    ts           INTEGER NOT NULL,            -- when /init arrived
    day          TEXT    NOT NULL,
    path         TEXT    NOT NULL,
    referrer     TEXT,                        -- scheme://host/path, no query or fragment
    referrer_host TEXT,
    internal     INTEGER NOT NULL DEFAULT 0,  -- 1: the referrer is the site itself
    channel      TEXT,                        -- direct, search, social, ai, email, referral, campaign
    utm_source   TEXT,
    utm_medium   TEXT,
    utm_campaign TEXT,
    utm_term     TEXT,
    utm_content  TEXT,
    visitor      TEXT,                        -- truncated salted hash; never an IP
    country      TEXT,
    browser      TEXT,
    os           TEXT,
    device       TEXT,                        -- desktop, mobile, tablet
    bot_class    TEXT,                        -- person, ai_assistant, ai_crawler, search_crawler, other_bot, automation
    bot_score    INTEGER,                     -- 0 (person) .. 100 (certainly a bot)
    bot_reasons  TEXT,
    status       INTEGER,                     -- the origin's status for this path, when the proxy saw it
    seconds      INTEGER NOT NULL DEFAULT 0,  -- visible time on page
    last_ts      INTEGER NOT NULL             -- last /init or /heartbeat, caps time on page
) WITHOUT ROWID;
CREATE INDEX pageviews_day_site_ts ON pageviews (day, site, ts);

-- Events on a page load (POST /event): outbound clicks, downloads, contact links, scroll
-- depth, custom events. Inserted only when the page load exists (one statement, no SELECT first).
-- Keyed by (uuid, seq): seq numbers the page load's events in the tracker, so a retried or
-- duplicated beacon finds its row already there and is not counted twice.
CREATE TABLE events (
    uuid         TEXT    NOT NULL,            -- the page load it belongs to
    seq          INTEGER NOT NULL,
    site         TEXT    NOT NULL,
    ts           INTEGER NOT NULL,
    day          TEXT    NOT NULL,
    type         TEXT    NOT NULL,            -- outbound, download, mailto, tel, scroll, custom
    name         TEXT,                        -- scroll milestone or custom event name
    path         TEXT    NOT NULL,
    url          TEXT,                        -- link target
    anchor_text  TEXT,
    bot_class    TEXT,
    PRIMARY KEY (uuid, seq)
) WITHOUT ROWID;
CREATE INDEX events_day_site_ts ON events (day, site, ts);

-- Server-side hits: one per HTML response the proxy served, logged in ctx.waitUntil.
-- Sees visitors without JavaScript, crawlers, and the origin's status code (404s).
CREATE TABLE hits (
    id           INTEGER PRIMARY KEY,
    site         TEXT    NOT NULL,
    ts           INTEGER NOT NULL,
    day          TEXT    NOT NULL,
    path         TEXT    NOT NULL,
    status       INTEGER NOT NULL,
    visitor      TEXT,
    country      TEXT,
    bot_class    TEXT,
    bot_score    INTEGER,
    bot_reasons  TEXT
);
CREATE INDEX hits_day_site_ts ON hits (day, site, ts);

-- The random daily salt behind visitor ids; deleted two days after its day.
CREATE TABLE salts (
    day          TEXT    NOT NULL PRIMARY KEY,
    salt         TEXT    NOT NULL             -- 64 hex digits (32 random bytes)
) WITHOUT ROWID;

-- Daily rollups, kept forever. One row per (site, day, page).
CREATE TABLE daily_pages (
    site         TEXT    NOT NULL,
    day          TEXT    NOT NULL,
    path         TEXT    NOT NULL,
    views        INTEGER NOT NULL,
    visitors     INTEGER NOT NULL,            -- daily unique visitors
    visits       INTEGER NOT NULL,            -- visits that entered on this page
    bounces      INTEGER NOT NULL,
    seconds_sum  INTEGER NOT NULL,
    seconds_count INTEGER NOT NULL,
    seconds_hist TEXT    NOT NULL,            -- JSON histogram of time on page, for medians
    hits         INTEGER NOT NULL DEFAULT 0,  -- person HTML hits the proxy served (coverage)
    not_found    INTEGER NOT NULL DEFAULT 0,  -- 404 hits
    PRIMARY KEY (site, day, path)
) WITHOUT ROWID;

-- Daily counts per dimension value: referrer, referrer_host, channel, utm_*, country,
-- browser, os, device, bot_class. One table instead of twelve keeps the rollup job and the
-- dashboard's queries uniform.
CREATE TABLE daily_dimensions (
    site         TEXT    NOT NULL,
    day          TEXT    NOT NULL,
    dimension    TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    views        INTEGER NOT NULL,
    visitors     INTEGER NOT NULL,
    PRIMARY KEY (site, day, dimension, value)
) WITHOUT ROWID;

-- Daily event counts per type, name and target.
CREATE TABLE daily_events (
    site         TEXT    NOT NULL,
    day          TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    name         TEXT    NOT NULL DEFAULT '',
    url          TEXT    NOT NULL DEFAULT '',
    count        INTEGER NOT NULL,
    visitors     INTEGER NOT NULL,
    PRIMARY KEY (site, day, type, name, url)
) WITHOUT ROWID;

-- One row per site and day: the totals behind the dashboard's daily chart, so a year's chart
-- reads 365 rows.
CREATE TABLE daily_totals (
    site         TEXT    NOT NULL,
    day          TEXT    NOT NULL,
    views        INTEGER NOT NULL,
    visitors     INTEGER NOT NULL,            -- daily unique visitors
    visits       INTEGER NOT NULL,
    bounces      INTEGER NOT NULL,
    seconds_sum  INTEGER NOT NULL,
    seconds_count INTEGER NOT NULL,
    hits         INTEGER NOT NULL,
    not_found    INTEGER NOT NULL,
    PRIMARY KEY (site, day)
) WITHOUT ROWID;

-- Monthly rollups ('YYYY-MM'), summed from the daily ones when a day is rolled up: long ranges
-- read one row per page and month instead of one per page and day. Visitors are daily unique
-- visitors summed over the month's days, as everywhere.
CREATE TABLE monthly_pages (
    site         TEXT    NOT NULL,
    month        TEXT    NOT NULL,
    path         TEXT    NOT NULL,
    views        INTEGER NOT NULL,
    visitors     INTEGER NOT NULL,
    visits       INTEGER NOT NULL,
    bounces      INTEGER NOT NULL,
    seconds_sum  INTEGER NOT NULL,
    seconds_count INTEGER NOT NULL,
    seconds_hist TEXT    NOT NULL,
    hits         INTEGER NOT NULL,
    not_found    INTEGER NOT NULL,
    PRIMARY KEY (site, month, path)
) WITHOUT ROWID;

CREATE TABLE monthly_dimensions (
    site         TEXT    NOT NULL,
    month        TEXT    NOT NULL,
    dimension    TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    views        INTEGER NOT NULL,
    visitors     INTEGER NOT NULL,
    PRIMARY KEY (site, month, dimension, value)
) WITHOUT ROWID;

CREATE TABLE monthly_events (
    site         TEXT    NOT NULL,
    month        TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    name         TEXT    NOT NULL DEFAULT '',
    url          TEXT    NOT NULL DEFAULT '',
    count        INTEGER NOT NULL,
    visitors     INTEGER NOT NULL,
    PRIMARY KEY (site, month, type, name, url)
) WITHOUT ROWID;

-- The sites this deployment has seen (filled by the daily job), for the dashboard's picker.
CREATE TABLE sites (
    site         TEXT    NOT NULL PRIMARY KEY,
    first_day    TEXT    NOT NULL
) WITHOUT ROWID;

-- What the maintenance job has finished, so a run that failed half-way resumes where it stopped.
CREATE TABLE maintenance (
    task         TEXT    NOT NULL PRIMARY KEY,  -- e.g. 'rollup'
    done_until   TEXT    NOT NULL,              -- last day fully processed
    updated_ts   INTEGER NOT NULL
) WITHOUT ROWID;
