"""`wrangler deploy --dry-run` (offline) bundles the Worker as Cloudflare would receive it: the
[build] step runs, and every module the Worker imports is in the upload."""

import subprocess

from support.processes import NPX, ROOT


def test_deploy_dry_run_bundles_every_module(tmp_path):
    out = subprocess.run(
        [*NPX, "wrangler", "deploy", "--dry-run", "--outdir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "tracker:" in out.stdout + out.stderr  # the [build] command rebuilt the script
    bundled = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.py")}
    expected = {
        p.relative_to(ROOT / "src").as_posix() for p in (ROOT / "src").rglob("*.py") if "__pycache__" not in p.parts
    }
    assert expected <= bundled, sorted(expected - bundled)
    assert "assets/tracker.py" in bundled and "entry.py" in bundled
