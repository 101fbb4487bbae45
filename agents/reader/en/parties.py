"""Who is who in an English sentence: the subject of a verb of return, where the people went
or came from, the official whose figure it is.

Every scan is bounded by a fixed number of tokens or by the sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from agents.reader.en.lexicon import (
    AGENT_NOUNS,
    AGENTS,
    CLAIMANTS,
    PARTY_ADJ,
    PLACE_SIDE,
    REGION_SIDE,
    may_name_claimant,
)
from agents.reader.en.tokens import N, P, Tokens
from agents.reader.shared.sentences import Sentence
from agents.reader.shared.text import lower_pattern, lower_same
from schemas.common import Party

Agent = Party | Literal["each", "joint"] | None
STOP_PUNCT = frozenset(".;:!?()[]")
CLAUSE_WORDS = frozenset({"while", "whereas", "but", "although", "though", "however", "yet"})
_NOT_AGENT_BEFORE = frozenset({"to", "from", "with", "for", "between", "by", "against", "of", "in"})


def other(p: Party) -> Party:
    return "RU" if p == "UA" else "UA"


# Between two verbs of one subject: "handed over 1,000 ... and received 19 back", "...,
# while receiving about 15 in return", "... but got only 19".
_COORDINATORS = frozenset({"and", "while", "whilst", "but", "then", "yet"})
_VERB_ADVERBS = frozenset(
    {"also", "then", "later", "subsequently", "in", "turn", "return", "exchange", "only", "has",
     "have", "had", "was", "were", "is", "are", "been", "reportedly", "simultaneously", "itself"}
)  # fmt: skip


_SAYS = frozenset(
    ("said", "says", "stated", "claimed", "claims", "reported", "announced", "added", "confirmed")
)


def _reported_self(t: Tokens, x: int, j: int) -> bool:
    """Whether "that" at x opens reported speech whose subject is a pronoun for the speaker
    ("said ... that it had received")."""
    return (
        x + 1 < j
        and t.low[x + 1] in ("it", "they")
        and any(t.low[y] in _SAYS for y in range(max(0, x - 4), x))
    )


def subject_of(t: Tokens, j: int, stop: int = -1) -> Agent:
    """The subject of the verb at j: the nearest party word before it, after token `stop`
    (the verb before it), that is not the object of a preposition ("to the Ukrainian side",
    "with Russia")."""
    for x in range(j - 1, max(stop, j - 10), -1):
        kd, w = t.kind[x], t.low[x]
        if kd == P:
            if w in STOP_PUNCT:
                return None
            continue
        if w == "that" and _reported_self(t, x, j):
            continue  # "Russia said at the time that it had received": the speaker
        if w in ("that", "whereas", "but", "when", "who", "which"):
            return None
        if w == "while" and x < j - 1:
            return None  # "..., while receiving about 200": the same subject, read on
        if w == "each" and (x == j - 1 or t.low[x + 1] in ("side", "party")):
            return "each"
        if w in ("sides", "parties") and t.low[x - 1] != "each":
            return "joint"
        if w in AGENTS or (w in PARTY_ADJ and x + 1 < len(t) and t.low[x + 1] in AGENT_NOUNS):
            # "to the Ukrainian side", "with Russia": objects, not subjects ("with Kyiv
            # receiving 503" is a subject: right before its verb)
            subject = x == j - 1 and t.low[j].endswith("ing")
            if not subject and any(t.low[y] in _NOT_AGENT_BEFORE for y in range(max(0, x - 2), x)):
                continue
            if x >= 2 and t.low[x - 1] == "and" and t.low[x - 2] in AGENTS:
                return "joint"  # "Russia and Ukraine exchanged"
            return AGENTS.get(w) or PARTY_ADJ[w]
    return None


def shares_subject(t: Tokens, prev: int, j: int) -> bool:
    """Whether the verb at j is coordinated with the verb at `prev` and so has its subject:
    a coordinator right before j, with only adverbs and commas between ("and received",
    ", while receiving", "and, in turn, got"), or a participle after a comma (", receiving")."""
    x = j - 1
    while x > prev and (t.low[x] in _VERB_ADVERBS or t.low[x] == ","):
        x -= 1
    if x <= prev:
        return False
    if any(t.kind[y] == P and t.low[y] in STOP_PUNCT for y in range(prev + 1, j)):
        return False
    if t.low[x] in _COORDINATORS:
        return True
    return t.low[j].endswith("ing") and t.low[j - 1] == ","


def agent_after(t: Tokens, j: int) -> Party | None:
    """ "were handed over by Russia": the party after "by"."""
    for x in range(j + 1, min(len(t), j + 4)):
        if t.low[x] == "by":
            return place(t, x + 1)
    return None


def place(t: Tokens, x: int) -> Party | None:
    n = len(t)
    if x < n and t.low[x] == "the":
        x += 1
    if x >= n:
        return None
    w = t.low[x]
    if w in PLACE_SIDE:
        return PLACE_SIDE[w]
    head = w.split("-")[0]  # "ukraine-controlled", "russian-occupied"
    if head != w and head in PLACE_SIDE:
        return "UA" if w.endswith(("occupied", "held")) and head == "russian" else PLACE_SIDE[head]
    return None


def destination(
    t: Tokens, a: int, b: int
) -> Party | Literal["home", "people_ru", "people_ua"] | None:
    """Where the people went, from tokens [a, b): "to Ukraine", "home", "from Russian
    captivity", "from occupied territory"; "from the Kursk region" says whose people they are."""
    n = len(t)
    towards = False
    for x in range(a, min(b, n)):
        kd, w = t.kind[x], t.low[x]
        if kd == N and x > a and t.low[x - 1] in ("and", ","):
            continue  # "2,080 soldiers and 230 civilians from Russian captivity"
        if (kd == P and w in STOP_PUNCT) or kd == N or w in CLAUSE_WORDS:
            return None
        if w == "to" and x > 0 and t.low[x - 1] in ("according", "attributed"):
            continue  # "who, according to Russia, are Ukrainian soldiers": a source
        if w == "to" or w == "back":
            towards = True
            p = place(t, x + 1)
            if p:
                return p
        elif w == "in" and towards:
            p = place(t, x + 1)
            if p:
                return p
        elif w == "from":
            y = x + 1
            if y < n and t.low[y] == "the":
                y += 1
            nxt = t.low[y] if y < n else ""
            if nxt in REGION_SIDE:
                return "people_ru" if REGION_SIDE[nxt] == "RU" else "people_ua"
            if nxt in ("occupied", "occupation", "temporarily"):
                return "UA"
            p = place(t, x + 1)
            if p:
                return p if t.low[y].endswith(("occupied", "held")) else other(p)
        elif w == "home":
            return "home"
    return None


