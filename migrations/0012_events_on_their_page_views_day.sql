-- An event counts on its page view's day, as goals and funnels count it (footfall/report/queries.py
-- events): a link clicked or a custom event sent after midnight on a page loaded before it used
-- to need both days to be the same, so it was in neither day's rollup and left the numbers when
-- its day was rolled up. The live view of events is made again with that rule
-- (footfall/database/live_views.py); the other live views are unchanged. Days rolled up before
-- this migration keep the counts they were rolled up with.
DROP VIEW live_daily_events;
CREATE VIEW live_daily_events AS
SELECT site, day, type, name, url, count, visitors FROM daily_events WHERE day <= (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup')
UNION ALL
SELECT * FROM (SELECT site, day, type, name, url, COUNT(*) AS count, COUNT(DISTINCT visitor) AS visitors FROM (
  SELECT p.site, p.day, e.type, COALESCE(e.name, '') AS name, COALESCE(e.url, '') AS url, p.visitor
  FROM pageviews p JOIN events e ON e.uuid = p.uuid
  WHERE p.day > (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup') AND p.bot_class IN ('person', 'ai_assistant') AND (p.status IS NULL OR p.status <> 404) AND NOT (e.type = 'scroll' AND p.scroll IS NOT NULL)
  UNION ALL
  SELECT p.site, p.day, 'scroll', m.name, '', p.visitor
  FROM pageviews p JOIN (SELECT '25' AS name, 25 AS depth UNION ALL SELECT '50', 50 UNION ALL SELECT '75', 75 UNION ALL SELECT '100', 100) m ON p.scroll >= m.depth
  WHERE p.day > (SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup') AND p.bot_class IN ('person', 'ai_assistant') AND (p.status IS NULL OR p.status <> 404)
)
GROUP BY site, day, type, name, url);
