"""`make dev` (tools/dev.sh) on another port (issue 14, item 12): the demo site follows PORT
(PORT + 1) instead of staying on 8788, and when it cannot start, `make dev` stops with its
error instead of printing "Ready" in front of a site that is not there."""

import os
import signal
import socket
import subprocess
import time

import pytest

from support.http import request
from support.processes import ROOT, free_port


def run_dev(tmp_path, port: int, timeout: float = 90):
    """tools/dev.sh in a process group of its own; (return code or None, output so far)."""
    env = {
        **os.environ,
        "PORT": str(port),
        "IP": "127.0.0.1",
        "PERSIST_TO": str(tmp_path),
        "PYTHON": ".venv/bin/python",
    }
    env.pop("DEMO_PORT", None)
    env.pop("ORIGIN_URL", None)
    proc = subprocess.Popen(
        ["bash", "tools/dev.sh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return proc


def read_until(proc, marks: tuple[str, ...], timeout: float) -> str:
    out, deadline = [], time.monotonic() + timeout
    os.set_blocking(proc.stdout.fileno(), False)
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            out.append(line)
            if any(mark in line for mark in marks):
                break
        elif proc.poll() is not None:
            out.append(proc.stdout.read() or "")
            break
        else:
            time.sleep(0.05)
    return "".join(out)


def stop(proc) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def free_port_pair() -> int:
    """A port P with P + 1 free too (make dev puts the demo site on PORT + 1): free_port() alone
    once gave a P whose neighbour another process held, and the demo site could not start."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
        return port
    raise RuntimeError("no two neighbouring free ports")


def test_the_demo_site_follows_port(tmp_path):
    port = free_port_pair()
    proc = run_dev(tmp_path, port)
    try:
        out = read_until(proc, ("Ready on",), 90)
        assert "Ready on" in out, out
        assert f"http://127.0.0.1:{port + 1}" in out
        assert request(f"http://127.0.0.1:{port}", "GET", "/").status == 200
    finally:
        stop(proc)


def test_a_demo_site_that_cannot_start_stops_make_dev_with_its_error(tmp_path):
    port = free_port()
    taken = socket.socket()
    try:
        taken.bind(("127.0.0.1", port + 1))
    except OSError:
        pytest.skip("the port after a free one is taken already")
    taken.listen()
    proc = run_dev(tmp_path, port)
    try:
        out = read_until(proc, ("Ready on",), 30)
        assert proc.wait(10) != 0, out
        assert "Ready on" not in out
        assert f"could not start on port {port + 1}" in out and "Address already in use" in out
    finally:
        stop(proc)
        taken.close()
