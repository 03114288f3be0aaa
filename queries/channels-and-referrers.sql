-- Where people came from in the last 30 days: channels, then referring hosts.
SELECT dimension, value, SUM(views) AS views, SUM(visitors) AS daily_unique_visitors
FROM live_daily_dimensions
WHERE dimension IN ('channel', 'referrer_host') AND day >= date((SELECT day FROM local_today), '-29 days')
GROUP BY dimension, value
ORDER BY dimension, views DESC;
