"""Start footfall's real processes for tests: the demo origin and the Worker in the local
runtime (tools/local-runtime), stopped at the end.

Each child binds its own port (port 0: the system picks a free one) and says which in its
ready line ("Ready on http://IP:PORT", "serving ... on http://IP:PORT"); nothing else may take
the port between choosing it and binding it. Every running child is listed in
`Process.running`, so a failing test can show what the Worker logged while it ran."""

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NPX = ["npx", "--no-install"]
RUNTIME = ROOT / "tools" / "local-runtime" / "footfall-dev.mjs"
_URL_RE = re.compile(r"http://(\[[0-9a-fA-F:]+\]|[0-9.]+|localhost):(\d+)")


def free_port() -> int:
    """A port that was free a moment ago. Only for a runtime that cannot bind port 0 and report
    it (racy: another process may take it first)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RefusedPort:
    """A loopback port bound but never listening, held until close(): connecting to it is
    refused, and no other process can take it meanwhile (an origin that is down)."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.socket.close()


class Process:
    """A child process whose output is collected, so a failing test can show it."""

    running: list["Process"] = []  # started and not stopped
    started: list["Process"] = []  # every one this session (their logs outlive them)

    def __init__(self, args: list[str], ready_text: str, timeout: float = 60.0, env=None, name: str | None = None):
        self.args = args
        self.name = name or Path(args[1] if len(args) > 1 else args[0]).name
        self.lines: list[str] = []
        self.ready_line: str | None = None
        self.proc = subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        ready = threading.Event()

        def pump():
            for line in self.proc.stdout:
                line = line.rstrip("\n")
                self.lines.append(line)
                if self.ready_line is None and ready_text in line:
                    self.ready_line = line
                    ready.set()
            ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(timeout) or self.ready_line is None or self.proc.poll() is not None:
            self.stop()
            raise RuntimeError(f"{args[0:3]} did not start:\n" + self.output())
        Process.running.append(self)
        Process.started.append(self)

    def url(self) -> str:
        """The http://IP:PORT the child said it listens on."""
        match = _URL_RE.search(self.ready_line or "")
        if not match:
            raise RuntimeError(f"no URL in the ready line of {self.name}: {self.ready_line!r}")
        return f"http://{match.group(1)}:{match.group(2)}"

    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self) -> None:
        if self in Process.running:
            Process.running.remove(self)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_origin(port: int | None = None, root: Path | None = None) -> tuple[Process, str]:
    """tools/demo_origin.py (examples/site, or `root`), on `port` or a port it binds itself."""
    # -P: not this folder first on sys.path (its http.py would hide the standard library's).
    args = [sys.executable, "-P", str(ROOT / "tests" / "support" / "origin_server.py"), "--port", str(port or 0)]
    if root is not None:
        args += ["--root", str(root)]
    proc = Process(args, "serving", name="demo-origin")
    return proc, proc.url()


def apply_migrations(persist_to: Path) -> None:
    subprocess.run(
        [*NPX, "wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", str(persist_to)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "1"},  # no interactive confirmation
    )


def runtime_binds_port_zero() -> bool:
    """Whether this checkout's local runtime reports the port it bound for `--port 0`
    (tools/local-runtime/footfall-dev.mjs prints the listening address in "Ready on")."""
    return "server.address().port" in RUNTIME.read_text()


def start_worker(
    persist_to: Path,
    variables: dict[str, str],
    config: str = "wrangler.toml",
    trust_client_ip: bool = True,
    extra_args: tuple[str, ...] = (),
    store: str = "d1",
) -> tuple[Process, str]:
    """The Worker in the local runtime. `trust_client_ip` also lets a test set CF-Connecting-IP,
    CF-IPCountry and the per-request clock (X-Test-Now-Ms). `store` "durable-objects": the rows
    in one SiteStore object per site, SQLite files under `persist_to`/v3/do/ (as
    `make dev STORE=durable-objects`)."""
    port = 0 if runtime_binds_port_zero() else free_port()
    args = [
        "node",
        str(RUNTIME.relative_to(ROOT)),
        "--port",
        str(port),
        "--persist-to",
        str(persist_to),
        "--config",
        config,
    ]
    for key, value in variables.items():
        args += ["--var", f"{key}:{value}"]
    if trust_client_ip:
        args.append("--trust-client-ip")
    if store == "durable-objects":
        args += ["--var", "STORE:durable-objects", "--durable-object", "SITE_STORE:SiteStore"]
    args += list(extra_args)
    proc = Process(args, "Ready on", timeout=90, name="worker")
    return proc, proc.url() if port == 0 else f"http://127.0.0.1:{port}"


def wait_until(predicate, timeout: float = 5.0, interval: float = 0.05):
    """Poll for work a Worker finishes after its response (ctx.waitUntil)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
