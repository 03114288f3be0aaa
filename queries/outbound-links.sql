-- Outbound links, downloads and contact links clicked in the last 30 days.
SELECT type, url, SUM(count) AS clicks, SUM(visitors) AS daily_unique_visitors
FROM live_daily_events
WHERE type IN ('outbound', 'download', 'mailto', 'tel') AND day >= date((SELECT day FROM local_today), '-29 days')
GROUP BY type, url ORDER BY clicks DESC LIMIT 30;
