"""Long lists of words as one regular expression that stays cheap on a user agent seen for the
first time.

Python's regular expressions try every alternative at every position of the text, but skip a
position at once when every alternative starts with a plain character and the text's character
is none of them. One alternative starting otherwise (`\\bseo\\b`, `[_-]tv`) turns the skip off
for the whole list. `compile_words` rewrites those alternatives so that they start with their
word and check the boundary behind it, which matches the same text:

    \\bword...  ->  word(?<!\\wword)...     (nothing of a word right before it)
    [_-]word... ->  _word...|-word...

On Matomo's browser user agents this made the device-type and bot word lists 1.5 to 6 times
cheaper (bench/parser_cost.py measures the whole parser).
"""

import re
from functools import lru_cache

_LEADING_WORD = re.compile(r"\\b([a-z0-9]+)")
_LEADING_PAIR = re.compile(r"\[_-\]")


def _alternatives(source: str) -> list[str]:
    """The top-level alternatives of a pattern (escapes, classes and groups kept whole)."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i += 2 if source[i + 1 : i + 2] == "]" else 1  # a leading ] is a member of the class
            while source[i] != "]":
                i += 2 if source[i] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            out.append(source[start:i])
            start = i + 1
        i += 1
    out.append(source[start:])
    return out


def _literal_first(alternative: str) -> str:
    word = _LEADING_WORD.match(alternative)
    if word and alternative[word.end() : word.end() + 1] not in ("?", "*", "+", "{"):
        text = word.group(1)
        return f"{text}(?<!\\w{text}){alternative[word.end() :]}"
    if _LEADING_PAIR.match(alternative):
        rest = alternative[len("[_-]") :]
        return f"_{rest}|-{rest}"
    return alternative


def compile_words(source: str) -> re.Pattern[str]:
    """`source` (lower case alternatives joined by |) compiled with every alternative made to
    start with a plain character where it can be."""
    return re.compile("|".join(_literal_first(a) for a in _alternatives(source)))


# The engine and browser tokens every browser sends (AppleWebKit/537.36, Chrome/131.0.0.0,
# Safari/537.36, "(KHTML, like Gecko)") name no device and hold no bot's word: the word lists of
# footfall.classify.bots and footfall.classify.useragent look at the rest, 64 characters instead of 110 on
# Matomo's browsers.
_BROWSER_TOKENS = re.compile(
    r"(?<!\w)(?:mozilla|applewebkit|chrome|safari|version|gecko|firefox)/[\d.+]+|\(khtml, like gecko\)"
)


# Both modules ask for the same user agent within one request: the second asks the cache.
@lru_cache(maxsize=8)
def without_browser_tokens(ua: str) -> str:
    """A lower-cased user agent with the tokens every browser sends blanked out."""
    return _BROWSER_TOKENS.sub(" ", ua)
