"""Custom events' properties (footfall/report/props.py): a few scalar values under short names, the
element's dataset read back to its data-footfall-prop-* names, nothing that looks like an
e-mail address; stored with the event and counted per value (issue #15 item 4)."""

import json
import uuid

import pytest

from footfall.collect import payload
from footfall.errors import Rejection
from footfall.report import props
from support.inprocess import InProcess
from support.owner import BEARER, DASHBOARD_TOKEN


@pytest.mark.parametrize(
    "raw,stored",
    [
        (None, None),
        ({}, None),
        ({"plan": "pro"}, {"plan": "pro"}),
        ({"seats": 3, "trial": True, "ratio": 0.5}, {"seats": "3", "trial": "true", "ratio": "0.5"}),
        ({"plan": "  pro\x00plus "}, {"plan": "pro plus"}),  # controls are spaces, ends trimmed
        ({"plan": None}, None),
        ({"plan": "x" * props.MAX_VALUE}, {"plan": "x" * props.MAX_VALUE}),
        ({f"k{n}": "v" for n in range(props.MAX_PROPS)}, {f"k{n}": "v" for n in range(props.MAX_PROPS)}),
        # An element's dataset: data-footfall-event="signup" data-footfall-prop-plan="pro"
        # data-footfall-prop-is-customer="yes" data-other="x".
        (
            {"footfallEvent": "signup", "footfallPropPlan": "pro", "footfallPropIsCustomer": "yes", "other": "x"},
            {"plan": "pro", "is-customer": "yes"},
        ),
        ({"footfallEvent": "signup"}, None),
    ],
    ids=["none", "empty", "one", "scalars", "controls", "null", "longest", "most", "dataset", "dataset-bare"],
)
def test_properties_are_kept_as_text(raw, stored):
    text = props.parse(raw, "custom")
    assert (json.loads(text) if text else None) == stored


@pytest.mark.parametrize(
    "raw",
    [
        "plan=pro",
        ["pro"],
        {"plan": "x" * (props.MAX_VALUE + 1)},
        {f"k{n}": "v" for n in range(props.MAX_PROPS + 1)},
        {"plan": {"nested": 1}},
        {"plan": ["a"]},
        {"": "x"},
        {"a b": "x"},
        {"k" * 65: "x"},
        {"email": "jane.doe@example.com"},
        {"note": "write to jane@example.org please"},
        {"x": float("inf")},
        {"plan\n": "pro"},
        {"n": 10**3900},
        {"n": -(2**53)},
    ],
    ids=[
        "text",
        "list",
        "value-too-long",
        "too-many",
        "nested",
        "array",
        "empty-name",
        "space-in-name",
        "name-too-long",
        "email",
        "email-inside",
        "infinite",
        "newline-after-name",
        "number-longer-than-a-value",
        "beyond-safe-integers",
    ],
)
def test_properties_outside_the_rules_are_refused(raw):
    with pytest.raises(Rejection) as caught:
        props.parse(raw, "custom")
    assert caught.value.status == 400 and caught.value.code == "invalid_props"


def test_properties_belong_to_custom_events_only():
    with pytest.raises(Rejection):
        props.parse({"plan": "pro"}, "outbound")


def test_an_address_without_a_dot_after_the_at_is_not_refused():
    assert json.loads(props.parse({"handle": "@footfall", "at": "me@home"}, "custom")) == {
        "at": "me@home",
        "handle": "@footfall",
    }


def test_an_event_with_properties_is_stored_and_counted_per_value():
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN, "EVENT_NAMES": "signup"})
    for n, plan in enumerate(("pro", "pro", "free")):
        page_load = str(uuid.uuid4())
        assert app.beacon("init", {"uuid": page_load, "page": "/", "referrer": ""}).status == 204
        event = {"uuid": page_load, "seq": 1, "type": "custom", "name": "signup", "page": "/", "props": {"plan": plan}}
        assert app.beacon("event", event).status == 204, n
    refused = {"uuid": page_load, "seq": 2, "type": "custom", "name": "signup", "page": "/", "props": {"e": "a@b.co"}}
    reply = app.beacon("event", refused)
    assert reply.status == 400 and "e-mail" in reply.json()["message"]
    assert (
        sorted(r["props"] for r in app.rows("SELECT props FROM events"))
        == ['{"plan": "free"}'] + ['{"plan": "pro"}'] * 2
    )
    body = {"date_range": "day", "metrics": ["visitors", "events"], "dimensions": ["event:props:plan"]}
    reply = app.post("/_ff/api/v1/query", body, headers=BEARER)
    assert reply.status == 200, reply.text()
    # One visitor (one browser, one day) sent all three; the page views carry no plan.
    assert {tuple(r["dimensions"]): r["metrics"] for r in reply.json()["results"]} == {
        ("pro",): [1, 2],
        ("free",): [1, 1],
        ("(none)",): [1, 3],
    }


def test_the_payload_carries_properties_to_the_event_record():
    record = payload.parse_event(
        {"uuid": str(uuid.uuid4()), "type": "custom", "name": "signup", "page": "/", "props": {"plan": "pro"}},
        frozenset({"signup"}),
    )
    assert record.props == '{"plan": "pro"}'


def test_a_tagged_elements_dataset_names_the_event_and_carries_its_properties():
    dataset = {"footfallEvent": "signup", "footfallPropPlan": "pro", "id": "cta"}
    record = payload.parse_event(
        {"uuid": str(uuid.uuid4()), "type": "custom", "page": "/", "props": dataset}, frozenset({"signup"})
    )
    assert (record.name, record.props) == ("signup", '{"plan": "pro"}')
    with pytest.raises(Rejection):  # the name still has to be one EVENT_NAMES allows
        payload.parse_event(
            {"uuid": str(uuid.uuid4()), "type": "custom", "page": "/", "props": {"footfallEvent": "other"}},
            frozenset({"signup"}),
        )
