-- Visits and bounces per dimension value. A visit's source (channel, referrer, UTM) and device
-- facts are its entry page view's (footfall/visits.py), so every dimension can answer the
-- visit metrics the stats API and the dashboard show (visits, bounce rate), not page views
-- only. Days rolled up before this migration keep 0 here: their raw rows may be gone.
ALTER TABLE daily_dimensions ADD COLUMN visits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_dimensions ADD COLUMN bounces INTEGER NOT NULL DEFAULT 0;
ALTER TABLE monthly_dimensions ADD COLUMN visits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE monthly_dimensions ADD COLUMN bounces INTEGER NOT NULL DEFAULT 0;
