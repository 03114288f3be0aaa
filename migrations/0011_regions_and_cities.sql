-- Where a page view came from, as precisely as Plausible reports it (#20): the region
-- (ISO 3166-2, "US-MD"), its name and the city's name, from Cloudflare's request.cf, as the
-- country already is. Nothing more precise: no coordinates, no postal code, never the IP.
-- The stats API answers visit:region, visit:region_name and visit:city_name from raw rows.
ALTER TABLE pageviews ADD COLUMN region TEXT;
ALTER TABLE pageviews ADD COLUMN region_name TEXT;
ALTER TABLE pageviews ADD COLUMN city TEXT;
