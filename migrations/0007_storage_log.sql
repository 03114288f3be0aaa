-- The database's size, once a day (the daily job writes today's row on each run): the
-- dashboard shows the size against the plan's cap (DB_SIZE_CAP_MB) and, from the growth of
-- the last days, when the database would be full (footfall/storage.py). One row a day.
CREATE TABLE storage_log (
    day          TEXT    PRIMARY KEY,         -- local day
    bytes        INTEGER NOT NULL             -- D1's own size after the job's last statement
) WITHOUT ROWID;
