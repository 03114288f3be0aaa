"""`make dev` (tools/dev.sh) on another port (issue 14, item 12): the demo site follows PORT
(PORT + 1) instead of staying on 8788, and when it cannot start, `make dev` stops with its
error instead of printing "Ready" in front of a site that is not there."""

import os
import signal
import socket
import sqlite3
import subprocess
import time

import pytest

from support.http import request
from support.processes import ROOT, free_port


def run_dev(tmp_path, port: int, timeout: float = 90, store: str | None = None):
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
    env.pop("STORE", None)
    if store is not None:
        env["STORE"] = store
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


def test_make_dev_store_durable_objects_keeps_a_beacon_in_the_sites_object(tmp_path):
    port = free_port_pair()
    proc = run_dev(tmp_path, port, store="durable-objects")
    try:
        out = read_until(proc, ("Ready on",), 90)
        assert "Ready on" in out and "SITE_STORE" in out, out
        base = f"http://127.0.0.1:{port}"
        headers = {
            "Content-Type": "application/json",
            "Origin": base,
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0",
            "Accept-Language": "en",
        }
        body = b'{"uuid": "00000000-0000-4000-8000-000000000001", "page": "/", "referrer": ""}'
        assert request(base, "POST", "/_ff/init", body, headers).status == 204
        files = list((tmp_path / "v3" / "do").rglob("*.sqlite"))
        assert len(files) == 1
        con = sqlite3.connect(f"file:{files[0]}?mode=ro", uri=True)
        try:
            assert con.execute("SELECT COUNT(*) FROM pageviews").fetchone() == (1,)
        finally:
            con.close()
    finally:
        stop(proc)


def test_make_dev_refuses_an_unknown_store(tmp_path):
    proc = run_dev(tmp_path, free_port_pair(), store="postgres")
    try:
        out = read_until(proc, ("Ready on",), 30)
        assert proc.wait(10) == 2 and "STORE=postgres: use d1 or durable-objects" in out
    finally:
        stop(proc)


def test_a_second_make_dev_on_the_same_port_says_so_before_starting_anything(tmp_path):
    port = free_port()
    taken = socket.socket()
    taken.bind(("127.0.0.1", port))
    taken.listen()
    proc = run_dev(tmp_path, port)
    try:
        out = read_until(proc, ("Ready on",), 30)
        assert proc.wait(10) == 1, out
        assert f"port {port} is in use (is make dev already running?)" in out
        assert "Traceback" not in out and "demo site" not in out
    finally:
        stop(proc)
        taken.close()
