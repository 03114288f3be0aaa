"""A short load run (bench/load.py at 20 visitors for 12 s, loopback, fresh D1): no 5xx, and
every write the Worker accepted is in D1. The 60-second run and its numbers are `make bench`."""

import sys

from support.processes import ROOT

sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402


def test_load_loses_no_accepted_write():
    result = load.measure(visitors=20, seconds=12)
    print(load.markdown(result))
    assert result["requests"] > 200
    assert result["server_errors"] == 0, result["statuses"]
    assert result["lost_page_loads"] == 0 and result["unaccepted_page_loads_stored"] == 0
    assert result["wrong_seconds"] == 0 and result["lost_events"] == 0
    assert result["hits_stored"] == result["pages_served"]
