"""footfall.classify.wordlist rewrites word lists so that every alternative starts with a plain
character; the rewritten pattern must match exactly where the written one does."""

import re

import pytest
from bench import corpora

from footfall.classify.wordlist import _alternatives, compile_words, without_browser_tokens

SOURCES = [
    r"\btv\b|[_-]tv(?!m)|tv[-_]|box\b|\bstb\b|smart-?tv",
    r"\bseo\b|seo\w*(?:bot|spider)|\bphp/|\brust[/-]|\bwww\.|https?://",
    r"\bkf[a-z]{2,6}\b|\bmid[ _-]?\d|\btab\b|tab[ _-]?\d|pad\b",
    r"\bseo?x|[]a]b|\(sky,|a\|b|(?:\bq|r)s",  # a quantified word, a class opening with ], escapes
]
TEXTS = [
    "a seo tool",
    "tseo",
    "smart_tv",
    "w-k360-tvm",
    "tv-box",
    "stb",
    "(sky, es340)",
    "sex",
    "rust/1",
    "trust/1",
    "kfmawi",
    "mid-7",
    "]b a|b qs",
]


@pytest.mark.parametrize("source", SOURCES)
def test_rewritten_list_matches_where_the_written_one_does(source):
    written, rewritten = re.compile(source), compile_words(source)
    texts = TEXTS + [e["ua"].lower() for e in corpora.matomo_devices()[::7]]
    differ = [t for t in texts if bool(written.search(t)) != bool(rewritten.search(t))]
    assert differ == []
    spans = [t for t in texts if written.search(t) and written.search(t).span() != rewritten.search(t).span()]
    assert spans == []


def test_every_alternative_starts_with_a_plain_character():
    rewritten = compile_words(SOURCES[0] + "|" + SOURCES[1])
    assert [a for a in _alternatives(rewritten.pattern) if a[0] in "\\[(^"] == []


def test_alternatives_split_at_top_level_only():
    assert _alternatives(r"a|(?:b|c)|[|]|\||d") == ["a", "(?:b|c)", "[|]", r"\|", "d"]


def test_browser_tokens_are_blanked_but_not_inside_other_words():
    ua = "mozilla/5.0 (x11) applewebkit/537.36 (khtml, like gecko) headlesschrome/120.0 safari/537.36"
    assert without_browser_tokens(ua).split() == ["(x11)", "headlesschrome/120.0"]
