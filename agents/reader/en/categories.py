"""English categories: scores from what each sentence speaks of (marks), the headline
(title, else the lead) weighing most, the facts read from the sentences more than words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.reader.en.lexicon import OTHER_EXCHANGE
from agents.reader.en.marks import Marks
from agents.reader.shared.facts import AnyFact, order_labels
from agents.reader.shared.sentences import Sentence
from schemas.news import (
    CategoryName,
    CommitmentFact,
    ExchangeFact,
    ResumptionFact,
    SuspensionFact,
    TotalFact,
)

_TEASER = re.compile(
    r"^(?:also read|read also|read more|see also|related|more:|watch:|recommended|follow us"
    r"|join us|subscribe)\b",
    re.I,
)
# Marks of talk about exchanges rather than their report: offers, plans, agreements.
_TALK = frozenset({"neg", "negw", "modal"})


# An exchange reported as carried out, with or without figures.
_DONE_SWAP = re.compile(
    r"\b(?:exchange|swap|repatriation|handover)s? (?:was |were |has been |have been )?"
    r"(?:just )?(?:completed|concluded|carried out|conducted|held|took place|happened)\b"
    r"|\b(?:completed|concluded|carried out|conducted|held)\b[\w ,'’-]{0,40}?"
    r"\b(?:exchange|swap|repatriation)\b"
)
# "No casualties were reported": harm denied is no harm.
_NO_HARM = re.compile(
    r"\b(?:no (?:casualties|injuries|deaths|fatalities|one was (?:hurt|injured|killed))"
    r"|without (?:casualties|injuries)|nobody was (?:hurt|injured|killed))\b"
)
_DONE_KEYS = ("complet", "conclud", "carried", "conduct", "held", "took place", "happened")


# "the exchange fund": the captives a side holds for future swaps
_EXCHANGE_FUND = re.compile(r"\bexchange (?:fund|pool|stock)\b")
_PURPOSE = re.compile(r"\b(?:so that|in order to|in order for)\b")


def _done_swap(low: str) -> bool:
    return any(map(low.__contains__, _DONE_KEYS)) and _DONE_SWAP.search(low) is not None


# A military aircraft brought down.
_CRASH = re.compile(
    r"\b(?:plane|aircraft|jet|helicopter|il-76|ilyushin\S*)\b[\w ,'’-]{0,60}?"
    r"\b(?:crash\w*|shot down|downed)\b|\b(?:crash\w*|shot down|downing of)\b[\w ,'’-]{0,40}?"
    r"\b(?:plane|aircraft|jet|il-76|ilyushin)\b"
)


def is_teaser(text: str) -> bool:
    """ "Also Read: ...", "SEE ALSO:" lines point to other articles; they are not read."""
    return _TEASER.match(text) is not None


_WAR_CONTEXT = frozenset({"war", "atts", "inf", "pow", "rem", "neg", "exch", "ru"})
_RETURN_CONTEXT = frozenset({"civ", "digit", "number"})  # "nine children returned home"


def is_relevant(sents: Sequence[Sentence], marks: Sequence[Marks]) -> bool:
    """Whether the item is about the Russia-Ukraine war at all: a Ukrainian anchor in the
    headline (or the lead), or Russian forces in the headline and Ukraine in the text, or
    Ukraine in enough of the sentences; and war words somewhere (a football report from Kyiv
    is not about the war; a passing mention in an article on central banks is not enough)."""
    if not sents:
        return False
    if not any(
        mk.groups & _WAR_CONTEXT or ("ret" in mk.groups and mk.groups & _RETURN_CONTEXT)
        for mk in marks
    ):
        return False
    head = [i for i, s in enumerate(sents) if s.field == "title"]
    lead = len(head) if len(sents) > len(head) else None
    top = [*head, *([lead] if lead is not None else [])]
    if any(marks[i].has("ua") for i in top):
        return True
    anchored = sum(1 for mk in marks if mk.has("ua"))
    if any(marks[i].has("ru") and marks[i].groups & {"war", "atts"} for i in top):
        return True  # "Russian troops advance", "Russian missiles hit power plants"
    return anchored >= 2 and anchored >= 0.15 * len(sents)


def _weight(s: Sentence, lead_index: int) -> float:
    if s.field == "title":
        return 3.0
    if s.seq == lead_index:
        return 2.0
    return 1.0


_KIND_CAT: dict[str, CategoryName] = {
    "remains": "remains_exchange",
    "pows": "pow_exchange",
    "civilians": "civilian_return",
}
# Tie order: exchanges first (the service's subject), then the rest.
_PRIORITY: tuple[CategoryName, ...] = (
    "pow_exchange",
    "remains_exchange",
    "civilian_return",
    "exchange_suspended",
    "negotiation",
    "infrastructure",
    "attack",
    "other_war",
)


def decide(
    sents: Sequence[Sentence],
    marks: Sequence[Marks],
    facts: Sequence[AnyFact],
    fact_sentence: Sequence[int],
    explain: dict[str, float] | None = None,
) -> tuple[CategoryName, list[CategoryName]]:
    """Primary category and labels of a relevant item (`explain` receives the scores)."""
    score: dict[CategoryName, float] = dict.fromkeys(_PRIORITY, 0.0)
    score["other_war"] = 1.2
    lead = next((s.seq for s in sents if s.field == "body"), -1)
    headline = {s.seq for s in sents if s.field == "title"} or {lead}
    if sents and sents[0].field == "title":
        headline.add(lead)
    agreed_kinds: set[CategoryName] = set()
    done_swaps = 0.0  # "the swap was completed", "carried out another exchange"
    crashes = 0.0
    strike_on_energy = 0
    clean_neg = 0
    clean_atts = 0
    clean_cas = 0
    clean_inf = 0
    for s, mk in zip(sents, marks, strict=True):
        w = _weight(s, lead)
        g = mk.groups
        if "exch" in g and " fund" in mk.low and _EXCHANGE_FUND.search(mk.low):
            g = g - {"exch"}  # "they will go to the exchange fund": captives held, no swap
        if "ret" in g and ("so that" in mk.low or "in order" in mk.low) and _PURPOSE.search(mk.low):
            g = g - {"ret"}  # "so that more of our defenders can come home": a hope
        exch_talk = mk.exchange_talk
        other = "exch" in g and OTHER_EXCHANGE.search(s.text) is not None
        talk = bool(g & _TALK)
        if "neg" in g:
            score["negotiation"] += w
        elif "negw" in g:
            score["negotiation"] += 0.25 * w
        elif "commit" in g:
            score["negotiation"] += 0.15 * w
        if "modal" in g and exch_talk and not other:
            score["negotiation"] += 0.6 * w  # "could swap more than a thousand prisoners"
        if "commit" in g:
            kinds: tuple[tuple[str, CategoryName], ...] = (
                ("pow", "pow_exchange"),
                ("rem", "remains_exchange"),
            )
            for grp, cat in kinds:
                if grp in g:
                    agreed_kinds.add(cat)
        if "atts" in g:
            score["attack"] += w
        no_harm = "cas" in g and _NO_HARM.search(mk.low) is not None
        if "cas" in g and not exch_talk and not no_harm:
            score["attack"] += 0.4 * w
        if "inf" in g:
            score["infrastructure"] += w * min(2, mk.counts["inf"])
        if not other and not talk and "stall" not in g:
            if "pow" in g and ("exch" in g or "ret" in g):
                score["pow_exchange"] += 0.8 * w
            if "rem" in g and ("exch" in g or "ret" in g or ("rem" in g and mk.counts["rem"] > 1)):
                score["remains_exchange"] += 0.8 * w
            if "civ" in g and "ret" in g and "pow" not in g:
                # civilians freed in a prisoner exchange are part of that exchange
                score["civilian_return"] += 0.8 * w
        if "stall" in g and exch_talk:
            score["exchange_suspended"] += 0.3 * w
        if exch_talk and not other and not talk and _done_swap(mk.low):
            score["remains_exchange" if "rem" in g else "pow_exchange"] += 1.0 * w
            done_swaps += w
        if "crash" in g and _CRASH.search(mk.low):
            crashes += w
        if not exch_talk:
            clean_neg += "neg" in g
            if not g & {"neg", "modal"}:  # "must halt attacks on civilians": a demand
                clean_atts += "atts" in g
                clean_cas += "cas" in g and not no_harm
                clean_inf += mk.counts.get("inf", 0)
                strike_on_energy += "atts" in g and "inf" in g
    current: set[CategoryName] = set()
    done = {(f.kind, f.count) for f in facts if isinstance(f, ExchangeFact) and not f.historical}
    for f, si in zip(facts, fact_sentence, strict=True):
        s = sents[si]
        w = _weight(s, lead)
        if isinstance(f, ExchangeFact):
            cat = _KIND_CAT[f.kind]
            if f.historical:
                score[cat] += 0.3 * w
            else:
                score[cat] += 2.0 * w
                current.add(cat)
        elif isinstance(f, TotalFact):
            score[_KIND_CAT[f.kind]] += 0.3 * w
        elif isinstance(f, CommitmentFact) and (f.kind, f.count) in done and not f.agreement:
            score[_KIND_CAT[f.kind]] += 2.0 * w  # "deal to repatriate 46", carried out
        elif isinstance(f, CommitmentFact):
            # the deal behind an exchange the item reports as done is its background
            score["negotiation"] += (0.5 if done or done_swaps else 1.5) * w
            score[_KIND_CAT[f.kind]] += 0.5 * w
            current.add(_KIND_CAT[f.kind])
        elif isinstance(f, SuspensionFact):
            score["exchange_suspended"] += 2.5 * w
        elif isinstance(f, ResumptionFact):
            score[_KIND_CAT[f.kind]] += 0.5 * w
    # a military aircraft down is a war event of its own ("the Il-76 crash")
    score["other_war"] += 0.8 * crashes
    primary = max(_PRIORITY, key=lambda c: (score[c], -_PRIORITY.index(c)))
    if explain is not None:
        explain.update({str(k): v for k, v in score.items()})
        explain.update(clean_neg=clean_neg, clean_atts=clean_atts, clean_cas=clean_cas,
                       clean_inf=clean_inf)  # fmt: skip
    labels: set[CategoryName] = set(current)
    if not current and primary in _KIND_CAT.values():
        # a review of past exchanges: the kinds it reviews
        labels |= {_KIND_CAT[f.kind] for f in facts if isinstance(f, ExchangeFact)}
    if primary == "negotiation":
        labels |= agreed_kinds  # talks that agreed on exchanges of these kinds
    if any(isinstance(f, SuspensionFact) for f in facts):
        labels.add("exchange_suspended")
    reported = bool(done)
    if clean_neg >= 2 or (
        not reported
        and any(
            isinstance(f, CommitmentFact) and ((f.kind, f.count) not in done or f.agreement)
            for f in facts
        )
    ):
        # (the deal behind an exchange reported as done is no talks of the item's own)
        labels.add("negotiation")
    if (clean_atts and (clean_cas or primary == "infrastructure")) or clean_atts >= 2:
        labels.add("attack")
    if clean_inf >= 2:
        labels.add("infrastructure")
    if strike_on_energy:
        labels |= {"attack", "infrastructure"}  # "drones damaged energy facilities"
    return primary, order_labels(primary, labels)
