-- Where visits ended in the last 30 days (days the daily job has rolled up), and the share
-- of each page's views that were a visit's last.
SELECT path, SUM(exits) AS exits, ROUND(100.0 * SUM(exits) / SUM(views), 1) AS exit_rate
FROM daily_pages
WHERE day >= date((SELECT day FROM local_today), '-29 days') AND views > 0
GROUP BY path HAVING SUM(exits) > 0 ORDER BY exits DESC LIMIT 30;
