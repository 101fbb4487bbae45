"""What an English sentence speaks of, from its words: one linear word scan per sentence and
dictionary lookups (a word's marks are computed once and cached), plus a few two- and
three-word phrases looked up from their first word.

Marks: neg (talks), commit (agreed), negw (mediation, proposals), modal (could, ready to),
atts (strikes), cas (killed), inf (energy), pow, rem (bodies), civ, exch (swap), ret (returned),
stall (suspended), ua (Ukrainian places and names), ru, war.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_WORD = re.compile(r"[a-z][a-z'’-]*")


def _ws(s: str) -> frozenset[str]:
    return frozenset(s.split())


_EXACT: dict[str, str] = {}
for _group, _words in {
    "neg": "talks delegation delegations summit ceasefire ceasefires cease-fire cease-fires truce"
    " trilateral envoy envoys discussions",
    "atts": "airstrike airstrikes air-strike shelling shelled bombing bombed kamikaze shahed"
    " shaheds struck",
    "inf": "blackout blackouts electricity outage outages ukrenergo substation substations"
    " hydroelectric heating refinery refineries",
    "pow": "prisoner prisoners pow pows prisoner-of-war prisoners-of-war captive captives"
    " servicemen serviceman servicemembers defenders fighters",
    "rem": "body bodies deceased",
    "civ": "civilian civilians children child kids minors deportees deported residents",
    "exch": "handover handovers",
    "ret": "freed reunited rescued handed",
    "stall": "frozen",
    "commit": "agreed agree agrees agreement agreements deal committed commitment commitments",
    "negw": "dialogue offered offer offers memorandum accord accords diplomatic proposal proposals"
    " list lists",
    "modal": "could might would must should preparing prepares planned planning plans expected"
    " expects intends scheduled upcoming next",
    "cas": "killed killing wounded dead died death deaths",
    "ua": "kyiv kiev donetsk donbas donbass luhansk kharkiv kherson mariupol bakhmut pokrovsk"
    " odesa odessa sumy kursk belgorod bryansk russo-ukrainian",
    "ru": "moscow kremlin putin",
    # verbs that may carry an exchange figure ("Russia handed over 38", "freed 95")
    "verb": "free frees freeing hand hands handing sent gave give gives got get gets took take"
    " brought bring brings bringing came come comes went liberated rescue welcomed",
    # figures written in words
    "number": "two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    " fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy"
    " eighty ninety hundred thousand",
    "resume": "renewed first",
    # an aircraft brought down (a war event of its own)
    "crash": "crash crashed crashes downed",
    # words of a date cue: the date reader runs only on sentences with one of them
    "date": "monday tuesday wednesday thursday friday saturday sunday today tonight yesterday"
    " ago week month year january february march april may june july august september october"
    " november december jan feb mar apr jun jul aug sep sept oct nov dec",
    "war": "war invasion troops forces frontline offensive military army sanctions weapons"
    " battlefield missile missiles drone drones occupied occupation soldiers combat incursion",
}.items():
    for _w in _words.split():
        _EXACT[_w] = _group

_STEMS: tuple[tuple[str, str], ...] = (
    ("negotiat", "neg"),
    ("injur", "cas"),
    ("casualt", "cas"),
    ("fatalit", "cas"),
    ("de-energi", "inf"),
    ("captiv", "pow"),
    ("exchang", "exch"),
    ("swap", "exch"),
    ("return", "ret"),
    ("repatriat", "ret"),
    ("receiv", "ret"),
    ("releas", "ret"),
    ("transferr", "ret"),
    ("suspen", "stall"),
    ("halt", "stall"),
    ("stall", "stall"),
    ("paus", "stall"),
    ("postpon", "stall"),
    ("delay", "stall"),
    ("freez", "stall"),
    ("mediat", "negw"),
    ("diplomac", "negw"),
    ("propos", "negw"),
    ("ukrain", "ua"),
    ("zelensk", "ua"),
    ("zaporizh", "ua"),
    ("crimea", "ua"),
    ("dnipro", "ua"),
    ("russia", "ru"),
    ("mobilis", "war"),
    ("mobiliz", "war"),
    ("resum", "resume"),
    ("restart", "resume"),
    ("liberat", "verb"),
    ("twenty-", "number"),
    ("thirty-", "number"),
    ("forty-", "number"),
    ("fifty-", "number"),
    ("sixty-", "number"),
    ("seventy-", "number"),
    ("eighty-", "number"),
    ("ninety-", "number"),
)

# Phrases, by first word: (next words, optional middle word, group).
_ATTACK_NOUNS = _ws("attack attacks strike strikes assault assaults barrage barrages raid raids")
_PHRASES: dict[str, tuple[tuple[frozenset[str], frozenset[str], str], ...]] = {}


def _phrase(heads: str, nexts: str, group: str, middle: str = "") -> None:
    for h in heads.split():
        _PHRASES[h] = (*_PHRASES.get(h, ()), (_ws(nexts), _ws(middle), group))


_phrase(
    "peace",
    "deal plan agreement process proposal settlement effort efforts initiative framework"
    " negotiations memorandum formula push envoy talks",
    "neg",
)
_phrase("round", "talks negotiations", "neg", "of")
_phrase("security", "guarantees", "neg")
_phrase("territorial", "concessions", "neg")
_phrase("drone missile rocket air artillery ballistic bomb aerial", " ".join(_ATTACK_NOUNS), "atts")
_phrase("glide guided", "bomb bombs", "atts", "aerial")
_phrase("massive combined large-scale", " ".join(_ATTACK_NOUNS), "atts", "missile russian drone")
_phrase("attack attacks strike strikes", "on", "atts")
_phrase(
    "power",
    "grid plant plants station stations outage outages cut cuts supply shortage shortages line"
    " lines engineer engineers generation system",
    "inf",
)
_phrase(
    "energy",
    "infrastructure facility facilities system sector object objects supply grid target targets",
    "inf",
)
_phrase("thermal", "power", "inf")
_phrase("gas", "production facility facilities infrastructure pipeline storage", "inf")
_phrase("oil", "depot depots refinery refineries terminal terminals facility facilities", "inf")
_phrase("fuel", "depot depots", "inf")
_phrase("critical", "infrastructure", "inf")
_phrase("water", "supply", "inf")
_phrase("remains", "of", "rem")
_phrase(
    "soldiers soldiers' soldiers’ servicemen' servicemen’ fighters fighters' fighters’"
    " defenders' defenders’",
    "remains",
    "rem",
)
_phrase("fallen", "soldiers defenders servicemen fighters", "rem")
_phrase("handed", "over", "exch")
_phrase("came come coming back", "home", "ret")
_phrase("took got went brought bring brings bringing", "back home", "ret")
_phrase("on", "hold", "stall")
_phrase("ready prepared willing plan plans intend intends expect expects hope hopes", "to", "modal")
_phrase("calling calls called call urged urging", "for", "modal")
_phrase("without lost lose losing restored restore restoring", "power electricity heating", "inf")
_phrase("power", "restored cut supplies", "inf")
_phrase("energy", "ministry minister company workers", "inf")
_phrase("front", "line lines", "war")
_phrase("shot", "down", "crash")

_Info = tuple[tuple[str, ...], tuple[tuple[frozenset[str], frozenset[str], str], ...] | None]
_cache: dict[str, _Info] = {}
_marked: set[str] = set()  # cached words with marks or phrase rules
_CACHE_MAX = 50_000  # distinct words; cleared when full, so adversarial text cannot grow it


def _learn(words: set[str]) -> None:
    if len(_cache) + len(words) > _CACHE_MAX:
        _cache.clear()
        _marked.clear()
    for w in words:
        info = (word_marks(w), _PHRASES.get(w))
        _cache[w] = info
        if info[0] or info[1]:
            _marked.add(w)


def word_marks(w: str) -> tuple[str, ...]:
    """Marks of one lower-case word (possessives and hyphenated parts included)."""
    base = w.rstrip("'’")
    if base.endswith(("'s", "’s")):
        base = base[:-2]
    found: list[str] = []
    parts = [base, *base.split("-")] if "-" in base else [base]
    for p in parts:
        g = _EXACT.get(p)
        if g is None:
            for stem, sg in _STEMS:
                if p.startswith(stem):
                    g = sg
                    break
        if g is not None and g not in found:
            found.append(g)
    return tuple(found)


@dataclass(slots=True)
class Marks:
    """What one sentence speaks of, with counts of some marks, and its lower-case text."""

    groups: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)
    low: str = ""

    def has(self, g: str) -> bool:
        return g in self.groups

    @property
    def exchange_talk(self) -> bool:
        """Speaks of exchanges or returns (then its talk, strike words are about them)."""
        return bool(self.groups & EXCHANGE_MARKS)


EXCHANGE_MARKS = frozenset({"pow", "rem", "civ", "exch", "ret"})


_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


# Each phrase as the text it is written as ("on hold", "round of talks"), by first word.
_PHRASE_TEXTS: dict[str, tuple[tuple[str, str], ...]] = {
    head: tuple(
        (f"{head} {m} {n}" if m else f"{head} {n}", g)
        for nexts, middle, g in rules
        for m in ("", *sorted(middle))
        for n in sorted(nexts)
    )
    for head, rules in _PHRASES.items()
}


def sentence_marks(text: str) -> Marks:
    """Marks of one sentence: set operations find its marked words (most words have none),
    then only those are looked at; a phrase is looked up as text once its first word is
    there."""
    low = text.lower()
    words = _WORD.findall(low)
    distinct = set(words)
    new = distinct.difference(_cache)
    if new:
        _learn(new)
    groups: set[str] = set()
    counts: dict[str, int] = {}
    for w in distinct & _marked:
        marks, rules = _cache[w]
        if marks:
            k = words.count(w)
            for g in marks:
                groups.add(g)
                counts[g] = counts.get(g, 0) + k
        if rules is None:
            continue
        for phrase, g in _PHRASE_TEXTS[w]:
            if phrase in low:
                groups.add(g)
                counts[g] = counts.get(g, 0) + low.count(phrase)
    if "launched" in distinct:
        i = words.index("launched")
        if any(x in ("missiles", "drones") for x in words[i + 1 : i + 5]):
            groups.add("atts")  # "launched more than 90 missiles"
    if _DIGIT.search(text):
        groups.add("digit")
        if _YEAR.search(text):
            groups.add("date")
    if "same number" in low:
        groups.add("number")
    return Marks(groups, counts, low)
