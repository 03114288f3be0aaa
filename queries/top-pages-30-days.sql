-- Top pages of the last 30 days, from the daily rollups (people only, 404s excluded).
SELECT path, SUM(views) AS views, SUM(visitors) AS daily_unique_visitors,
       ROUND(1.0 * SUM(bounces) / NULLIF(SUM(visits), 0), 2) AS bounce_rate
FROM daily_pages
WHERE day >= date((SELECT day FROM local_today), '-30 days')
GROUP BY path HAVING SUM(views) > 0
ORDER BY views DESC LIMIT 20;
