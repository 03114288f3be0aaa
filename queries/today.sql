-- Today so far, from raw rows: page views per page and class (people and bots side by side).
SELECT path, bot_class, COUNT(*) AS page_loads, SUM(seconds) AS visible_seconds
FROM pageviews
WHERE day = (SELECT day FROM local_today)
GROUP BY path, bot_class
ORDER BY page_loads DESC LIMIT 30;
