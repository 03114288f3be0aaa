"""Schemathesis against openapi.yaml, on the Worker running in the local runtime: generated
requests for every operation (valid, invalid, odd methods), and every answer must be free of
5xx, use a documented status and content type, and match the response schema."""

import os
import subprocess

from support.owner import DASHBOARD_TOKEN
from support.processes import ROOT

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance,unsupported_method")


def test_openapi_schema_holds_with_no_server_errors(worker):
    command = [str(ROOT / ".venv" / "bin" / "schemathesis"), "run", str(ROOT / "openapi.yaml"), "--url", worker,
               "--checks", CHECKS, "--max-examples", "25", "--seed", "20261121",
               "--header", f"Authorization: Bearer {DASHBOARD_TOKEN}", "--request-timeout", "20"]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600,
                         env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"})
    summary = "\n".join(line for line in out.stdout.splitlines() if "generated" in line or "ST" in line)
    print(summary)
    assert out.returncode == 0, out.stdout[-4000:]
    assert "generated" in summary and "passed" in summary
