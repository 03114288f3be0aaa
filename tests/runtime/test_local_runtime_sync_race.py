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
