-- Goals in the last 30 days: daily unique visitors who converted, conversions, and the share of
-- the days' visitors. Days the daily job has rolled up (daily_goals; today and yesterday
-- until the job's run are on the dashboard and in the stats API's event:goal).
SELECT g.goal, SUM(g.visitors) AS visitors, SUM(g.conversions) AS conversions,
       ROUND(100.0 * SUM(g.visitors) / (SELECT SUM(t.visitors) FROM daily_totals t
                                        WHERE t.site = g.site AND t.day >= date((SELECT day FROM local_today), '-29 days')), 2)
         AS conversion_rate
FROM daily_goals g
WHERE g.day >= date((SELECT day FROM local_today), '-29 days')
GROUP BY g.site, g.goal ORDER BY visitors DESC;
