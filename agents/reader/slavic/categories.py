"""Categories of an item from its facts and its vocabulary (corpus README conventions).

Facts decide first: a new exchange names its kind, then a suspension, then a commitment,
then background exchanges and cumulative totals. Items without facts are placed by cue
words, with the title weighing three times a body sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from agents.reader.slavic.lexicon import (
    AGREE,
    ANCHOR,
    ATTACK,
    CAPT,
    CAS,
    CIV,
    DONE,
    EXOBJ,
    FOREIGN,
    INFRA,
    MIL,
    MODAL,
    NEGO,
    NUMERIC,
    POW,
    REM,
    RESCUE,
    RET,
    SUSP,
    TALKS,
    WAR,
    XCH,
)
from agents.reader.slavic.tokens import Sentence
from schemas.common import Kind
from schemas.news import CategoryName

KIND_CATEGORY: dict[Kind, CategoryName] = {
    "remains": "remains_exchange",
    "pows": "pow_exchange",
    "civilians": "civilian_return",
}


@dataclass(slots=True)
class Scores:
    attack: int = 0
    harm: int = 0  # casualties and damaged homes: what makes a strike an "attack" item
    infra: int = 0
    war: int = 0
    nego: int = 0
    talks: int = 0
    anchor: int = 0
    foreign: int = 0
    susp: int = 0
    exchange: dict[CategoryName, int] | None = None
    title_attack: int = 0
    title_infra: int = 0
    title_exchange: int = 0
    title_nego: int = 0  # a headline announcing, offering or agreeing an exchange, or talks
    # exchange categories a headline names, and those it reports as carried out
    title_cues: set[CategoryName] = field(default_factory=set)
    offers: int = 0  # sentences that offer, plan or announce an exchange ("готова передати")
    title_done: set[CategoryName] = field(default_factory=set)


# "постраждалих немає", "обошлось без жертв": harm denied is no harm
_NO_HARM = re.compile(
    r"(?:постраждал|пострадавш|загибл|погибш|жертв)\w* (?:немає|нема|нет)"
    r"|без (?:постраждал|пострадавш|жертв|загибл|погибш)"
)
_FORMULA = re.compile(r"\d+\W{0,2} на \W{0,2}\d+")


# "обмінний фонд", "обменный фонд": the captives a side holds for future swaps
_SWAP_STOCK = ("фонд", "фонду", "фонді", "фонде", "фондом")


def _acts(s: Sentence) -> int:
    """The exchange and return flags of a sentence, without "обмінний фонд" and without
    infinitives alone ("кожен полонений — це шанс повернути нашого захисника": a hope)."""
    sf = s.sflags & (XCH | RET)
    if not sf:
        return 0
    if s.sflags & (DONE | NUMERIC) and "фонд" not in s.low:
        return sf  # every act counts: nothing to take out
    out = 0
    infinitives = 0
    toks, fl = s.tokens, s.flags
    for k in [k for k, f in enumerate(fl) if f & (XCH | RET)]:
        f = fl[k]
        if k + 1 < len(toks) and toks[k + 1] in _SWAP_STOCK:
            continue
        if toks[k].endswith(("ти", "ть")) and not f & XCH:
            infinitives |= f & (XCH | RET)
            continue
        out |= f & (XCH | RET)
    return out or (infinitives if s.sflags & (DONE | NUMERIC) else 0)


def _exchange_cues(s: Sentence) -> list[CategoryName]:
    sf = s.sflags
    if sf & FOREIGN:
        return []
    out: list[CategoryName] = []
    acts = _acts(s)
    if (acts and sf & (POW | CAPT)) or (sf & XCH and not sf & REM and _FORMULA.search(s.low)):
        out.append("pow_exchange")  # (also "обмін у форматі «185 на 185»")
    if (acts and sf & REM) or "репатр" in s.low:
        out.append("remains_exchange")
    if sf & (RET | RESCUE) and sf & CIV and not sf & (POW | MIL | CAPT):
        out.append("civilian_return")
    return out


_CUES = ATTACK | INFRA | WAR | NEGO | ANCHOR | FOREIGN | CAS | CAPT | POW


def score(sentences: list[Sentence]) -> Scores:
    sc = Scores(exchange={})
    assert sc.exchange is not None
    for s in sentences:
        w = 3 if s.field == "title" else 1
        sf = s.sflags
        if sf & _CUES:
            no_harm = (
                bool(sf & CAS)
                and ("нема" in s.low or "нет" in s.low or "без " in s.low)
                and _NO_HARM.search(s.low) is not None
            )
            for f in [f for f in s.flags if f & _CUES]:  # most tokens carry no cue
                if f & CAS and not no_harm:
                    sc.harm += w
                if f & ATTACK:
                    sc.attack += w
                    sc.title_attack += w == 3
                if f & INFRA:
                    sc.infra += w
                    sc.title_infra += w == 3
                if f & (WAR | CAPT | POW):  # captivity is of the war even without a swap
                    sc.war += w
                if f & NEGO:
                    sc.nego += w
                if f & ANCHOR:
                    sc.anchor += 1
                if f & FOREIGN:
                    sc.foreign += 1
        talks = w * sum(1 for f in s.flags if f & TALKS) if sf & TALKS else 0
        sc.talks += talks
        cues = _exchange_cues(s)
        if w == 3 and talks:
            sc.title_nego += 1
        if sf & (MODAL | AGREE) and (cues or sf & XCH):
            sc.nego += w * max(1, len(cues))  # announced, offered or agreed: not a swap yet
            if cues and sf & NUMERIC and not sf & EXOBJ:
                sc.offers += 1  # with a figure: "готовы передать еще 2 тысячи тел"
            if w == 3:
                sc.title_nego += 1
            continue
        if sf & SUSP and sf & XCH:
            sc.susp += w
        for c in cues:
            sc.exchange[c] = sc.exchange.get(c, 0) + w
            if w == 3:
                sc.title_exchange += 1
                sc.title_cues.add(c)
                if sf & DONE and not sf & TALKS:  # "сторони провели обмін полоненими"
                    sc.title_done.add(c)
    return sc


def unrelated_conflict(sc: Scores) -> bool:
    """An exchange of another conflict (Gaza, a US-Russia swap): no facts are kept."""
    return sc.foreign >= 2 and sc.foreign > sc.anchor


def choose(
    sc: Scores,
    current: list[Kind],
    background: list[Kind],
    totals: list[Kind],
    suspended: bool,
    promised: list[Kind],
    aside: bool = False,
    underway: Sequence[Kind] = (),
) -> tuple[CategoryName, list[CategoryName]]:
    """Primary category and all labels, primary first. `aside`: the exchange figures are
    background to another story (a strike in the headline); `underway`: kinds of a symmetric
    exchange reported under way (its deal's terms, but a report of the exchange)."""
    ex = sc.exchange or {}
    primary: CategoryName
    if unrelated_conflict(sc):
        primary = "unrelated"
    elif current and not aside:
        named = [KIND_CATEGORY[k] for k in current if KIND_CATEGORY[k] in sc.title_cues]
        # the headline's exchange first (civilians home in Bryansk over the swap they came
        # back in)
        primary = named[0] if named else KIND_CATEGORY[current[0]]
        if set(current) == {"civilians"} and "pow_exchange" in sc.title_cues:
            primary = "pow_exchange"  # civilians freed in a prisoner exchange: its part
    elif suspended:
        primary = "exchange_suspended"
    elif underway and not promised and not aside:
        primary = KIND_CATEGORY[underway[0]]
    elif sc.title_done and not aside:
        primary = sorted(sc.title_done)[0]  # a swap reported done; the deal is its background
    elif promised or sc.title_nego:
        primary = "negotiation"
    elif sc.offers and not (background or totals) and not aside:
        primary = "negotiation"  # "готовы передать еще 2 тысячи тел": an offer
    elif (background or totals) and not aside:
        primary = KIND_CATEGORY[(background or totals)[0]]
    elif ex and max(ex.values()) >= 2:
        primary = max(ex, key=lambda c: ex[c])
    elif sc.nego >= 3 or sc.talks >= 2:
        primary = "negotiation"
    elif sc.infra >= 2 and sc.infra >= sc.harm:
        primary = "infrastructure"
    elif sc.attack >= 2 and sc.harm:
        primary = "attack"
    elif sc.war >= 2 and sc.war + sc.anchor >= 3:
        primary = "other_war"
    else:
        primary = "unrelated"
    labels: list[CategoryName] = [primary]
    if primary == "unrelated":
        return primary, labels

    def add(c: CategoryName) -> None:
        if c not in labels:
            labels.append(c)

    for k in (*current, *totals):
        add(KIND_CATEGORY[k])
    if suspended:
        add("exchange_suspended")
    for k in (*promised, *underway):
        add(KIND_CATEGORY[k])
    if promised or sc.talks >= 2:
        add("negotiation")
    if primary == "infrastructure" and sc.attack >= 2:
        add("attack")
    if primary == "attack" and sc.infra >= 3:
        add("infrastructure")
    return primary, labels
