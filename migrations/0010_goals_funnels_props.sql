-- The owner's next questions (#15): goals and their conversions, funnels, event properties,
-- exit pages. Definitions live here so the owner changes them from the dashboard without a
-- redeploy (the GOALS variable adds goals of its own; footfall/goals.py). The daily job rolls
-- up each finished day per goal, funnel step and property value (footfall/insights.py), so the
-- dashboard reads past days from these rows, never from raw ones.

-- A goal: a page path (`*` matches any characters) or a custom event's name. `site` is the
-- host it counts on. `from_day`: the first day counted (when the goal was added, its past was
-- counted again from the raw rows still kept; days before those have no conversions for it).
CREATE TABLE goals (
    site         TEXT    NOT NULL,
    name         TEXT    NOT NULL,            -- "Visit /thanks/" or the event's name
    kind         TEXT    NOT NULL,            -- page, event
    pattern      TEXT    NOT NULL,            -- the path (with * wildcards) or the event name
    from_day     TEXT    NOT NULL,
    PRIMARY KEY (site, name)
) WITHOUT ROWID;

-- A funnel: 2 to 8 goals, by name, in order (JSON list).
CREATE TABLE funnels (
    site         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    steps        TEXT    NOT NULL,
    from_day     TEXT    NOT NULL,
    PRIMARY KEY (site, name)
) WITHOUT ROWID;

-- Per day and goal: the daily unique visitors who converted, and the conversions (matching
-- page views and custom events).
CREATE TABLE daily_goals (
    site         TEXT    NOT NULL,
    day          TEXT    NOT NULL,
    goal         TEXT    NOT NULL,
    visitors     INTEGER NOT NULL,
    conversions  INTEGER NOT NULL,
    PRIMARY KEY (site, day, goal)
) WITHOUT ROWID;

-- Per day, funnel and step (1..8): the daily unique visitors who reached that step in order.
CREATE TABLE daily_funnels (
    site         TEXT    NOT NULL,
    day          TEXT    NOT NULL,
    funnel       TEXT    NOT NULL,
    step         INTEGER NOT NULL,
    visitors     INTEGER NOT NULL,
    PRIMARY KEY (site, day, funnel, step)
) WITHOUT ROWID;

-- A custom event's properties ({"plan": "pro"}), the owner's data: validated on the way in
-- (footfall/props.py: a few scalar values, nothing that looks like an e-mail address).
ALTER TABLE events ADD COLUMN props TEXT;

-- Per day, event and property value: events and their daily unique visitors.
CREATE TABLE daily_props (
    site         TEXT    NOT NULL,
    day          TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    count        INTEGER NOT NULL,
    visitors     INTEGER NOT NULL,
    PRIMARY KEY (site, day, type, name, key, value)
) WITHOUT ROWID;

-- Visits that ended on a page (their last page view). Days rolled up before this migration
-- keep 0: their exits are unknown.
ALTER TABLE daily_pages ADD COLUMN exits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE monthly_pages ADD COLUMN exits INTEGER NOT NULL DEFAULT 0;
