-- Scroll depth travels with the time on page: the tracker's heartbeat carries the deepest
-- point reached (0-100 % of the page), stored on the page load's own row by the same UPDATE,
-- so scrolling costs no request and no row written of its own. NULL: never reported (the
-- original clients send scroll milestones as events instead, and those still count).
ALTER TABLE pageviews ADD COLUMN scroll INTEGER;