def deported_by_russia(t: Tokens, a: int, b: int) -> bool:
    for x in range(a, min(b, len(t))):
        if t.low[x] in ("deported", "abducted", "kidnapped", "removed", "taken"):
            for y in range(x + 1, min(len(t), x + 4)):
                if t.low[y] in ("russia", "russians", "moscow", "russian"):
                    return True
    return False


def between_sides(t: Tokens, a: int, b: int) -> bool:
    """ "between Russia and Ukraine", "between the two countries": a combined figure."""
    for x in range(max(0, a), min(b, len(t))):
        if t.low[x] == "between":
            w = t.low[x + 1 : x + 5]
            if any(v in AGENTS or v in ("two", "sides", "countries", "parties") for v in w):
                return True
    return False


def across_front(t: Tokens, a: int, b: int) -> bool:
    """ "returned across the front line": moved both ways, a combined figure."""
    for x in range(max(0, a), min(b, len(t)) - 1):
        if t.low[x] == "across" and any(
            w.startswith(("front", "contact")) for w in t.low[x + 1 : x + 4]
        ):
            return True
    return False


def in_return(t: Tokens, a: int, b: int) -> bool:
    """ "In return, 95 prisoners were handed over": the other side's part."""
    for x in range(max(0, a), min(b, len(t))):
        if (
            t.low[x] in ("return", "exchange")
            and x > 0
            and t.low[x - 1] == "in"
            and not (x + 1 < len(t) and t.low[x + 1] in ("for", "of"))
        ):
            return True
    return False


_ATTRIBUTION = lower_pattern(
    r"^(?:this|that|it) was (?:reported|announced|stated|confirmed|said)|^according to|^the "
    r"(?:information|news|data|figures?) (?:was|were|is|are)",
)


def claimant(low: str, pos: int) -> Party | None:
    """The side of the official named nearest to `pos` in lower-cased text."""
    best: Party | None = None
    best_d = 10**9
    for m in CLAIMANTS.finditer(low):
        d = abs(m.start() - pos)
        if d < best_d:
            best, best_d = m.lastgroup, d  # type: ignore[assignment]
    return best


def claimant_for(s: Sentence, sents: list[Sentence]) -> Callable[[int], Party | None]:
    """Position in the sentence -> the side whose official gave the figure (the sentence's
    nearest official, else an attribution sentence right after: "This was reported by...")."""
    low = lower_same(s.text)
    named: list[tuple[int, Party]] = (
        [(m.start(), m.lastgroup) for m in CLAIMANTS.finditer(low)]  # type: ignore[misc]
        if may_name_claimant(low)
        else []
    )
    fallback: Party | None = None
    if not named:
        nxt = sents[s.seq + 1] if s.seq + 1 < len(sents) else None
        if nxt is not None and nxt.field == s.field:
            nlow = lower_same(nxt.text)
            if _ATTRIBUTION.search(nlow) and may_name_claimant(nlow):
                fallback = claimant(nlow, 0)

    def at(pos: int) -> Party | None:
        if not named:
            return fallback
        return min(named, key=lambda sp: abs(sp[0] - pos))[1]

    return at
