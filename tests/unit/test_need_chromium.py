"""`make test` gets its Chromium (issue 14, item 12): tools/need-chromium.sh installs it with
apt-get when it runs as root (as .ci/run does) and otherwise stops with one line saying what
to run; before, a fresh machine stopped at the browser tests with no word on why."""

import os
import shutil
import subprocess

import pytest

from support.processes import ROOT

SCRIPT = ROOT / "tools" / "need-chromium.sh"


def fake_apt_get(tmp_path):
    """An apt-get that only writes down how it was called."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt-get.log"
    tool = bin_dir / "apt-get"
    tool.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    tool.chmod(0o755)
    return bin_dir, log


def run(env, user=None):
    args = ["bash", str(SCRIPT)]
    if user:
        args = [shutil.which("runuser") or "runuser", "-u", user, "--", *args]
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)


def test_nothing_happens_when_chromium_is_there():
    out = run({**os.environ, "CHROMIUM": "bash"})
    assert out.returncode == 0 and out.stdout == "" and out.stderr == ""


@pytest.mark.skipif(os.geteuid() != 0, reason="installing is for root only")
def test_as_root_a_missing_chromium_is_installed_with_apt_get(tmp_path):
    bin_dir, log = fake_apt_get(tmp_path)
    out = run({**os.environ, "CHROMIUM": "no-such-chromium", "PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert out.returncode == 0, out.stderr
    calls = log.read_text().splitlines()
    assert calls[0].startswith("update") and "install" in calls[1] and calls[1].endswith("chromium")


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("runuser"), reason="needs root to play another user")
def test_as_another_user_one_line_says_what_to_run(tmp_path):
    bin_dir, log = fake_apt_get(tmp_path)
    tmp_path.chmod(0o755)
    out = run({"PATH": f"{bin_dir}:/usr/bin:/bin", "CHROMIUM": "no-such-chromium"}, user="nobody")
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and "sudo apt-get install chromium" in out.stderr
    assert not log.exists()


def test_make_test_asks_for_it():
    makefile = (ROOT / "Makefile").read_text()
    assert "test: setup chromium" in makefile and "tools/need-chromium.sh" in makefile
