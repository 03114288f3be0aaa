"""Custom events' properties: `footfall('signup', {plan: 'pro'})`, or
`data-footfall-prop-plan="pro"` beside `data-footfall-event="signup"` on an element.

A property value is the owner's data about the event, never the visitor's: at most
MAX_PROPS of them, each a scalar (string, number, true/false) under a short name, values cut
to nothing longer than MAX_VALUE, and a value that looks like an e-mail address is refused
(README.md, "Event properties"). They are stored on the event row as a JSON object with sorted
keys and rolled up per day, event and value (`daily_props`, footfall/report/insights.py). This
module is on the beacon's path: validation only.

The tracker sends a tagged element's whole `dataset` and no name (it costs the script a few
bytes, not a loop): the name is `footfallEvent` (data-footfall-event), and only the
`footfallProp*` keys are properties, named back as the attribute had them
(`footfallPropIsCustomer` <- data-footfall-prop-is-customer).
"""

import json
import re

from footfall.collect.text import clean_text
from footfall.errors import Rejection

MAX_PROPS = 5
MAX_KEY = 64
MAX_VALUE = 256
MAX_SAFE_INTEGER = 2**53 - 1
# A property's name, as stored with its event and as the stats APIs name it (event:props:NAME).
KEY_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}")
# Something@something.tld anywhere in the value: an address, or text that carries one.
EMAIL_RE = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@.]{2,}")
DATASET_EVENT, DATASET_PROP = "footfallEvent", "footfallProp"


def _bad(message: str) -> Rejection:
    return Rejection(400, "invalid_props", f"props {message}")


def _from_dataset(raw: dict) -> dict:
    """An element's dataset -> its data-footfall-prop-* attributes by their own names."""
    out = {}
    for key, value in raw.items():
        if isinstance(key, str) and key.startswith(DATASET_PROP) and len(key) > len(DATASET_PROP):
            name = key[len(DATASET_PROP) :]
            out[re.sub(r"[A-Z]", lambda m: "-" + m.group().lower(), name[0].lower() + name[1:])] = value
    return out


def dataset_name(raw: object) -> str | None:
    """The event name a tagged element's dataset carries (data-footfall-event), if any."""
    if isinstance(raw, dict) and isinstance(raw.get(DATASET_EVENT), str):
        return raw[DATASET_EVENT]
    return None


def _scalar(key: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        # Whole numbers a browser can send exactly (JavaScript's safe integers); longer ones
        # would bypass the length limit of text values.
        if abs(value) > MAX_SAFE_INTEGER:
            raise _bad(f"value of {key} must be a number from -{MAX_SAFE_INTEGER} to {MAX_SAFE_INTEGER}")
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _bad(f"value of {key} must be a finite number")
        return repr(value)
    if not isinstance(value, str):
        raise _bad(f"value of {key} must be a string, a number or true/false")
    text = clean_text(value)
    if len(text) > MAX_VALUE:
        raise _bad(f"value of {key} may be at most {MAX_VALUE} characters")
    if EMAIL_RE.search(text):
        raise _bad(f"value of {key} looks like an e-mail address: footfall stores no visitor's address")
    return text or None


def parse(raw: object, event_type: str) -> str | None:
    """A payload's `props` -> the JSON text stored with the event, or None."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _bad("must be an object of names and values")
    if DATASET_EVENT in raw:
        raw = _from_dataset(raw)
    if not raw:
        return None
    if event_type != "custom":
        raise _bad("belong to custom events only")
    if len(raw) > MAX_PROPS:
        raise _bad(f"may hold at most {MAX_PROPS} properties")
    clean = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not KEY_RE.fullmatch(key):
            raise _bad("names are 1 to 64 letters, digits, _ . : or -")
        text = _scalar(key, value)
        if text is not None:
            clean[key] = text
    return json.dumps(clean, sort_keys=True, ensure_ascii=False) if clean else None
