"""Apply footfall's rate-limiting rules to a Cloudflare zone, idempotently.

    CLOUDFLARE_API_TOKEN=... python waf/apply.py --zone <zone id> [--prefix /_ff] [--free-plan] [--dry-run]

The token needs "Zone WAF: Edit" on the zone. Rules are identified by their `ref`
(footfall-collect, footfall-owner; the retired footfall-login is replaced); any other
rate-limiting rules of the zone stay as they are.
A second run finds nothing to change and says so. --dry-run prints the exact payload and
changes nothing (it needs no token).
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rules as footfall_rules  # noqa: E402

PHASE = "http_ratelimit"


def existing_rules(client, zone: str) -> list[dict]:
    import cloudflare

    try:
        ruleset = client.rulesets.phases.get(PHASE, zone_id=zone)
    except cloudflare.NotFoundError:  # the zone has no rate-limiting entrypoint yet
        return []
    return [rule.model_dump(exclude_none=True) for rule in (ruleset.rules or [])]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zone", required=True, help="the zone id (dashboard: the zone's Overview page)")
    parser.add_argument("--prefix", default="/_ff", help="the Worker's FOOTFALL_PATH")
    parser.add_argument("--free-plan", action="store_true", help="one rule only: the collection endpoints")
    parser.add_argument("--dry-run", action="store_true", help="print the payload, change nothing")
    args = parser.parse_args(argv)

    desired = footfall_rules.rules(args.prefix, owner_rule=not args.free_plan)
    if args.dry_run:
        print(json.dumps({"phase": PHASE, "zone_id": args.zone, "rules": desired}, indent=2))
        return 0

    token = os.environ.get("CLOUDFLARE_API_TOKEN")
    if not token:
        print("CLOUDFLARE_API_TOKEN is not set (a token with Zone WAF: Edit)", file=sys.stderr)
        return 2
    import cloudflare

    client = cloudflare.Cloudflare(api_token=token)
    new_rules = footfall_rules.merge(existing_rules(client, args.zone), desired)
    if new_rules is None:
        print("footfall's rate-limiting rules are already in place: nothing to change")
        return 0
    client.rulesets.phases.update(PHASE, zone_id=args.zone, rules=new_rules)
    print(f"applied {len(desired)} footfall rule(s) to zone {args.zone}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
