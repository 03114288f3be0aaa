"""Start footfall's real processes for tests: the demo origin and the Worker in the local
runtime (tools/local-runtime), each on a free loopback port, stopped at the end."""

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NPX = ["npx", "--no-install"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A child process whose output is collected, so a failing test can show it."""

    def __init__(self, args: list[str], ready_text: str, timeout: float = 60.0, env=None):
        self.args = args
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        ready = threading.Event()

        def pump():
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                if ready_text in line:
                    ready.set()
            ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(timeout) or self.proc.poll() is not None:
            self.stop()
            raise RuntimeError(f"{args[0:3]} did not start:\n" + self.output())

    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def start_origin(port: int | None = None) -> tuple[Process, str]:
    port = port or free_port()
    proc = Process([sys.executable, "tools/demo_origin.py", "--port", str(port)], "serving")
    return proc, f"http://127.0.0.1:{port}"


def apply_migrations(persist_to: Path) -> None:
    subprocess.run(
        [*NPX, "wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", str(persist_to)],
        cwd=ROOT, check=True, capture_output=True, text=True,
        env={**os.environ, "CI": "1"},  # no interactive confirmation
    )


def start_worker(persist_to: Path, variables: dict[str, str], config: str = "wrangler.toml",
                 trust_client_ip: bool = True, extra_args: tuple[str, ...] = ()) -> tuple[Process, str]:
    port = free_port()
    args = ["node", "tools/local-runtime/footfall-dev.mjs", "--port", str(port),
            "--persist-to", str(persist_to), "--config", config]
    for key, value in variables.items():
        args += ["--var", f"{key}:{value}"]
    if trust_client_ip:
        args.append("--trust-client-ip")
    args += list(extra_args)
    proc = Process(args, "Ready on", timeout=90)
    return proc, f"http://127.0.0.1:{port}"


def wait_until(predicate, timeout: float = 5.0, interval: float = 0.05):
    """Poll for work a Worker finishes after its response (ctx.waitUntil)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
