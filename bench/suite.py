"""How long the test suite takes: the in-process tiers (the core and every handler on CPython,
SQLite, a pinned clock) and the whole suite (`pytest`, what `make test` runs once set up), on
this machine in this run; beside the whole suite's time before the house was rebuilt (#17)."""

import os
import subprocess
import sys
import time

from bench.tracker_size import ROOT

# Issue #17's measurement at fdc999d: a fresh clone's `make test` on these 2 cores (setup
# included), one shared Worker, D1 and clock for every test.
BEFORE_SECONDS = 7 * 60 + 50
# After (#17): three fresh clones of aa3bfe4 in a row on these 2 cores, `git clone . /tmp/runN
# && make check && make test` (setup and the quality gate included, so more than before's
# command), each green with 1,702 tests and the tree clean after. Recorded, not re-run by the
# bench: a fresh clone's setup would measure the package caches as much as the suite.
FRESH_CLONE_RUNS = (("idle", 477), ("busy: `make bench` running beside it", 618), ("idle", 463))


def _timed(args: list[str]) -> tuple[float, str]:
    start = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    lines = out.stdout.strip().splitlines()
    return time.monotonic() - start, lines[-1] if lines else f"exit {out.returncode}"


def measure() -> dict:
    fast, fast_summary = _timed(["tests/unit", "tests/handlers"])
    whole, whole_summary = _timed([])
    return {"fast": fast, "fast_summary": fast_summary, "whole": whole, "whole_summary": whole_summary}


def markdown(m: dict) -> str:
    return "\n".join(
        [
            "## Test suite time",
            "",
            "| what | time | result |",
            "|---|---|---|",
            f"| in-process tiers (`make test-fast`: tests/unit, tests/handlers) | {m['fast']:.0f} s | "
            f"{m['fast_summary']} |",
            f"| whole suite (`pytest`, as `make test` runs it once set up) | {m['whole']:.0f} s | "
            f"{m['whole_summary']} |",
            f"| before (#17: fresh clone `make test` at fdc999d, setup included) | {BEFORE_SECONDS} s | "
            "one shared Worker, D1 and clock |",
            *(
                f"| after (#17: fresh clone `make check && make test` at aa3bfe4, {how}) | {seconds} s | "
                "1702 passed, tree clean |"
                for how, seconds in FRESH_CLONE_RUNS
            ),
            "",
            "Measured while the other benchmarks are not running; a machine shared with other work "
            "stretches both figures alike.",
            "",
        ]
    )
