-- Tracking coverage per day: the person HTML pages the proxy served (304s to a revalidating
-- browser included) that the tracker reported. Matched per visitor and page (footfall/report/coverage.py),
-- so pages shown again from the browser's cache never lift it above 1. Below 1: visitors with
-- JavaScript off or an ad blocker.
SELECT day, SUM(tracked) AS tracked_pages, SUM(hits) AS pages_served,
       ROUND(1.0 * SUM(tracked) / NULLIF(SUM(hits), 0), 3) AS coverage
FROM live_daily_pages
WHERE day >= date((SELECT day FROM local_today), '-29 days')
GROUP BY day ORDER BY day;
