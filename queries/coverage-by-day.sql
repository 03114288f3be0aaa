-- Tracking coverage per day: page views the tracker reported / person HTML pages the proxy
-- served. Below 1: visitors with JavaScript off or an ad blocker.
SELECT day, SUM(views) AS tracked_page_views, SUM(hits) AS pages_served,
       ROUND(1.0 * SUM(views) / NULLIF(SUM(hits), 0), 3) AS coverage
FROM live_daily_pages
WHERE day >= date((SELECT day FROM local_today), '-29 days')
GROUP BY day ORDER BY day;
