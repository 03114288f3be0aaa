"""Shared fixtures: the demo origin and the Worker in the local runtime with a fresh local D1.

`support/` is made importable as `support`; the processes are started once per session."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest

from support.d1 import LocalDatabase
from support.owner import DASHBOARD_TOKEN
from support.processes import apply_migrations, start_origin, start_worker

PREFIX = "/_ff"


@pytest.fixture(scope="session")
def origin():
    proc, url = start_origin()
    yield url
    proc.stop()


@pytest.fixture(scope="session")
def state(tmp_path_factory):
    path = tmp_path_factory.mktemp("state")
    apply_migrations(path)
    return path


@pytest.fixture(scope="session")
def worker_process(state, origin):
    proc, url = start_worker(state, {"ORIGIN_URL": origin, "EVENT_NAMES": "signup,newsletter",
                                          "DASHBOARD_TOKEN": DASHBOARD_TOKEN})
    yield proc, url
    proc.stop()


@pytest.fixture(scope="session")
def worker(worker_process):
    return worker_process[1]


@pytest.fixture(scope="session")
def db(state):
    return LocalDatabase(state)
