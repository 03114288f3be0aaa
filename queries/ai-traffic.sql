-- AI in the last 30 days: people arriving from AI assistants (channel "ai"), assistants
-- fetching pages for a person, and AI crawlers, per page.
SELECT 'people from AI assistants' AS what, value AS detail, SUM(views) AS count
FROM live_daily_dimensions WHERE dimension = 'channel' AND value = 'ai' AND day >= date((SELECT day FROM local_today), '-29 days')
GROUP BY value
UNION ALL
SELECT 'AI by class, server hits', value, SUM(views)
FROM live_daily_dimensions WHERE dimension = 'hit_class' AND value IN ('ai_assistant', 'ai_crawler')
  AND day >= date((SELECT day FROM local_today), '-29 days')
GROUP BY value
UNION ALL
SELECT 'AI crawler hits per page', value, SUM(views)
FROM live_daily_dimensions WHERE dimension = 'bot_page' AND value LIKE 'ai_crawler %' AND day >= date((SELECT day FROM local_today), '-29 days')
GROUP BY value;
