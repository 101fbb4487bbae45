"""English tokens: words (lower-cased, without a possessive ending), digits and punctuation,
with their offsets in the sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

# digits (with , or . groups), words (letters with inner hyphens/apostrophes), one other char
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’\-][^\W\d_]+)*['’]?|\S")
_POSSESSIVE = ("'s", "’s")
_SPACE_GROUP = frozenset(" \u00a0\u202f\u2009")
_CURRENCY = frozenset("$€£₴₽¥#№")

N, W, P = 0, 1, 2  # token kinds


@dataclass(slots=True)
class Tokens:
    """Parallel lists over one sentence: kind (N/W/P), lower-cased form, offsets."""

    text: str
    kind: list[int]
    low: list[str]
    start: list[int]
    end: list[int]
    # positions of the verbs of return, found once per sentence (figures.verbs)
    verbs: list[int] | None = None

    def __len__(self) -> int:
        return len(self.kind)


def _norm(tk: str) -> str:
    """Lower case, without a possessive ending ("Moscow's" -> "moscow", "soldiers'")."""
    w = tk.lower()
    if "'" in w or "’" in w:
        if w.endswith(_POSSESSIVE):
            w = w[:-2]
        w = w.rstrip("'’")
    return w


# token -> (kind, lower-case form); words and punctuation recur, so each is classified once
_tok_cache: dict[str, tuple[int, str]] = {}


def _classify(tk: str) -> tuple[int, str]:
    c = tk[0]
    if c.isdecimal():
        return N, tk
    if c.isalpha():
        return W, _norm(tk)
    return P, tk


def tokenize(text: str) -> Tokens:
    kinds: list[int] = []
    lows: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    find = text.find
    cache = _tok_cache
    pos = 0
    for tk in _TOKEN.findall(text):
        i = find(tk, pos)
        pos = i + len(tk)
        got = cache.get(tk)
        if got is None:
            if len(cache) > 50_000:
                cache.clear()
            got = cache[tk] = _classify(tk)
        kinds.append(got[0])
        lows.append(got[1])
        starts.append(i)
        ends.append(pos)
    if "(" in lows:
        _aside(kinds, lows)
    return Tokens(text, kinds, lows, starts, ends)


ASIDE = "·"  # the form of the tokens of a short aside
_MAX_ASIDE = 6


def _aside(kinds: list[int], lows: list[str]) -> None:
    """A short parenthesis without a figure ("a body (remains) handover", "Kyiv (the
    capital)") is an aside: its tokens become neutral punctuation, so that the scans from a
    verb or a figure read through it instead of stopping at the bracket."""
    n = len(lows)
    for i in range(n):
        if lows[i] != "(":
            continue
        for j in range(i + 1, min(n, i + _MAX_ASIDE + 2)):
            if lows[j] == ")":
                if all(kinds[x] == W for x in range(i + 1, j)):
                    for x in range(i, j + 1):
                        kinds[x], lows[x] = P, ASIDE
                break
            if lows[j] == "(":
                break
