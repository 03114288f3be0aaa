"""Each device-type rule of footfall.classify.useragent (issue 13), checked on the real user agents of
Matomo's fixtures it was written for (PyPI `device-detector`, a pinned dev dependency, never
vendored): every fixture a rule's words select, labelled with the type the rule gives, must
parse to that type, and the rule must select no more than the few fixtures of another type
counted beside it. The corpus-wide figure is test_corpora_matomo.py's."""

import re

import pytest
from bench import corpora

from footfall.classify.useragent import DESKTOP, MOBILE, TABLET, TV

# (what the rule is about, words selecting fixtures, type footfall gives them,
#  at least this many fixtures of that type, at most this many of another type among them)
RULES = [
    ("TV sets: screen diagonal opening the model", r"; (?:24|32|43|55)(?:lex|u6|lh|lf)", TV, 40, 0),
    ("TV sets: Russian Shell platform and a panel", r" shell [a-z0-9]", TV, 70, 0),
    ("TV sets: LED/UHD in the model", r"[-_]led\d|\buhd\b", TV, 30, 0),
    ("set-top boxes by product name", r"a95x|vontar|zidoo|nexon|mygica|pendoo|formuler", TV, 60, 0),
    ("operators' boxes and players by middleware", r"stbapp|libvlc|mb9\d/|gw-device|\(sky,", TV, 25, 0),
    # Savio's TB- boxes (4) share Lenovo's prefix.
    ("Lenovo Tab / Yoga Tab model prefixes", r"\btb\d?-|\byt\d?-", TABLET, 25, 4),
    ("Prestigio MultiPad, Lexibook, 3Q model prefixes", r"pmt\d|\bmfc\d|\bqs0\d|\brc0\d", TABLET, 30, 1),
    ("Windows Phone and UC Browser's iPhone header", r"lumia|wpdesktop|dv\(iph", MOBILE, 60, 0),
    ("Chinese makers' WebViews without Mobile Safari", r"android.*chrome/[\d.]+$", MOBILE, 55, 7),
    # Yandex's app for tablets (/apad) wins over a phone's model number.
    (
        "vivo, OPPO, realme model numbers",
        r"^(?!.*(?:/apad|tv_)).*android.*(?:\bv\d{4}[a-z]{1,2}\b|\brmx\d|\bcph\d)",
        MOBILE,
        400,
        0,
    ),
    ("Polar, TopDevice, Vorke TVs and boxes", r"polar_|tdtv|vorke", TV, 30, 0),
    ("AllDocube iPlay tablets", r"android.*iplay", TABLET, 8, 0),
    # TiVo names itself; Positivo's tablets have "tivo" inside their maker's name.
    ("Positivo tablets are not TiVo boxes", r"positivo.*applewebkit", TABLET, 8, 30),
    ("Coolpad phones are not pads", r"coolpad.*mobile", MOBILE, 15, 0),
    ("Chromebooks and PCs running Android", r"android.*(?:chromebook|latitude|inspiron|elitebook)", DESKTOP, 20, 1),
    ("TV sets and boxes: a model name ending in TV", r"(?:smarter|fibe|union|giga|portal|[24]k)tv\b", TV, 8, 0),
    ("Android phones with a J2ME profile", r"android/[\d.]+ .*profile/midp", MOBILE, 8, 0),
]


@pytest.mark.parametrize("about, words, expected, at_least, others_at_most", RULES, ids=[r[0] for r in RULES])
def test_device_rule_on_matomo_fixtures(about, words, expected, at_least, others_at_most):
    select = re.compile(words)
    chosen = [e for e in corpora.matomo_devices() if select.search(e["ua"].lower())]
    typed = [(e, corpora.DEVICE_TYPES.get(e["device"])) for e in chosen]
    same = [e for e, theirs in typed if theirs == expected]
    others = [e for e, theirs in typed if theirs is not None and theirs != expected]
    wrong = [(e["ua"], corpora.parse_entry(e).device) for e in same if corpora.parse_entry(e).device != expected]
    assert len(same) >= at_least, (about, len(same))
    assert wrong == []
    assert len(others) <= others_at_most, [(e["device"], e["ua"]) for e in others]
