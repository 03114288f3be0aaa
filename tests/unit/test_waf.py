"""The WAF rate-limiting rules (waf/): their payload, and that each expression matches exactly
the intended paths, under any FOOTFALL_PATH, evaluated by a small reader of the Rules
language subset the rules use."""

import json
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.access import Access
from app.routes import ROUTES

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "waf"))

import rules  # noqa: E402

_TOKEN = re.compile(r'\s*(\(|\)|\{|\}|,|"[^"]*"|[A-Za-z_.]+)')


def evaluate(expression: str, path: str, method: str) -> bool:
    """Evaluate `field eq "v"`, `field in {"a" "b"}`, `starts_with(field, "v")`, `and`, `or`
    and parentheses."""
    tokens = [t for t in _TOKEN.findall(expression)]
    assert "".join(tokens).replace(" ", "") == expression.replace(" ", ""), "unexpected syntax"
    fields = {"http.request.uri.path": path, "http.request.method": method}
    pos = 0

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def primary():
        if tokens[pos] == "starts_with":
            take()
            assert take() == "("
            field = take()
            assert take() == ","
            value = take().strip('"')
            assert take() == ")"
            return fields[field].startswith(value)
        if tokens[pos] == "(":
            take()
            value = disjunction()
            assert take() == ")"
            return value
        field, op = take(), take()
        if op == "eq":
            return fields[field] == take().strip('"')
        assert op == "in" and take() == "{"
        values = set()
        while tokens[pos] != "}":
            values.add(take().strip('"'))
        take()
        return fields[field] in values

    def conjunction():
        value = primary()
        while pos < len(tokens) and tokens[pos] == "and":
            take()
            value = primary() and value
        return value

    def disjunction():
        value = conjunction()
        while pos < len(tokens) and tokens[pos] == "or":
            take()
            value = conjunction() or value
        return value

    result = disjunction()
    assert pos == len(tokens)
    return result


def test_payload_shape():
    for rule in rules.rules("/_ff"):
        assert set(rule) == {"ref", "description", "expression", "action", "ratelimit", "enabled"}
        assert rule["action"] == "block" and rule["enabled"] is True
        rl = rule["ratelimit"]
        assert rl["characteristics"] == ["ip.src", "cf.colo.id"]
        assert rl["period"] == 10 and rl["mitigation_timeout"] >= rl["period"] and rl["requests_per_period"] > 0
    assert [r["ref"] for r in rules.rules("/_ff", owner_rule=False)] == ["footfall-collect"]


def test_collection_threshold_comes_from_the_tracker_schedule():
    # footfall's tracker: /init, one heartbeat per hide (backup beats 15 s apart at the
    # closest), plus what a person can do in 10 s: a few SPA navigations (heartbeat + /init
    # each), tab switches (a heartbeat each) and clicks.
    footfall_busiest = 1 + 1 + 2 * 3 + 3 + 5
    # The original design's clients: heartbeats every 5 s in the first minute, and 29 s left
    # at a hide flushed as 5+5+5+5+5+1+1+1+1, plus 4 scroll milestones as events.
    original_busiest = 1 + 10 // 5 + (5 + 4) + 4
    assert max(footfall_busiest, original_busiest) <= rules.BEACONS_PER_VIEW_WORST_10S
    assert rules.COLLECT_LIMIT == rules.BEACONS_PER_VIEW_WORST_10S * rules.VISITORS_BEHIND_ONE_IP


PREFIXES = st.lists(
    st.text(alphabet=string.ascii_letters + string.digits + "._~-", min_size=1, max_size=8), min_size=1, max_size=3
).map(lambda parts: "/" + "/".join(parts))


