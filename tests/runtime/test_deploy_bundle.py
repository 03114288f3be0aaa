"""`wrangler deploy --dry-run` (offline) bundles the Worker as Cloudflare would receive it: the
[build] step runs, and every module the Worker imports is in the upload. With wrangler.toml's
placeholder ids a deploy stops in that step with a sentence saying what to run (issue 14,
item 12); FOOTFALL_ALLOW_PLACEHOLDER_IDS=1 lets the dry run bundle anyway."""

import os
import subprocess

from support.processes import NPX, ROOT


def dry_run(tmp_path, **env):
    return subprocess.run(
        [*NPX, "wrangler", "deploy", "--dry-run", "--outdir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **env},
    )


def test_a_deploy_with_the_placeholder_ids_stops_with_what_to_run(tmp_path):
    out = dry_run(tmp_path, FOOTFALL_ALLOW_PLACEHOLDER_IDS="")
    assert out.returncode != 0
    said = out.stdout + out.stderr
    assert "npx wrangler d1 create footfall" in said and "npx wrangler kv namespace create SALTS" in said
    assert not any(tmp_path.rglob("*.py"))  # nothing was bundled


def test_deploy_dry_run_bundles_every_module(tmp_path):
    out = dry_run(tmp_path, FOOTFALL_ALLOW_PLACEHOLDER_IDS="1")
    assert out.returncode == 0, out.stderr[-2000:]
    assert "tracker:" in out.stdout + out.stderr  # the [build] command rebuilt the script
    bundled = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.py")}
    expected = {
        p.relative_to(ROOT / "src").as_posix() for p in (ROOT / "src").rglob("*.py") if "__pycache__" not in p.parts
    }
    assert expected <= bundled, sorted(expected - bundled)
    assert "assets/tracker.py" in bundled and "entry.py" in bundled
    # The migrations as Python, for STORE = "durable-objects" (tools/schema-module.mjs).
    assert "assets/schema.py" in bundled
