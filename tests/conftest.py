"""Shared fixtures of the tiers that talk to the real runtime (tests/runtime, tests/browser):
the demo origin and the Worker in the local runtime with a fresh local D1, started once per
session. Tests that share them assert on their own rows (their uuids, their site), never on
global counts.

When such a test fails, what each child process printed during the test (the Worker's logs,
Python tracebacks) is shown with the failure."""

import pytest

from support.d1 import LocalDatabase
from support.owner import DASHBOARD_TOKEN
from support.processes import Process, apply_migrations, start_origin, start_worker

PREFIX = "/_ff"
_LOG_MARKS = pytest.StashKey[dict]()


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
    proc, url = start_worker(
        state,
        {
            "ORIGIN_URL": origin,
            "EVENT_NAMES": "signup,newsletter",
            "DASHBOARD_TOKEN": DASHBOARD_TOKEN,
        },
    )
    yield proc, url
    proc.stop()


@pytest.fixture(scope="session")
def worker(worker_process):
    return worker_process[1]


@pytest.fixture(scope="session")
def db(state):
    return LocalDatabase(state)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    item.stash[_LOG_MARKS] = {id(p): len(p.lines) for p in Process.started}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed or call.when == "teardown":
        return
    marks = item.stash.get(_LOG_MARKS, {})
    for proc in Process.started:
        new = proc.lines[marks.get(id(proc), 0) :]
        if new:
            report.sections.append(
                (f"Captured log of {proc.name} (pid {proc.proc.pid}) during the test", "\n".join(new[-400:]))
            )