@given(PREFIXES)
def test_expressions_match_exactly_the_intended_paths(prefix):
    collect, owner = rules.rules(prefix)
    for path in rules.collection_paths(prefix):
        assert evaluate(collect["expression"], path, "POST")
        assert not evaluate(owner["expression"], path, "POST")
    assert evaluate(owner["expression"], f"{prefix}/login", "POST")
    # Fields the Pro plan's rate-limiting rules may use: the path, not the method.
    assert "http.request.method" not in collect["expression"] + owner["expression"]
    # Every route that checks the owner's token or session (the route table's, so that a new
    # one cannot be left out), and the login and logout forms.
    for route in ROUTES:
        if route.access not in (Access.BEACON, Access.PUBLIC) or route.path in ("login", "logout"):
            path = f"{prefix}/{route.path.replace('{path}', 'blog/post')}"
            assert evaluate(owner["expression"], path, "POST"), path
    # Every endpoint that checks the owner's token or session: Bearer guesses are limited too.
    for path in (*rules.owner_paths(prefix), f"{prefix}/history/blog/post.svg", f"{prefix}/history/.svg"):
        for method in ("GET", "POST"):
            assert evaluate(owner["expression"], path, method), path
    for other in (
        prefix,
        f"{prefix}/",
        f"{prefix}/init/x",
        f"{prefix}/initx",
        f"{prefix}/script.js",
        f"/blog{prefix}/init",
        f"/blog{prefix}/history/x.svg",
        "/",
        f"{prefix}/login/x",
        f"{prefix}/dashboardx",
        prefix.upper() + "/init",
    ):
        if other not in rules.collection_paths(prefix):
            assert not evaluate(collect["expression"], other, "POST"), other
        assert not evaluate(owner["expression"], other, "POST"), other
        assert not evaluate(owner["expression"], other, "GET"), other


def test_applying_again_replaces_the_retired_login_rule():
    retired = {
        "ref": "footfall-login",
        "description": "footfall: dashboard login, per IP",
        "expression": '(http.request.uri.path eq "/_ff/login" and http.request.method eq "POST")',
        "action": "block",
        "ratelimit": {"characteristics": ["ip.src"], "period": 10, "requests_per_period": 5, "mitigation_timeout": 600},
        "enabled": True,
    }
    merged = rules.merge([retired], rules.rules("/_ff"))
    assert [r["ref"] for r in merged] == ["footfall-collect", "footfall-owner"]


def test_a_bad_prefix_is_refused():
    with pytest.raises(ValueError):
        rules.rules('/_ff" or true')


def test_merge_is_idempotent_and_keeps_the_owners_other_rules():
    other = {
        "ref": "owner-api",
        "description": "owner's own",
        "expression": '(http.request.uri.path eq "/api")',
        "action": "block",
        "ratelimit": {
            "characteristics": ["ip.src", "cf.colo.id"],
            "period": 10,
            "requests_per_period": 50,
            "mitigation_timeout": 10,
        },
        "enabled": True,
    }
    desired = rules.rules("/_ff")
    first = rules.merge([other], desired)
    assert first == [other] + desired
    # What the API returns carries ids and versions too; a second run changes nothing.
    returned = [{**r, "id": f"id{i}", "version": "1", "last_updated": "now"} for i, r in enumerate(first)]
    assert rules.merge(returned, desired) is None
    # A changed prefix replaces footfall's rules, still keeping the owner's.
    changed = rules.merge(returned, rules.rules("/stats"))
    assert changed[0]["ref"] == "owner-api" and "/stats/init" in changed[1]["expression"]


def test_dry_run_prints_the_exact_payload_and_needs_no_token():
    out = subprocess.run(
        [sys.executable, str(ROOT / "waf" / "apply.py"), "--zone", "z1", "--prefix", "/stats", "--dry-run"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=True,
    )
    payload = json.loads(out.stdout)
    assert payload["phase"] == "http_ratelimit" and payload["rules"] == rules.rules("/stats")


def test_without_a_token_nothing_is_sent():
    out = subprocess.run(
        [sys.executable, str(ROOT / "waf" / "apply.py"), "--zone", "z1"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 2 and "CLOUDFLARE_API_TOKEN" in out.stderr


def test_the_official_sdk_has_the_calls_the_script_makes():
    import cloudflare

    client = cloudflare.Cloudflare(api_token="unused")
    assert callable(client.rulesets.phases.get) and callable(client.rulesets.phases.update)
    assert issubclass(cloudflare.NotFoundError, cloudflare.APIStatusError)
