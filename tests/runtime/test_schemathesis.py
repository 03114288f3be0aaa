"""Schemathesis against openapi.yaml, on the Worker running in the local runtime: generated
requests for every operation (valid, invalid, odd methods), and every answer must be free of
5xx, use a documented status and content type, and match the response schema.

Schemathesis keeps a crash cache (`.schemathesis/`) in its working folder: it runs in the
test's temporary folder with the cache off, so the tree stays clean."""

import os
import subprocess

from support.owner import DASHBOARD_TOKEN
from support.processes import ROOT

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_headers_conformance,response_schema_conformance,unsupported_method"
)


def _tree_cache() -> dict:
    folder = ROOT / ".schemathesis"
    return {str(f): f.stat().st_mtime_ns for f in folder.rglob("*")} if folder.exists() else {}


def test_openapi_schema_holds_with_no_server_errors(worker, tmp_path):
    config = tmp_path / "schemathesis.toml"
    config.write_text("[cache]\nenabled = false\n")
    before = _tree_cache()
    command = [
        str(ROOT / ".venv" / "bin" / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        str(ROOT / "openapi.yaml"),
        "--url",
        worker,
        "--checks",
        CHECKS,
        "--max-examples",
        "25",
        "--seed",
        "20261121",
        "--header",
        f"Authorization: Bearer {DASHBOARD_TOKEN}",
        "--request-timeout",
        "20",
    ]
    out = subprocess.run(
        command,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"},
    )
    summary = "\n".join(line for line in out.stdout.splitlines() if "generated" in line or "ST" in line)
    print(summary)
    assert out.returncode == 0, out.stdout[-4000:]
    assert "generated" in summary and "passed" in summary
    assert _tree_cache() == before, "schemathesis wrote into the tree"
    assert not (tmp_path / ".schemathesis").exists()  # the cache is off
