"""The local runtime treats miniflare's synchronous-call race (SynchronousFetcher reading a
reply that has not arrived, then every later reply off by one) as a lost connection: a new
platform proxy, and the side-effect-free prepare()/bind() retried (#14 item 1)."""

import json
import subprocess

from support.processes import ROOT

CLASSIFY = """
import { connectionLost } from './tools/local-runtime/platform.mjs';
const race = Object.assign(new Error('false == true'), { code: 'ERR_ASSERTION' });
race.stack = 'AssertionError: false == true\\n at SynchronousFetcher.fetch (miniflare)';
const other = Object.assign(new Error('false == true'), { code: 'ERR_ASSERTION' });
const sql = new Error('D1_ERROR: no such table: x');
console.log(JSON.stringify([connectionLost(race), connectionLost(other), connectionLost(sql)]));
"""


def test_the_synchronous_fetch_race_is_recovered_and_other_errors_are_not():
    out = subprocess.run(["node", "--input-type=module", "-e", CLASSIFY], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == ["SYNC_FETCH_DESYNC", None, None]


NAMES_NOT_IN_D1 = """
import { PlatformSupervisor } from './tools/local-runtime/platform.mjs';
// A binding whose every read is a synchronous call that fails, as a desynchronised one does.
const broken = new Proxy({}, { get() { throw new Error('synchronous call to workerd'); } });
const supervisor = new PlatformSupervisor(async () => ({ env: { DB: broken }, dispose: async () => {} }));
await supervisor.init();
const db = supervisor.d1('DB');
const kv = supervisor.env([]).DB; // the same binding taken as a KV namespace or any other
console.log(JSON.stringify([
  db._binding ?? null, db.then ?? null, typeof db.prepare, String(db[Symbol.toStringTag]),
  kv._binding ?? null, kv.then ?? null,
]));
"""


def test_names_the_d1_api_does_not_have_never_reach_the_binding():
    # edge/d1.py and edge/kv.py ask getattr(b, "_binding", b) on every request: a synchronous
    # read that, under load, met miniflare's desynchronised fetcher and failed the request
    # with a 500 (D1 in one fresh-clone run, the SALTS KV namespace in another).
    out = subprocess.run(
        ["node", "--input-type=module", "-e", NAMES_NOT_IN_D1], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [None, None, "function", "undefined", None, None]
