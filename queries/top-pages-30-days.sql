-- Top pages of the last 30 days (today included), people only, 404s excluded. live_daily_pages:
-- the rollups for days the daily job has rolled up, raw rows for the days after them.
SELECT path, SUM(views) AS views, SUM(visitors) AS daily_unique_visitors,
       ROUND(1.0 * SUM(bounces) / NULLIF(SUM(visits), 0), 2) AS bounce_rate
FROM live_daily_pages
WHERE day >= date((SELECT day FROM local_today), '-29 days')
GROUP BY path HAVING SUM(views) > 0
ORDER BY views DESC LIMIT 20;
