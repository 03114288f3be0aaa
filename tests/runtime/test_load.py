"""A short load run (bench/load.py at 20 visitors for 12 s on loopback, its own Worker, D1
and origin): no 5xx, and every write the Worker accepted is in D1. How many requests it
managed and how fast is `make bench`'s business, never an assertion here."""

import importlib.util

from support.processes import ROOT


def _bench_load():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_load_gives_no_server_error_and_loses_no_accepted_write():
    load = _bench_load()
    result = load.measure(visitors=20, seconds=12)
    print(load.markdown(result))
    assert result["server_errors"] == 0, result["statuses"]
    assert result["lost_page_loads"] == 0 and result["unaccepted_page_loads_stored"] == 0
    assert result["wrong_seconds"] == 0 and result["lost_events"] == 0
    assert result["hits_stored"] == result["pages_served"]
