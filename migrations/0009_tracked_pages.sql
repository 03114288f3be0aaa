-- Tracking coverage that compares like with like (#19): the share of the person HTML pages the
-- proxy served that the tracker reported. Per visitor, day and page, the fewer of their page
-- views and their pages served count as tracked (footfall/coverage.py), so a page shown again
-- from the browser's cache (max-age, back/forward) or an SPA navigation, which never reaches
-- the Worker, cannot lift coverage above 100 %; a reload answered 304 is a page served.
-- Days rolled up before this migration keep NULL in `tracked`: readers take the fewer of the
-- page's views and hits there. daily_totals gains the day's time-on-page histogram, for the
-- chart's median per day, week and month. The live views (footfall/live_views.py) are made
-- again with the new hits aggregation.
ALTER TABLE daily_pages ADD COLUMN tracked INTEGER;
ALTER TABLE monthly_pages ADD COLUMN tracked INTEGER;
ALTER TABLE daily_totals ADD COLUMN tracked INTEGER;
ALTER TABLE daily_totals ADD COLUMN seconds_hist TEXT;
DROP VIEW live_daily_pages;
DROP VIEW live_daily_dimensions;
DROP VIEW live_daily_events;
CREATE VIEW live_daily_pages AS
SELECT site, day, path, views, visitors, visits, bounces, seconds_sum, seconds_count, hits, not_found, COALESCE(tracked, MIN(views, hits)) AS tracked
FROM daily_pages WHERE day <= (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup')
UNION ALL
SELECT site, day, path, SUM(views), SUM(visitors), SUM(visits), SUM(bounces), SUM(seconds_sum),
       SUM(seconds_count), SUM(hits), SUM(not_found), SUM(tracked)
FROM (
  SELECT site, day, path, views, visitors, visits, bounces, seconds_sum, seconds_count, 0 AS hits, 0 AS not_found,
         0 AS tracked
  FROM (WITH pv AS (
  SELECT site, day, path, visitor, ts, seconds, internal, channel, referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content, country, browser, os, device,
         CASE WHEN LAG(last_ts) OVER w IS NULL OR ts - LAG(last_ts) OVER w > 1800000
              THEN 1 ELSE 0 END AS entry
  FROM pageviews WHERE day > (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup') AND bot_class IN ('person', 'ai_assistant') AND (status IS NULL OR status <> 404)
  WINDOW w AS (PARTITION BY site, day, visitor ORDER BY ts)
),
numbered AS (
  SELECT *, SUM(entry) OVER (PARTITION BY site, day, visitor ORDER BY ts ROWS UNBOUNDED PRECEDING) AS visit_no
  FROM pv
),
visits AS (
  SELECT site, day, visitor, visit_no, COUNT(*) AS views,
         COUNT(*) = 1 AND MAX(seconds) < 10 AS bounced
  FROM numbered GROUP BY site, day, visitor, visit_no
),
entries AS (
  SELECT n.site, n.day, n.visitor, n.path, v.views, v.bounced, CASE WHEN (n.internal = 1 OR n.channel = 'internal') THEN 'direct' ELSE n.channel END AS channel, CASE WHEN (n.internal = 1 OR n.channel = 'internal') THEN NULL ELSE n.referrer_host END AS referrer_host, CASE WHEN (n.internal = 1 OR n.channel = 'internal') THEN NULL ELSE n.utm_source END AS utm_source, CASE WHEN (n.internal = 1 OR n.channel = 'internal') THEN NULL ELSE n.utm_medium END AS utm_medium, CASE WHEN (n.internal = 1 OR n.channel = 'internal') THEN NULL ELSE n.utm_campaign END AS utm_campaign, CASE WHEN (n.internal = 1 OR n.channel = 'internal') THEN NULL ELSE n.utm_term END AS utm_term, CASE WHEN (n.internal = 1 OR n.channel = 'internal') THEN NULL ELSE n.utm_content END AS utm_content, n.country, n.browser, n.os, n.device
  FROM numbered n JOIN visits v
    ON v.site = n.site AND v.day = n.day AND v.visitor IS n.visitor AND v.visit_no = n.visit_no
  WHERE n.entry = 1
),
entry_pages AS (
  SELECT site, day, path, COUNT(*) AS visits, SUM(bounced) AS bounces FROM entries GROUP BY site, day, path
),
hist AS (
  SELECT site, day, path, json_group_object(seconds, n) AS seconds_hist
  FROM (SELECT site, day, path, seconds, COUNT(*) AS n FROM pv GROUP BY site, day, path, seconds)
  GROUP BY site, day, path
),
agg AS (
  SELECT site, day, path, COUNT(*) AS views, COUNT(DISTINCT visitor) AS visitors,
         SUM(seconds) AS seconds_sum, SUM(seconds > 0) AS seconds_count
  FROM pv GROUP BY site, day, path
)
SELECT a.site, a.day, a.path, a.views, a.visitors, COALESCE(e.visits, 0) AS visits,
       COALESCE(e.bounces, 0) AS bounces, a.seconds_sum, a.seconds_count, h.seconds_hist
FROM agg a JOIN hist h ON h.site = a.site AND h.day = a.day AND h.path = a.path
LEFT JOIN entry_pages e ON e.site = a.site AND e.day = a.day AND e.path = a.path)
  UNION ALL
  SELECT site, day, path, 0, 0, 0, 0, 0, 0, hits, not_found, tracked FROM (SELECT site, day, path, SUM(h) AS hits, SUM(nf) AS not_found, SUM(MIN(h, v)) AS tracked
FROM (
  SELECT site, day, path, visitor, SUM(h) AS h, SUM(nf) AS nf, SUM(v) AS v
  FROM (
    SELECT site, day, path, visitor, (status BETWEEN 200 AND 299 OR status = 304) AS h, status = 404 AS nf, 0 AS v
    FROM hits WHERE day > (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup') AND bot_class IN ('person', 'ai_assistant')
    UNION ALL
    SELECT site, day, path, visitor, 0, 0, 1 FROM pageviews WHERE day > (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup') AND bot_class IN ('person', 'ai_assistant') AND (status IS NULL OR status <> 404)
  )
  GROUP BY site, day, path, visitor
)
GROUP BY site, day, path
HAVING SUM(h) + SUM(nf) > 0)
)
GROUP BY site, day, path;
CREATE VIEW live_daily_dimensions AS
SELECT site, day, dimension, value, views, visitors, visits, bounces FROM daily_dimensions WHERE day <= (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup')
UNION ALL
SELECT * FROM (WITH pv AS (
  SELECT site, day, path, visitor, ts, seconds, internal, channel, referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content, country, browser, os, device,
         CASE WHEN LAG(last_ts) OVER w IS NULL OR ts - LAG(last_ts) OVER w > 1800000
              THEN 1 ELSE 0 END AS entry
  FROM pageviews WHERE day > (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup') AND bot_class IN ('person', 'ai_assistant') AND (status IS NULL OR status <> 404)
  WINDOW w AS (PARTITION BY site, day, visitor ORDER BY ts)
),
numbered AS (
  SELECT *, SUM(entry) OVER (PARTITION BY site, day, visitor ORDER BY ts ROWS UNBOUNDED PRECEDING) AS visit_no
  FROM pv
),
visits AS (
  SELECT site, day, visitor, visit_no, COUNT(*) AS views,
         COUNT(*) = 1 AND MAX(seconds) < 10 AS bounced
  FROM numbered GROUP BY site, day, visitor, visit_no
),
entries AS (
  SELECT n.site, n.day, n.visitor, n.path, v.views, v.bounced, CASE WHEN (n.internal = 1 OR n.channel = 'internal') THEN 'direct' ELSE n.channel END AS channel, CASE WHEN (n.internal = 1 OR n.channel = 'internal') THEN NULL ELSE n.referrer_host END AS referrer_host, CASE WHEN (n.internal = 1 OR n.channel = 'internal') THEN NULL ELSE n.utm_source END AS utm_source, CASE WHEN (n.internal = 1 OR n.channel = 'internal') THEN NULL ELSE n.utm_medium END AS utm_medium, CASE WHEN (n.internal = 1 OR n.channel = 'internal') THEN NULL ELSE n.utm_campaign END AS utm_campaign, CASE WHEN (n.internal = 1 OR n.channel = 'internal') THEN NULL ELSE n.utm_term END AS utm_term, CASE WHEN (n.internal = 1 OR n.channel = 'internal') THEN NULL ELSE n.utm_content END AS utm_content, n.country, n.browser, n.os, n.device
  FROM numbered n JOIN visits v
    ON v.site = n.site AND v.day = n.day AND v.visitor IS n.visitor AND v.visit_no = n.visit_no
  WHERE n.entry = 1
),
attributed AS (
  SELECT e.site, e.day, d.value AS dimension, CASE d.value WHEN 'channel' THEN e.channel WHEN 'referrer_host' THEN e.referrer_host WHEN 'utm_source' THEN e.utm_source WHEN 'utm_medium' THEN e.utm_medium WHEN 'utm_campaign' THEN e.utm_campaign WHEN 'utm_term' THEN e.utm_term WHEN 'utm_content' THEN e.utm_content WHEN 'country' THEN e.country WHEN 'browser' THEN e.browser WHEN 'os' THEN e.os WHEN 'device' THEN e.device ELSE 'all' END AS value, e.visitor, e.views, e.bounced
  FROM entries e, json_each('["channel", "referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "country", "browser", "os", "device", "total"]') d
)
SELECT site, day, dimension, value, SUM(views) AS views, COUNT(DISTINCT visitor) AS visitors,
       COUNT(*) AS visits, SUM(bounced) AS bounces
FROM attributed WHERE value IS NOT NULL
GROUP BY site, day, dimension, value)
UNION ALL
SELECT site, day, dimension, value, views, visitors, 0, 0 FROM (SELECT site, day, 'class' AS dimension, COALESCE(bot_class, 'unknown') AS value, COUNT(*) AS views, COUNT(DISTINCT visitor) AS visitors FROM pageviews WHERE day > (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup') GROUP BY site, day, bot_class)
UNION ALL
SELECT site, day, dimension, value, views, visitors, 0, 0 FROM (SELECT site, day, 'hit_class' AS dimension, COALESCE(bot_class, 'unknown') AS value, COUNT(*) AS views, COUNT(DISTINCT visitor) AS visitors FROM hits WHERE day > (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup') GROUP BY site, day, bot_class)
UNION ALL
SELECT site, day, dimension, value, views, visitors, 0, 0 FROM (SELECT site, day, 'bot_page' AS dimension, bot_class || ' ' || path AS value, COUNT(*) AS views, COUNT(DISTINCT visitor) AS visitors FROM hits WHERE day > (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup') AND bot_class NOT IN ('person', 'ai_assistant') GROUP BY site, day, bot_class, path);
CREATE VIEW live_daily_events AS
SELECT site, day, type, name, url, count, visitors FROM daily_events WHERE day <= (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup')
UNION ALL
SELECT * FROM (SELECT site, day, type, name, url, COUNT(*) AS count, COUNT(DISTINCT visitor) AS visitors FROM (
  SELECT e.site, e.day, e.type, COALESCE(e.name, '') AS name, COALESCE(e.url, '') AS url, p.visitor
  FROM events e JOIN pageviews p ON p.uuid = e.uuid
  WHERE e.day > (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup') AND p.day > (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup') AND p.bot_class IN ('person', 'ai_assistant') AND (p.status IS NULL OR p.status <> 404) AND NOT (e.type = 'scroll' AND p.scroll IS NOT NULL)
  UNION ALL
  SELECT p.site, p.day, 'scroll', m.name, '', p.visitor
  FROM pageviews p JOIN (SELECT '25' AS name, 25 AS depth UNION ALL SELECT '50', 50 UNION ALL SELECT '75', 75 UNION ALL SELECT '100', 100) m ON p.scroll >= m.depth
  WHERE p.day > (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup') AND p.bot_class IN ('person', 'ai_assistant') AND (p.status IS NULL OR p.status <> 404)
)
GROUP BY site, day, type, name, url);
