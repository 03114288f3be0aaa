"""Copy footfall's rows between D1 and the Durable Objects, by site and day (#18).

    python3 tools/copy_store.py https://example.com to-objects             # every site D1 knows
    python3 tools/copy_store.py https://example.com to-d1 --site example.com   # the way back

The Worker must have both bindings (DB and SITE_STORE in wrangler.toml), whatever STORE says.
The dashboard token comes from $FOOTFALL_TOKEN. Each request is one small step of the owner-only
route {prefix}/api/v1/copy (src/handlers/copying.py): the plan of a site, one page of one
table and day, the count check of a unit. Running it twice changes nothing the second time
(rows are inserted only where their key is missing). It ends with the count check of every unit
and exits 1 if a target holds fewer rows than its source. README: "When one database is not
enough" says in which order to switch.
"""

import argparse
import json
import os
import sys
import urllib.request
from collections.abc import Callable

Post = Callable[[dict], dict]


def run(post: Post, direction: str, sites: list[str] | None = None, say: Callable[[str], None] = print) -> dict:
    """Plan, copy and check every unit of every site; a summary with the failed checks."""
    if not sites:
        sites = post({"direction": direction, "step": "sites"})["sites"]
    summary = {"sites": len(sites), "units": 0, "read": 0, "written": 0, "failed": []}
    for site in sites:
        units = post({"direction": direction, "step": "plan", "site": site})["units"]
        written = 0
        for unit in units:
            offset: int | None = 0
            while offset is not None:
                step = post({"direction": direction, "step": "copy", **unit, "offset": offset})
                summary["read"] += step["read"]
                written += step["written"]
                offset = step["next_offset"]
        for unit in units:
            check = post({"direction": direction, "step": "check", **unit})
            if not check["ok"]:
                summary["failed"].append({**unit, **check})
        summary["units"] += len(units)
        summary["written"] += written
        say(f"{site}: {len(units)} tables and days, {written} rows written")
    return summary


def http_post(base: str, token: str, prefix: str) -> Post:
    def post(body: dict) -> dict:
        request = urllib.request.Request(
            base.rstrip("/") + prefix + "/api/v1/copy",
            data=json.dumps(body).encode(),
            headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read())

    return post


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the site the Worker serves, e.g. https://example.com")
    parser.add_argument("direction", choices=("to-objects", "to-d1"))
    parser.add_argument("--site", action="append", help="a site (host) to copy; every site D1 knows by default")
    parser.add_argument("--prefix", default="/_ff", help="FOOTFALL_PATH (default /_ff)")
    args = parser.parse_args()
    token = os.environ.get("FOOTFALL_TOKEN")
    if not token:
        print("set FOOTFALL_TOKEN to the dashboard token", file=sys.stderr)
        return 2
    summary = run(http_post(args.url, token, args.prefix), args.direction, args.site)
    print(json.dumps(summary, indent=2))
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
