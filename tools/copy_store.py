"""Copy footfall's rows between D1 and the Durable Objects, by site and day (#18).

    python3 tools/copy_store.py https://example.com to-objects             # every site D1 knows
    python3 tools/copy_store.py https://example.com to-d1 --site example.com   # the way back

The Worker must have both bindings (DB and SITE_STORE in wrangler.toml), whatever STORE says.
The dashboard token comes from $FOOTFALL_TOKEN. Each request is one small step of the owner-only
route {prefix}/api/v1/copy (src/handlers/copying.py): the plan of a site, one page of one
table and day, the count check of a unit. Running it twice changes nothing the second time
but what changed in the source meanwhile (rows are inserted only where their key is missing),
so a step that failed on the way (a 5xx while an object restarts) is simply tried again, and
a run that stopped can be started again. It ends with the count check of every unit
and exits 1 if a target holds fewer rows than its source. README: "When one database is not
enough" says in which order to switch.
"""

import argparse
import json
import os
import sys
import time
import urllib.error
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


# A step that failed on the way (a 5xx while an object restarts in a deploy, a dropped
# connection) is tried again after these pauses, in seconds: every step is safe to repeat.
RETRY_PAUSES = (1, 2, 4, 8, 16)


_WHERE = ("step", "site", "table", "key", "offset")  # what a message says of a step


class CopyStopped(Exception):
    """A step that kept failing, or that the Worker refused (4xx): what, and where it stopped."""


def http_post(base: str, token: str, prefix: str, pauses=RETRY_PAUSES, sleep=time.sleep) -> Post:
    def once(body: dict) -> dict:
        request = urllib.request.Request(
            base.rstrip("/") + prefix + "/api/v1/copy",
            data=json.dumps(body).encode(),
            headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read())

    def post(body: dict) -> dict:
        where = ", ".join(f"{k} {body[k]}" for k in _WHERE if body.get(k) is not None)
        waits = iter(pauses)
        while True:
            try:
                return once(body)
            except urllib.error.HTTPError as exc:  # a 4xx is the request's fault: no use repeating it
                failure, again = f"HTTP {exc.code} {exc.read()[:300].decode(errors='replace')}", exc.code >= 500
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                failure, again = str(exc), True
            pause = next(waits, None) if again else None
            if pause is None:
                raise CopyStopped(f"{where}: {failure}") from None
            print(f"{where}: {failure}; trying again in {pause} s", file=sys.stderr)
            sleep(pause)

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
    try:
        summary = run(http_post(args.url, token, args.prefix), args.direction, args.site)
    except CopyStopped as exc:
        print(f"copy stopped at {exc}; running it again is safe (it skips what is copied)", file=sys.stderr)
        return 1
    print(json.dumps(summary, indent=2))
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
