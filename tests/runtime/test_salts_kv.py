"""The daily salts in the runtime (issue 14, item 8): in Workers KV (wrangler.toml's SALTS
binding, the local KV of getPlatformProxy) with an expiration two hours after their day
ends, and never in D1. Before, the daily job deleted old salts from D1, yet every deleted salt
was still in the local SQLite/WAL files (and D1's Time Travel keeps deleted rows restorable
for up to 30 days): each one reproduced that day's visitor ids."""

import json
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest

from footfall.collect import visitors
from footfall.days import local_day
from support.d1 import LocalDatabase
from support.http import Visitor, new_uuid, request
from support.processes import NPX, ROOT, apply_migrations, start_worker, wait_until

SITE = "salts.test"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
IP = "198.51.100.77"


def kv(state, *args: str):
    out = subprocess.run(
        [*NPX, "wrangler", "kv", "key", *args, "--binding", "SALTS", "--local", "--persist-to", str(state)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


@pytest.fixture(scope="module")
def after_the_daily_job(tmp_path_factory, origin):
    """A Worker with its own D1 and KV: a person browses (real time), then the daily job runs."""
    state = tmp_path_factory.mktemp("salts")
    apply_migrations(state)
    proc, url = start_worker(state, {"ORIGIN_URL": origin})
    today = local_day(int(time.time() * 1000))
    me = Visitor(url, SITE, {"User-Agent": UA, "Accept-Language": "en", "CF-Connecting-IP": IP})
    assert me.get("/", headers={"Sec-Fetch-Dest": "document"}).status == 200
    assert me.beacon("init", {"uuid": new_uuid(), "page": "/"}).status == 204
    db = LocalDatabase(state)
    assert wait_until(lambda: db.query("SELECT 1 FROM hits WHERE site = ?", (SITE,)))
    assert request(url, "GET", "/__scheduled").status == 200
    proc.stop()  # the files as they are at rest, WAL included
    if local_day(int(time.time() * 1000)) != today:
        pytest.skip("ran across midnight UTC: the day's keys moved on")
    yield state, db, today


def test_salts_are_in_kv_with_an_expiration_two_hours_after_their_day(after_the_daily_job):
    state, _, today = after_the_daily_job
    keys = {k["name"]: k.get("expiration") for k in json.loads(kv(state, "list"))}
    tomorrow = (datetime.fromisoformat(today) + timedelta(days=1)).date().isoformat()
    assert set(keys) == {f"salt:{today}", f"salt:{tomorrow}"}  # the daily job wrote tomorrow's ahead
    for day in (today, tomorrow):
        end = datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(days=1, hours=2)
        assert keys[f"salt:{day}"] == int(end.timestamp())


def test_the_salt_in_use_is_the_one_in_kv(after_the_daily_job):
    state, db, today = after_the_daily_job
    salt = kv(state, "get", f"salt:{today}").strip()
    expected = visitors.salted_id(bytes.fromhex(salt), SITE, IP, UA)
    assert {r["visitor"] for r in db.query("SELECT visitor FROM pageviews WHERE site = ?", (SITE,))} == {expected}


def test_no_salt_is_anywhere_in_the_d1_files_after_the_daily_job(after_the_daily_job):
    state, db, _ = after_the_daily_job
    assert db.query("SELECT COUNT(*) AS n FROM salts") == [{"n": 0}]
    blob = b"".join(p.read_bytes() for p in (state / "v3" / "d1").rglob("*") if p.is_file())
    assert SITE.encode() in blob  # the rows are in these files
    for key in json.loads(kv(state, "list")):
        salt = kv(state, "get", key["name"]).strip()
        assert len(salt) == 64
        for form in (salt.encode(), salt.upper().encode(), bytes.fromhex(salt)):
            assert form not in blob
