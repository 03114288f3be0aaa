"""Debian's Chromium as the browser tests, the benchmarks and the screenshots launch it."""

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium keeps trying to reach Google's hosts, which this network refuses.
QUIET = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# As a person's browser: navigator.webdriver is false.
PERSON = [*QUIET, "--disable-blink-features=AutomationControlled"]
