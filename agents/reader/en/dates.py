"""English date cues in a sentence, resolved against the publication date.

A cue is "on Tuesday", "today", "last week", "in November 2023", "on October 23", "16 May
2025", "since October 2025", "two months ago"... Relative cues resolve only when the
publication date is known; a day and month without a year need it too."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from agents.reader.en.lexicon import MONTHS, TENS, UNITS, WEEKDAYS
from agents.reader.shared.dates import (
    date_str,
    fmt_date,
    months_ago,
    resolve_day_month,
    resolve_month,
    resolve_weekday,
)

CueRole = Literal["on", "since", "as_of", "other"]

_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_YEAR = r"(?:19|20)\d{2}"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_SMALL = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_EDGE = r"(?:(?:early|mid|late|the\ end\ of|the\ beginning\ of|the\ start\ of)[-\ ])?"

# The date itself, matched on lower-case text (case-sensitive matching is much faster); the
# preposition before it is read separately (_PRE) and capitals are checked on the original.
_CUE = re.compile(
    rf"""\b(?:
      (?P<rel>today|tonight|yesterday|this\ (?:morning|afternoon|evening|week|month|year)
             |last\ (?:night|week|month|year)|earlier\ this\ (?:week|month|year)
             |the\ day\ before\ yesterday)
    | (?P<wd>{_WD})(?:,?\ (?P<wdm>{_MONTH})\ (?P<wdd>{_DAY}))?
    | (?P<m1>{_MONTH})\ (?P<d1>{_DAY})(?:,?\ (?P<y1>{_YEAR}))?(?!\d)
    | (?P<d2>{_DAY})\ (?:of\ )?(?P<m2>{_MONTH})(?:,?\ (?P<y2>{_YEAR}))?
    | {_EDGE}(?P<m3>{_MONTH})(?:\ of)?,?\ (?P<y3>{_YEAR})
    | {_EDGE}(?P<m4>{_MONTH})
    | (?P<y4>{_YEAR})
    | (?P<agon>{_SMALL})\ (?P<agou>days?|weeks?|months?|years?)\ ago
    )\b""",
    re.X,
)
_PRE = re.compile(
    r"(?:^|[^\w])(on|in|since|from|by|as of|until|till|before|after|during|of|at|between|for)"
    r"\s{1,3}$"
)
# Substrings without which a sentence has no date cue (a cheap gate before the regex).
_KEYS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "day",
    "tonight", "week", "month", "year", "ago", "19", "20",
)  # fmt: skip

_ROLE: dict[str, CueRole] = {
    "on": "on",
    "in": "on",
    "of": "on",
    "at": "on",
    "during": "on",
    "since": "since",
    "from": "since",
    "as of": "as_of",
    "by": "as_of",
}


@dataclass(frozen=True, slots=True)
class DateCue:
    start: int
    end: int
    role: CueRole
    value: str | None  # None: a cue the publication date was needed for and is unknown
    relative: bool  # resolved against the publication date


def _small(s: str) -> int | None:
    s = s.lower()
    if s.isdigit():
        return int(s)
    if s in ("a", "an"):
        return 1
    return UNITS.get(s, TENS.get(s))


def _month(s: str) -> int:
    return MONTHS[s.lower().rstrip(".")]


def _day(s: str) -> int:
    return int(re.sub(r"\D", "", s))


def _capitalised(text: str, m: re.Match[str], group: str) -> bool:
    return text[m.start(group) : m.start(group) + 1].isupper()


def find_dates(text: str, ref: dt.date | None) -> list[DateCue]:
    """Every date cue of `text` with its role (on / since / as of / other)."""
    low = text.lower()
    if len(low) != len(text):
        low = text  # lower-casing changed offsets (rare scripts): match as written
    if not any(map(low.__contains__, _KEYS)):
        return []
    out: list[DateCue] = []
    for m in _CUE.finditer(low):
        pm = _PRE.search(low[max(0, m.start() - 14) : m.start()])
        pre = " ".join(pm.group(1).split()) if pm else ""
        role: CueRole = _ROLE.get(pre, "other" if pre else "on")
        value: str | None = None
        relative = False
        g = m.group
        if g("rel"):
            relative = True
            rel = " ".join(g("rel").lower().split())
            if ref is not None:
                if rel in ("today", "tonight") or (
                    rel.startswith("this ") and rel.endswith(("morning", "afternoon", "evening"))
                ):
                    value = date_str(ref)
                elif rel == "yesterday":
                    value = date_str(ref - dt.timedelta(days=1))
                elif rel == "the day before yesterday":
                    value = date_str(ref - dt.timedelta(days=2))
                elif rel == "last night":
                    value = date_str(ref - dt.timedelta(days=1))
                elif rel in ("this week", "earlier this week", "this month", "earlier this month"):
                    value = fmt_date(ref.year, ref.month)
                elif rel == "last week":
                    d = ref - dt.timedelta(days=7)
                    value = fmt_date(d.year, d.month)
                elif rel == "last month":
                    value = months_ago(ref, 1)
                elif rel in ("this year", "earlier this year"):
                    value = fmt_date(ref.year)
                elif rel == "last year":
                    value = fmt_date(ref.year - 1)
        elif g("wd"):
            if not _capitalised(text, m, "wd"):
                continue
            relative = True
            if g("wdm"):
                value = resolve_day_month(ref, _day(g("wdd")), _month(g("wdm")), None)
            elif ref is not None:
                value = date_str(resolve_weekday(ref, WEEKDAYS[g("wd").lower()]))
        elif g("m1"):
            if not _capitalised(text, m, "m1"):
                continue
            y = int(g("y1")) if g("y1") else None
            relative = y is None
            value = resolve_day_month(ref, _day(g("d1")), _month(g("m1")), y)
        elif g("m2"):
            if not _capitalised(text, m, "m2"):
                continue
            y = int(g("y2")) if g("y2") else None
            relative = y is None
            value = resolve_day_month(ref, _day(g("d2")), _month(g("m2")), y)
        elif g("m3"):
            if not _capitalised(text, m, "m3"):
                continue
            value = fmt_date(int(g("y3")), _month(g("m3")))
        elif g("m4"):
            # a bare month needs a preposition and a capital ("in November", not "may")
            if not pre or pre in ("of", "at") or not _capitalised(text, m, "m4"):
                continue
            relative = True
            value = resolve_month(ref, _month(g("m4")), None)
        elif g("y4"):
            if not pre or pre in ("at", "of"):
                continue
            value = fmt_date(int(g("y4")))
        elif g("agon"):
            num = _small(g("agon"))
            unit = g("agou").lower().rstrip("s")
            relative = True
            if num is None or ref is None:
                value = None
            elif unit == "day":
                value = date_str(ref - dt.timedelta(days=num))
            elif unit == "week":
                d = ref - dt.timedelta(days=7 * num)
                value = fmt_date(d.year, d.month)
            elif unit == "month":
                value = months_ago(ref, num)
            else:
                value = fmt_date(ref.year - num)
        out.append(DateCue(m.start(), m.end(), role, value, relative))
    return out


_DURATION = re.compile(
    rf"\b(?:for|over) (?:the (?:past|last) )?(?P<n>{_SMALL}|several|a few) (?P<u>weeks?|months?)\b",
)


def duration_start(text: str, ref: dt.date | None) -> str | None:
    """Start month of "for five months" / "for the past two weeks", or None."""
    if ref is None:
        return None
    m = _DURATION.search(text.lower())
    if m is None:
        return None
    n = _small(m.group("n"))
    if n is None:
        return None
    if m.group("u").lower().startswith("week"):
        d = ref - dt.timedelta(days=7 * n)
        return fmt_date(d.year, d.month)
    return months_ago(ref, n)
