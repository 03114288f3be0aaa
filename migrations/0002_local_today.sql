-- The owner's day boundary, kept in the database so saved queries (queries/*.sql) and
-- anyone running `wrangler d1 execute` can say "today" in the same days the Worker writes.
-- The maintenance job keeps `modifier` equal to DAY_UTC_OFFSET as an SQLite date modifier
-- ('+120 minutes'); until it first runs, days are UTC.
CREATE TABLE day_clock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  modifier TEXT NOT NULL
);
INSERT INTO day_clock (id, modifier) VALUES (1, '+0 minutes');

CREATE VIEW local_today AS SELECT date('now', modifier) AS day FROM day_clock;
