"""English figures among the tokens ("1,000", "1 000", "thirty-one", "a thousand",
"1,000-for-1,000"), with the cheap rejections that need only the characters around a figure
(ordinals, units, model names like Su-34, money, percentages, years, dates)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.reader.en.lexicon import (
    APPROX_1,
    APPROX_2,
    MONTHS,
    NUMBER_WORDS,
    SCALES,
    TENS,
    UNITS,
)
from agents.reader.en.tokens import N, Tokens, W
from agents.reader.shared.numbers import parse_grouped_int

_SPACE_GROUP = frozenset(" \u00a0\u202f\u2009")
_CURRENCY = frozenset("$€£₴₽¥#№")


@dataclass(slots=True)
class Mention:
    """A figure: tokens [i0, i1), its value, whether hedged ("about", "more than").

    `pair` is set on the first figure of "1,000-for-1,000" / "84 for 84" / "1,200-1,200", and
    then i1 covers both figures and `value2` holds the second."""

    value: int
    i0: int
    i1: int
    approx: bool
    start: int
    end: int
    pair: bool = False
    value2: int = 0
    word: bool = False  # written in words


def _word_number(t: Tokens, i: int) -> tuple[int, int] | None:
    """Value and end index of a number written in words starting at token i."""
    total = 0
    current = 0
    seen = False
    j = i
    n = len(t)
    while j < n and t.kind[j] == W:
        w = t.low[j]
        if w == "a" and not seen and j + 1 < n and t.low[j + 1] in SCALES:
            current = 1
        elif "-" in w and all(p in UNITS or p in TENS for p in w.split("-")):
            parts = w.split("-")
            current += sum(UNITS.get(p, 0) + TENS.get(p, 0) for p in parts)
            seen = True
        elif w in UNITS or w in TENS:
            current += UNITS.get(w, 0) + TENS.get(w, 0)
            seen = True
        elif w in SCALES and current == 0 and total == 0:
            break  # "a few hundred", "several thousand": no figure
        elif w == "hundred":
            current *= 100
            seen = True
        elif w == "thousand":
            total += current * 1000
            current = 0
            seen = True
        elif w == "and" and seen and j + 1 < n and t.low[j + 1].split("-")[0] in NUMBER_WORDS:
            pass  # "one hundred and seventy-five"
        else:
            break
        j += 1
    if not seen:
        return None
    return total + current, j


# "handed over 1,180": a particle, not "more than"
_OVER_PARTICLE = frozenset({"hand", "hands", "handed", "handing", "turned", "turn", "passed"})


def _approx_before(t: Tokens, i: int) -> bool:
    if i >= 1 and t.low[i - 1] in APPROX_1:
        return not (t.low[i - 1] == "over" and i >= 2 and t.low[i - 2] in _OVER_PARTICLE)
    if i >= 2 and (t.low[i - 2], t.low[i - 1]) in APPROX_2:
        return True
    # "as many as", "no fewer than", "in excess of"
    return i >= 3 and (t.low[i - 3], t.low[i - 2]) in APPROX_2


def _is_hyphen(s: str) -> bool:
    return s in ("-", "–", "—")


def find_mentions(t: Tokens) -> list[Mention]:
    """Figures that could count people; dates, years, ordinals, units, models, money and
    percentages are left out here."""
    out: list[Mention] = []
    n = len(t)
    kind, low = t.kind, t.low
    # the few tokens where a figure may start (most are plain words), found at C speed
    starts = [
        x
        for x, (k, w) in enumerate(zip(kind, low, strict=True))
        if k == N or (k == W and (w in NUMBER_WORDS or w == "a" or "-" in w))
    ]
    i = 0
    for x in starts:
        if x < i:
            continue  # inside the figure read before
        i = x
        if kind[i] == N:
            m = _digit_mention(t, i)
            if m is None:
                continue
        else:
            wn = _word_number(t, i)
            if wn is None or wn[0] < 2:
                continue
            value, j = wn
            if j < n and _is_hyphen(low[j]) and t.start[j] == t.end[j - 1]:
                i = j
                continue
            m = Mention(value, i, j, _approx_before(t, i), t.start[i], t.end[j - 1], word=True)
        out.append(m)
        i = m.i1
    return out


def _digit_mention(t: Tokens, i: int) -> Mention | None:
    text = t.text
    n = len(t)
    raw = t.low[i]
    s, e = t.start[i], t.end[i]
    # glued to letters or other figures: "5th", "13km", "1737GMT", "Su-34", "Il-76", "$5", "5%"
    if e < len(text) and (text[e].isalpha() or text[e] in "%:/"):
        return None
    if s > 0:
        c = text[s - 1]
        if c in _CURRENCY or c.isalpha() or c in "/:":
            return None
        if c in "-–" and s > 1 and text[s - 2].isalnum() and not text[s - 2].isdigit():
            return None
    value = parse_grouped_int(raw)
    j = i + 1
    if value is None:
        # "1.2 thousand"
        if j < n and t.low[j] == "thousand" and re.fullmatch(r"\d+[.,]\d", raw):
            v = float(raw.replace(",", ".")) * 1000
            if v.is_integer():
                return Mention(int(v), i, j + 1, _approx_before(t, i), s, t.end[j])
        return None
    # "1 000", "12 000": groups of three separated by one space
    prev_low = t.low[i - 1] if i > 0 else ""
    while (
        j < n
        and t.kind[j] == N
        and len(t.low[j]) == 3
        and t.low[j].isdigit()
        and t.start[j] - t.end[j - 1] == 1
        and text[t.end[j - 1]] in _SPACE_GROUP
        and len(t.low[j - 1].split(",")[-1]) <= 3
        and prev_low not in MONTHS
        and value < 1000
    ):
        value = value * 1000 + int(t.low[j])
        e = t.end[j]
        j += 1
    if j < n and t.kind[j] == W:
        nxt = t.low[j]
        if nxt in ("million", "billion", "trillion", "percent", "per"):
            return None
        if nxt == "thousand":
            value *= 1000
            e = t.end[j]
            j += 1
        # "16 May", "10 April 2023"
        if nxt in MONTHS and value <= 31:
            return None
    # "April 10", "May 16, 2025", "Nov. 14"
    if value <= 31 and (
        prev_low in MONTHS or (prev_low == "." and i > 1 and t.low[i - 2] in MONTHS)
    ):
        return None
    # A plain four-digit year ("2025") is never a count here.
    if raw.isdigit() and len(raw) == 4 and 1900 <= value <= 2100:
        return None
    # "24- to 48-hour", "20-year-old": figure glued to a hyphen and a word
    if j < n and _is_hyphen(t.low[j]) and t.start[j] == e:
        if j + 1 < n and t.kind[j + 1] == W and t.low[j + 1] not in ("for", "to", "on"):
            return None
        if j + 1 < n and t.low[j + 1] == "to":
            return None
    approx = _approx_before(t, i)
    m = Mention(value, i, j, approx, s, e)
    _pair(t, m)
    return m


def _pair(t: Tokens, m: Mention) -> None:
    """Extend `m` over a second figure: "1,000-for-1,000", "84 for 84", "1,200-1,200"."""
    n = len(t)
    j = m.i1
    k = j
    noun = False
    if k + 2 < n and t.kind[k] == W and t.low[k + 1] == "for" and t.kind[k + 2] == N:
        # "307 prisoners for 307": the noun between, and the same figure again
        noun = parse_grouped_int(t.low[k + 2]) == m.value
        if noun:
            k += 1
    if k < n and _is_hyphen(t.low[k]):
        k += 1
    if k < n and t.low[k] in ("for", "on"):
        k += 1
        if k < n and _is_hyphen(t.low[k]):
            k += 1
    elif k == j:
        return  # neither a hyphen nor "for"
    if k < n and t.kind[k] == N:
        v2 = parse_grouped_int(t.low[k])
        e2 = t.end[k]
        if v2 is None or (k + 1 < n and t.kind[k + 1] == W and t.start[k + 1] == e2):
            return
        if e2 < len(t.text) and (t.text[e2].isalpha() or t.text[e2] in "%"):
            return
        m.pair = True
        m.value2 = v2
        m.i1 = k + 1
        m.end = e2
