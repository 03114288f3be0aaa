"""The scheduled job (cron trigger in wrangler.toml): rollups, salts, retention, in order,
on the store port (entry.py's `scheduled` hands it D1).

Bounded work per run: at most MAX_DAYS_PER_RUN days rolled up, at most MAX_PURGE_ROUNDS
deletes of PURGE_BATCH rows per table. Whatever is left is picked up by the next run.
"""

from footfall.database import rollups, storage
from footfall.database.store import Statement, StorageError, Store
from footfall.days import last_closed_day, local_day
from footfall.log import log
from footfall.report import funnels, goals, insights
from footfall.settings import Settings

# The variables the job reads: under a misread day boundary or retention it would roll up or
# purge the wrong days, so it stops. A bad variable of another kind (CORS_ORIGINS, a short
# token) must not stop it: salts would outlive their two days and raw rows their retention.
JOB_SETTINGS = frozenset({"DAY_UTC_OFFSET", "TIMEZONE", "RETENTION_DAYS"})


async def run(store: Store, settings: Settings, now_ms: int) -> dict:
    for problem in settings.problems:
        if problem.setting in JOB_SETTINGS:
            raise problem
    state = {r["task"]: r for r in (await store.execute(Statement("read_state", rollups.READ_STATE, ()))).rows}
    copied = state.get("copy")
    if copied is not None and now_ms - copied["updated_ts"] < rollups.COPY_QUIET_MS:
        log("info", "maintenance deferred: a copy between stores is writing", copy_wrote_ms=copied["updated_ts"])
        return {"deferred": "copy"}
    offset = settings.day_offset_minutes
    await store.execute(Statement("set_day_clock", rollups.SET_DAY_CLOCK, (rollups.day_modifier(offset),)))
    closed = last_closed_day(now_ms, offset)
    done = state["rollup"]["done_until"] if "rollup" in state else ""
    if done > closed:
        # The day boundary moved west (TIMEZONE, DAY_UTC_OFFSET): a day rolled up under the old
        # one is open again and takes new rows. Back to raw rows until it closes once more.
        await store.batch(rollups.unroll_after(closed, now_ms))
        log("info", "rollups undone: the day boundary moved back", done_until=done, closed=closed)
        done = closed

    found = await store.execute(Statement("days_with_data", rollups.DAYS_WITH_DATA, (done, closed)))
    days = [row["day"] for row in found.rows][: rollups.MAX_DAYS_PER_RUN]
    defined = insights.Definitions([], [])
    if days:  # the goals and funnels to roll up with each day
        goal_rows, funnel_rows = await store.batch(
            [Statement("goals", goals.DEFINITIONS, ()), Statement("funnels", funnels.DEFINITIONS, ())]
        )
        defined = insights.definitions(goal_rows.rows, funnel_rows.rows, settings.goals)
    failed: StorageError | None = None
    rolled: list[str] = []
    for day in days:
        try:
            await store.batch(rollups.rollup_day(day, now_ms, defined))
        except StorageError as exc:
            # A full database refuses the rollup's inserts, run after run. The purges below
            # only delete (days rolled up already) and make room for the next run: they run
            # first, then this is raised (if storage is down they fail alike, and say so).
            failed = exc
            break
        rolled.append(day)
    if failed is None and len(found.rows) <= rollups.MAX_DAYS_PER_RUN and closed > (days[-1] if days else done):
        # Days without any data up to `closed` are done too.
        await store.execute(Statement("mark_done", rollups.MARK_DONE, (closed, now_ms)))
        done = closed
    elif rolled:
        done = rolled[-1]

    salts = await store.execute(
        Statement("delete_old_salts", rollups.DELETE_OLD_SALTS, (rollups.salt_cutoff(now_ms, offset),))
    )
    size = salts.size_after
    purged = {}
    cutoff = rollups.purge_cutoff(now_ms, offset, settings.retention_days)
    for name, sql in rollups.PURGES:
        purged[name] = 0
        for _ in range(rollups.MAX_PURGE_ROUNDS):
            result = await store.execute(Statement(name, sql, (cutoff, done)))
            purged[name] += result.changes
            size = result.size_after
            if result.changes < rollups.PURGE_BATCH:
                break

    # Today's size, for the dashboard's "full in about N days" (footfall.database.storage).
    await store.execute(Statement("log_storage", storage.WRITE_LOG, (local_day(now_ms, offset), size)))
    summary = {"rolled_up": rolled, "done_until": done, "salts_deleted": salts.changes, **purged, "bytes": size}
    if failed is not None:
        log("error", "rollup failed; old rows purged all the same", reason=str(failed), **summary)
        raise failed
    log("info", "maintenance finished", **summary)
    return summary
