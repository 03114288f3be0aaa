-- Pages people asked for that the origin answered 404, last 30 days.
SELECT path, SUM(not_found) AS hits
FROM live_daily_pages
WHERE not_found > 0 AND day >= date((SELECT day FROM local_today), '-29 days')
GROUP BY path ORDER BY hits DESC LIMIT 30;
