-- /init looks up the proxy's hit of the same page by the same visitor a moment ago (the
-- origin's status, footfall.sql INSERT_PAGE_LOAD). With (day, site, ts) that lookup read every
-- hit of the site in its 10-minute window: about 13 rows per page view at 1,000 views a day,
-- growing with traffic (D1 bills rows read). With the visitor before ts it reads one or two,
-- at any traffic. Every other reader of hits starts from (day, site), which this index still
-- serves; it replaces the old one, so an insert still writes the row and one index entry.
DROP INDEX hits_day_site_ts;
CREATE INDEX hits_day_site_visitor_ts ON hits (day, site, visitor, ts);
