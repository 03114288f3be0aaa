"""The tracker's size as served: raw, gzip -9 and brotli (brotli through Node's zlib), against
the one budget in client/budget.json that the build and the browser test also read."""

import gzip
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET = json.loads((ROOT / "client" / "budget.json").read_text())
GOAL, LIMIT = BUDGET["goal"], BUDGET["limit"]


def measure() -> dict:
    subprocess.run(["node", "client/build.mjs"], cwd=ROOT, check=True, capture_output=True)
    code = (ROOT / "client/dist/script.js").read_bytes()
    brotli = subprocess.run(
        [
            "node",
            "-e",
            "const z=require('zlib');const b=require('fs').readFileSync(0);"
            "process.stdout.write(String(z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length))",
        ],
        input=code,
        capture_output=True,
        check=True,
    ).stdout
    return {"raw": len(code), "gzip": len(gzip.compress(code, 9)), "brotli": int(brotli)}


def markdown(r: dict) -> str:
    verdict = "met" if r["gzip"] <= GOAL else f"missed by {r['gzip'] - GOAL} bytes (limit {LIMIT}: held)"
    return "\n".join(
        [
            "## Tracker size",
            "",
            "| raw | gzip -9 | brotli (q 11) | goal (gzip) |",
            "|---|---|---|---|",
            f"| {r['raw']} B | **{r['gzip']} B** | {r['brotli']} B | {GOAL} B: {verdict} |",
            "",
        ]
    )
