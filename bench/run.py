"""`make bench`: run every benchmark on this machine and rewrite docs/BENCHMARKS.md.

Every comparison is a ratio measured in the same run; absolute times depend on the machine
(shared, 2 cores here) and are there to be read beside their baselines, not as targets of
their own.
"""

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench import capacity, corpora, dashboard_rows, load, modes, parser_cost, requests, stores, suite, tracker_size

ROOT = Path(__file__).resolve().parents[1]


SECTIONS = [requests, capacity, stores, modes, tracker_size, dashboard_rows, load, corpora, parser_cost, suite]


def machine() -> str:
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}, Node {node}, CPython {platform.python_version()}"
    )


def main() -> None:
    parts = [
        "# Benchmarks",
        "",
        f"Produced by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        f"Machine: {machine()}.",
        "",
    ]
    for section in SECTIONS:
        print(f"bench: {section.__name__} ...", flush=True)
        parts.append(section.markdown(section.measure()))
    (ROOT / "docs" / "BENCHMARKS.md").write_text("\n".join(parts))
    print("bench: wrote docs/BENCHMARKS.md")


if __name__ == "__main__":
    main()
