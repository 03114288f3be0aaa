"""What issue 13's classifier and parser work costs per request: the bot classifier
(footfall/classify/bots.py) and the user-agent parser (footfall/classify/useragent.py) as they are now beside the
same two modules as they were before #13 (commit BEFORE_13) and before the device-type rules
(commit BEFORE_RULES).

Each older pair is read with `git show <commit>:<path>` into a copy of today's src/ in a
temporary directory, so the copies differ in these two modules only and /work/main's files are
never touched. Measured twice:

- CPython: µs to classify and parse one user agent, first sight (caches cleared) and cached,
  over 500 of Matomo's browser user agents (bench/corpora.py loads them);
- the local runtime (Pyodide in Node, bench/parser_cpu.mjs): CPU per /init beacon, with the
  same user agent on every request and with a new one on every request.

Issue 13's bound: the runtime's CPU per request may rise by at most 0.05 ms.
"""

import importlib.util
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import ModuleType

from bench import corpora

ROOT = Path(__file__).resolve().parents[1]
BEFORE_13 = "da93cd1"  # parent of 1a004d6, #13's first classifier commit
BEFORE_RULES = "49d8613"  # parent of 8fac36c, the device-type rules
MODULES = ("bots", "useragent")
BOUND_MS = 0.05


# Where the modules live: footfall/classify/ since the core was grouped by job (888c0f8),
# footfall/ at the commits measured against.
PLACES = ("src/footfall/classify", "src/footfall")


def _source(commit: str | None, name: str) -> str:
    for place in PLACES:
        path = f"{place}/{name}.py"
        if commit is None:
            if (ROOT / path).exists():
                return (ROOT / path).read_text()
            continue
        shown = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=ROOT, capture_output=True, text=True)
        if shown.returncode == 0:
            return shown.stdout
    raise FileNotFoundError(f"{name}.py at {commit or 'the working tree'} in none of {PLACES}")


CONTROL = "before #13, second copy"


def _variants() -> dict[str, str | None]:
    # The second copy of the same modules shows how far two identical copies differ in one run:
    # the noise any rise below is read against.
    return {"before #13": BEFORE_13, CONTROL: BEFORE_13, "before the device rules": BEFORE_RULES, "now": None}


def _load(commit: str | None, name: str, tag: str) -> ModuleType:
    # Both modules import only the standard library, so each version loads on its own.
    folder = Path(tempfile.mkdtemp(prefix="ff-parser-"))
    file = folder / f"{name}.py"
    file.write_text(_source(commit, name))
    spec = importlib.util.spec_from_file_location(f"_ff_{tag}_{name}", file)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _clear(*modules: ModuleType) -> None:
    for module in modules:
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def cpython(agents: list[str]) -> dict[str, dict[str, float]]:
    out = {}
    for tag, (label, commit) in enumerate(_variants().items()):
        bots, useragent = (_load(commit, name, str(tag)) for name in MODULES)

        def run(bots=bots, useragent=useragent) -> float:
            start = time.perf_counter()
            for ua in agents:
                bots.classify(bots.Signals(user_agent=ua, headers_known=True, accept_language="en"))
                useragent.parse(ua)
            return (time.perf_counter() - start) / len(agents) * 1e6

        new = []
        for _ in range(5):
            _clear(bots, useragent)
            new.append(run())
        cached = min(run() for _ in range(5))
        out[label] = {"new": min(new), "cached": cached}
    return out


def runtime(agents: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="ff-parser-src-") as tmp:
        variants = {}
        for label, commit in _variants().items():
            src = Path(tmp) / label.replace(" ", "-").replace("#", "")
            shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
            for name in MODULES:
                (src / PLACES[0].removeprefix("src/") / f"{name}.py").write_text(_source(commit, name))
            variants[label] = str(src)
        config = Path(tmp) / "config.json"
        config.write_text(json.dumps({"variants": variants, "agents": agents}))
        out = subprocess.run(
            ["node", str(ROOT / "bench" / "parser_cpu.mjs"), str(config)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _distinct_browser_agents(count: int) -> list[str]:
    agents = dict.fromkeys(e["ua"] for e in corpora.matomo_browsers())
    return list(agents)[:count]


def measure() -> dict:
    agents = _distinct_browser_agents(1600)
    return {"cpython": cpython(agents[:500]), "runtime": runtime(agents)}


def markdown(r: dict) -> str:
    labels = list(_variants())
    cp, rt = r["cpython"], r["runtime"]
    # The baseline is the average of the two copies of the modules before #13.
    base = {
        load: {stat: (rt["before #13"][load][stat] + rt[CONTROL][load][stat]) / 2 for stat in ("p50", "mean")}
        for load in ("same", "fresh")
    }

    def rise(label: str, load: str, stat: str) -> float:
        return rt[label][load][stat] - base[load][stat]

    lines = [
        "## What #13's classifier and parser cost per request",
        "",
        f"footfall/classify/bots.py and footfall/classify/useragent.py now, beside the same two modules before #13 "
        f"(`{BEFORE_13}`, in two copies: their difference is the noise of the run) and before the "
        f"device-type rules (`{BEFORE_RULES}`), each in a copy of today's src/ (`bench/parser_cost.py`). "
        "CPython: µs to classify and parse one user agent (500 Matomo browser user agents). Runtime: "
        "CPU per /init beacon in Pyodide (`bench/parser_cpu.mjs`, D1 and origin in-process, "
        f"{rt['now']['same']['n']:,} requests per cell in interleaved rounds; ms; rises are over the "
        "average of the two copies before #13).",
        "",
        "| modules | CPython, new UA | CPython, cached UA | runtime, same UA: p50 / mean / p95 | "
        "runtime, new UA every request: p50 / mean / p95 | rise over before #13, same UA: p50 / mean | "
        "rise, new UA: p50 / mean |",
        "|---|---|---|---|---|---|---|",
    ]
    for label in labels:
        same, fresh = rt[label]["same"], rt[label]["fresh"]
        lines.append(
            f"| {label} | {cp[label]['new']:.1f} µs | {cp[label]['cached']:.1f} µs | "
            f"{same['p50']:.3f} / {same['mean']:.3f} / {same['p95']:.3f} | "
            f"{fresh['p50']:.3f} / {fresh['mean']:.3f} / {fresh['p95']:.3f} | "
            f"{rise(label, 'same', 'p50'):+.3f} / {rise(label, 'same', 'mean'):+.3f} | "
            f"{rise(label, 'fresh', 'p50'):+.3f} / {rise(label, 'fresh', 'mean'):+.3f} |"
        )
    noise = max(
        abs(rt[CONTROL][load][stat] - rt["before #13"][load][stat])
        for load in ("same", "fresh")
        for stat in ("p50", "mean")
    )
    worst = max(rise("now", load, stat) for load in ("same", "fresh") for stat in ("p50", "mean"))
    verdict = "within" if worst <= BOUND_MS else f"above it by {worst - BOUND_MS:.3f} ms"
    lines += [
        "",
        f"Issue 13's bound: per-request CPU in the runtime may rise by at most {BOUND_MS} ms. The largest "
        f"rise now (p50 or mean, same or new user agent) is **{worst:+.3f} ms**, {verdict}; two "
        f"identical copies differed by up to {noise:.3f} ms in the same run. The same-UA path is the "
        "same code before and after (both caches answer), so its differences are the run's noise.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(measure()))
